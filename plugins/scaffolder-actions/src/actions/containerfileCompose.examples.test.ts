import { examples } from './containerfileCompose.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:containerfile:compose examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.compose.containerfile).toEqual(
      expect.stringContaining('ostree container commit'),
    );
  });
});
