import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createLayeringActions } from '.';
import { examples } from './manifestRender.examples';
import { actionOptions, startTestCluster } from '../__testUtils__/cluster';
import { runExample } from '../__testUtils__/examples';

describe('layering:manifest:render examples', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it.each(examples.map(e => [e.description, e] as const))('runs: %s', async (_, example) => {
    const outputs = await runExample(example, createLayeringActions(actionOptions(cluster)));
    expect(outputs.render.manifestPaths).toHaveLength(1);
    expect(outputs.render.summary).toEqual(expect.stringContaining('### How to revert'));
  });
});
