import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createBuildDeleteAction } from './buildDelete';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const MCO = '/apis/machineconfiguration.openshift.io/v1';

async function buildsByUse(cluster: EmbeddedCluster) {
  const api = adminApi(cluster);
  const nodes = (await api.get('/api/v1/nodes')).items;
  const images = new Set<string>(
    nodes.flatMap((n: any) => [
      n.metadata.annotations?.['machineconfiguration.openshift.io/currentImage'],
      n.metadata.annotations?.['machineconfiguration.openshift.io/desiredImage'],
    ]).filter(Boolean),
  );
  const builds = (await api.get(`${MCO}/machineosbuilds`)).items;
  return {
    used: builds.filter((b: any) => images.has(b.status?.digestedImagePushSpec)),
    // Builds without an image yet (still running) and builds nobody runs.
    unused: builds.filter((b: any) => !images.has(b.status?.digestedImagePushSpec)),
  };
}

describe('layering:build:delete', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('refuses to delete a build whose image a node runs or wants', async () => {
    const { used } = await buildsByUse(cluster);
    expect(used.length).toBeGreaterThan(0);
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({ cluster: 'ocp-418', build: used[0].metadata.name });

    await expect(createBuildDeleteAction(actionOptions(cluster)).handler(ctx)).rejects.toThrow(
      /produced the image that node\(s\) infra-0 run or are moving to/,
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('deletes a build no node uses and records the request for its pool', async () => {
    const { unused } = await buildsByUse(cluster);
    expect(unused.length).toBeGreaterThan(0);
    const name = unused[0].metadata.name;
    const options = actionOptions(cluster);
    const { ctx, output } = await createTestContext({ cluster: 'ocp-418', build: name });

    await createBuildDeleteAction(options).handler(ctx);

    // The MCO names builds after their inputs: it may start the same build again at once,
    // but never with the deleted object's uid.
    const after = await adminApi(cluster).get(`${MCO}/machineosbuilds/${name}`);
    expect(after?.metadata.uid).not.toBe(unused[0].metadata.uid);
    expect(outputsOf(output)).toMatchObject({ pool: 'infra', changed: true, imagePruned: false });
    expect(options.backend.records[0]).toMatchObject({ kind: 'delete-build', pool: 'infra' });

    // A build that is gone already is a no-op.
    const again = await createTestContext({ cluster: 'ocp-418', build: 'infra-00000000000000000000000000000000' });
    await createBuildDeleteAction(options).handler(again.ctx);
    expect(outputsOf(again.output).changed).toBe(false);
  });

  it('changes nothing in a dry run', async () => {
    const { unused } = await buildsByUse(cluster);
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext(
      { cluster: 'ocp-418', build: unused[0].metadata.name },
      { isDryRun: true },
    );
    await createBuildDeleteAction(actionOptions(cluster)).handler(ctx);
    expect(await snapshotCluster(cluster)).toEqual(before);
  });
});
