import { examples } from './clusterApply.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:cluster:apply examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.apply).toMatchObject({
      changed: true,
      applied: [{ kind: 'MachineOSConfig', name: 'infra', changed: true }],
    });
  });
});
