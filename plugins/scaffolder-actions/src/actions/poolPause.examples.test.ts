import { examples } from './poolPause.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:pool:pause examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.pause.changed).toBe(false); // the sample infra pool is paused already
  });
});
