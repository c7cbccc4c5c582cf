import { examples } from './buildRebuild.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:build:rebuild examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.rebuild).toMatchObject({
      machineOSConfig: 'infra',
      changed: true,
    });
  });
});
