import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createPoolPauseAction } from './poolPause';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const POOLS = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools';

describe('layering:pool:pause', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('pauses a running pool with a merge patch and records the request', async () => {
    const options = actionOptions(cluster);
    const action = createPoolPauseAction(options);
    const { ctx, output, checkpoints, logger } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      reason: 'hold the rollout',
    });

    await action.handler(ctx);

    const pool = await adminApi(cluster).get(`${POOLS}/worker`);
    expect(pool.spec.paused).toBe(true);
    expect(outputsOf(output)).toMatchObject({ changed: true, requestId: 'req-1' });
    expect(checkpoints).toContain('layering.pool.pause.ocp-418.worker');
    expect(options.backend.records).toEqual([
      expect.objectContaining({
        cluster: 'ocp-418',
        pool: 'worker',
        kind: 'pause',
        delivery: 'direct',
        outcome: 'applied',
        taskId: 'task-0001',
        requestedBy: 'user:default/jdoe',
      }),
    ]);
    expect(logger.info).toHaveBeenCalledWith('About to pause pool', expect.objectContaining({ pool: 'worker' }));
  });

  it('is a no-op when the pool is already paused', async () => {
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { ctx, output } = await createTestContext({ cluster: 'ocp-418', pool: 'infra' });

    await createPoolPauseAction(options).handler(ctx);

    expect(outputsOf(output).changed).toBe(false);
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it('changes nothing in a dry run', async () => {
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { ctx, output, logger } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker' },
      { isDryRun: true },
    );

    await createPoolPauseAction(options).handler(ctx);

    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(outputsOf(output).changed).toBe(true);
    expect(options.backend.records).toHaveLength(0);
    expect(logger.info).toHaveBeenCalledWith('Dry run: would pause pool', expect.anything());
  });

  it('refuses without the layering.cluster.apply permission', async () => {
    const options = actionOptions(cluster, { allow: false });
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({ cluster: 'ocp-418', pool: 'worker' });

    await expect(createPoolPauseAction(options).handler(ctx)).rejects.toThrow(
      /layering\.cluster\.apply permission is required/,
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('names a missing pool and an unknown cluster', async () => {
    const options = actionOptions(cluster);
    const missing = await createTestContext({ cluster: 'ocp-418', pool: 'gpu' });
    await expect(createPoolPauseAction(options).handler(missing.ctx)).rejects.toThrow(
      'MachineConfigPool/gpu does not exist on cluster ocp-418',
    );
    const unknown = await createTestContext({ cluster: 'prod-eu', pool: 'worker' });
    await expect(createPoolPauseAction(options).handler(unknown.ctx)).rejects.toThrow(
      'cluster: "prod-eu" is not a configured cluster (configured: ocp-418)',
    );
  });
});

describe('layering:pool:pause when the layering backend is down', () => {
  it('keeps the change and warns that it could not be recorded', async () => {
    const cluster = await startTestCluster();
    try {
      const options = actionOptions(cluster);
      options.backend.recordRequest = async () => {
        throw new Error('connect ECONNREFUSED');
      };
      const { ctx, output, logger } = await createTestContext({ cluster: 'ocp-418', pool: 'worker' });

      await createPoolPauseAction(options).handler(ctx);

      expect((await adminApi(cluster).get(`${POOLS}/worker`)).spec.paused).toBe(true);
      expect(outputsOf(output)).toMatchObject({ changed: true, requestId: undefined });
      expect(logger.warn).toHaveBeenCalledWith(
        'The change was made but could not be recorded in the layering backend',
        expect.objectContaining({ message: 'connect ECONNREFUSED' }),
      );
    } finally {
      await cluster.stop();
    }
  });
});
