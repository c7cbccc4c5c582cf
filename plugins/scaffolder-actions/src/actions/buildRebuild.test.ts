import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createBuildRebuildAction } from './buildRebuild';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const MCO = '/apis/machineconfiguration.openshift.io/v1';

describe('layering:build:rebuild', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('asks the MCO for a new build of the pool through the rebuild annotation', async () => {
    const options = actionOptions(cluster);
    const buildsBefore = (await adminApi(cluster).get(`${MCO}/machineosbuilds`)).items.map(
      (b: any) => b.metadata.name,
    );
    const { ctx, output, checkpoints } = await createTestContext({ cluster: 'ocp-418', pool: 'infra' });

    await createBuildRebuildAction(options).handler(ctx);
    await cluster.settle();

    expect(outputsOf(output)).toMatchObject({ machineOSConfig: 'infra', changed: true, requestId: 'req-1' });
    expect(checkpoints).toContain('layering.build.rebuild.ocp-418.infra');
    const mosc = await adminApi(cluster).get(`${MCO}/machineosconfigs/infra`);
    const builds = (await adminApi(cluster).get(`${MCO}/machineosbuilds`)).items.map(
      (b: any) => b.metadata.name,
    );
    // Either the MCO has not picked the request up yet, or it already replaced the build.
    const pending = mosc.metadata.annotations?.['machineconfiguration.openshift.io/rebuild'] === 'task-0001';
    const rebuilt = builds.some((b: string) => !buildsBefore.includes(b));
    expect(pending || rebuilt).toBe(true);
    expect(options.backend.records[0]).toMatchObject({ kind: 'rebuild', pool: 'infra' });
  });

  it('refuses a pool without on-cluster layering and changes nothing', async () => {
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({ cluster: 'ocp-418', pool: 'worker' });
    await expect(createBuildRebuildAction(actionOptions(cluster)).handler(ctx)).rejects.toThrow(
      'pool: worker on cluster ocp-418 has no MachineOSConfig; rebuilds apply to on-cluster layering only',
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('changes nothing in a dry run', async () => {
    const before = await snapshotCluster(cluster);
    const options = actionOptions(cluster);
    const { ctx, output } = await createTestContext({ cluster: 'ocp-418', pool: 'infra' }, { isDryRun: true });
    await createBuildRebuildAction(options).handler(ctx);
    expect(outputsOf(output).changed).toBe(true);
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });
});
