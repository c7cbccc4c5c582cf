import { examples } from './nodeAssign.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:node:assign examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.assign).toMatchObject({
      labelled: ['worker-1'],
      poolCreated: true,
    });
  });
});
