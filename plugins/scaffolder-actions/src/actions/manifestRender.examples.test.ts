import { examples } from './manifestRender.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:manifest:render examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.render.manifestPaths).toHaveLength(1);
    expect(outputs.render.summary).toEqual(
      expect.stringContaining('### How to revert'),
    );
  });
});
