import { examples } from './layerRevert.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:layer:revert examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(Object.values(outputs)[0]).toMatchObject({ changed: true });
  });
});
