import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createPoolResumeAction } from './poolResume';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const POOLS = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools';

describe('layering:pool:resume', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('resumes a paused pool and records the request', async () => {
    const options = actionOptions(cluster);
    const { ctx, output, checkpoints } = await createTestContext({ cluster: 'ocp-418', pool: 'infra' });

    await createPoolResumeAction(options).handler(ctx);

    expect((await adminApi(cluster).get(`${POOLS}/infra`)).spec.paused).toBe(false);
    expect(outputsOf(output)).toMatchObject({ changed: true, warnings: [], requestId: 'req-1' });
    expect(checkpoints).toContain('layering.pool.resume.ocp-418.infra');
    expect(options.backend.records[0]).toMatchObject({ kind: 'resume', pool: 'infra', outcome: 'applied' });
  });

  it('is a no-op for a pool that is not paused', async () => {
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { ctx, output } = await createTestContext({ cluster: 'ocp-418', pool: 'worker' });

    await createPoolResumeAction(options).handler(ctx);

    expect(outputsOf(output).changed).toBe(false);
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it('changes nothing in a dry run and refuses without the permission', async () => {
    const before = await snapshotCluster(cluster);
    const dry = await createTestContext({ cluster: 'ocp-418', pool: 'infra' }, { isDryRun: true });
    await createPoolResumeAction(actionOptions(cluster)).handler(dry.ctx);
    expect(outputsOf(dry.output).changed).toBe(true);

    const denied = await createTestContext({ cluster: 'ocp-418', pool: 'infra' });
    await expect(
      createPoolResumeAction(actionOptions(cluster, { allow: false })).handler(denied.ctx),
    ).rejects.toThrow('You may not resume pool infra directly');
    expect(await snapshotCluster(cluster)).toEqual(before);
  });
});
