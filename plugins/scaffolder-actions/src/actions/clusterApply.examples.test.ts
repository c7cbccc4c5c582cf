import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createLayeringActions } from '.';
import { examples } from './clusterApply.examples';
import { actionOptions, startTestCluster } from '../__testUtils__/cluster';
import { runExample } from '../__testUtils__/examples';

describe('layering:cluster:apply examples', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it.each(examples.map(e => [e.description, e] as const))('runs: %s', async (_, example) => {
    const outputs = await runExample(example, createLayeringActions(actionOptions(cluster)));
    expect(outputs.apply).toMatchObject({ changed: true, applied: [{ kind: 'MachineOSConfig', name: 'infra', changed: true }] });
  });
});
