import { createPoolPauseAction } from './poolPause';
import {
  actionOptions,
  adminApi,
  machineConfigPool,
  poolDryRun,
  snapshotCluster,
  useTestCluster,
} from '../__testUtils__/cluster';
import {
  createTestContext,
  outputsOf,
  runAction,
} from '../__testUtils__/context';

describe('layering:pool:pause', () => {
  const embedded = useTestCluster();

  it('pauses a running pool with a merge patch and records the request', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const { output, checkpoints, logger } = await runAction(
      createPoolPauseAction(options),
      { cluster: 'ocp-418', pool: 'worker', reason: 'hold the rollout' },
    );

    expect((await machineConfigPool(cluster, 'worker')).spec.paused).toBe(true);
    expect(outputsOf(output)).toMatchObject({
      changed: true,
      requestId: 'req-1',
    });
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
    expect(logger.info).toHaveBeenCalledWith(
      'About to pause pool',
      expect.objectContaining({ pool: 'worker' }),
    );
    // Custom pool infra inherits worker MachineConfigs but is paused itself: not named.
    expect(outputsOf(output).warnings).toEqual([
      'While pool worker is paused the MCO still renders its configuration, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
    ]);
  });

  it('asks to keep a pause of the control plane pool short, in the output and the log', async () => {
    const { cluster } = embedded;
    const { output, logger } = await runAction(
      createPoolPauseAction(actionOptions(cluster)),
      { cluster: 'ocp-418', pool: 'master' },
    );

    expect((await machineConfigPool(cluster, 'master')).spec.paused).toBe(true);
    const warnings = [
      'While pool master is paused the MCO still renders its configuration, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
      'Pool master holds the control plane nodes: keep the pause short, since no cluster upgrade updates them while it lasts.',
    ];
    expect(outputsOf(output)).toMatchObject({ changed: true, warnings });
    for (const warning of warnings) {
      expect(logger.warn).toHaveBeenCalledWith(warning, {
        cluster: 'ocp-418',
        pool: 'master',
      });
    }
  });

  it('says that an on-cluster build goes on, and names the custom pools a worker pause leaves running', async () => {
    const { cluster } = embedded;
    const resumed = await adminApi(cluster).send(
      'PATCH',
      '/apis/machineconfiguration.openshift.io/v1/machineconfigpools/infra',
      { spec: { paused: false } },
      'application/merge-patch+json',
    );
    expect(resumed.status).toBe(200);
    await cluster.settle();
    const infra = await poolDryRun(createPoolPauseAction, cluster, 'infra');
    expect(infra.warnings).toEqual([
      'While pool infra is paused the MCO still renders its configuration and builds its image, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
    ]);

    const worker = await poolDryRun(createPoolPauseAction, cluster, 'worker');
    expect(worker.warnings).toContain(
      'Custom pool infra inherits worker MachineConfigs but is not paused with worker: they still roll out to its nodes.',
    );
  });

  it('is a no-op when the pool is already paused, and says so', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { output, logger } = await runAction(createPoolPauseAction(options), {
      cluster: 'ocp-418',
      pool: 'infra',
    });

    const warning =
      'Pool infra is already paused: the request changes nothing.';
    expect(outputsOf(output)).toMatchObject({
      changed: false,
      warnings: [warning],
    });
    expect(logger.warn).toHaveBeenCalledWith(warning, expect.anything());
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it('changes nothing in a dry run', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { output, logger } = await runAction(
      createPoolPauseAction(options),
      { cluster: 'ocp-418', pool: 'worker' },
      { isDryRun: true },
    );

    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(outputsOf(output).changed).toBe(true);
    expect(options.backend.records).toHaveLength(0);
    expect(logger.info).toHaveBeenCalledWith(
      'Dry run: would pause pool',
      expect.anything(),
    );
  });

  it('refuses without the layering.cluster.apply permission', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster, { allow: false });
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
    });

    await expect(createPoolPauseAction(options).handler(ctx)).rejects.toThrow(
      /layering\.cluster\.apply permission is required/,
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('refuses a missing pool with the pre-flight error of the pool field, and names an unknown cluster', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const missing = await createTestContext({
      cluster: 'ocp-418',
      pool: 'gpu',
    });
    const refused = createPoolPauseAction(options).handler(missing.ctx);
    await expect(refused).rejects.toThrow(
      'Pre-flight checks failed:\npool: Pool gpu does not exist in this cluster.',
    );
    await expect(refused).rejects.toMatchObject({ name: 'InputError' });
    expect(missing.output).not.toHaveBeenCalled();
    expect(await snapshotCluster(cluster)).toEqual(before);
    const unknown = await createTestContext({
      cluster: 'prod-eu',
      pool: 'worker',
    });
    await expect(
      createPoolPauseAction(options).handler(unknown.ctx),
    ).rejects.toThrow(
      'cluster: "prod-eu" is not a configured cluster (configured: ocp-418)',
    );
  });
});

describe('layering:pool:pause when the layering backend is down', () => {
  const embedded = useTestCluster();

  it('keeps the change and warns that it could not be recorded', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    options.backend.recordRequest = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const { output, logger } = await runAction(createPoolPauseAction(options), {
      cluster: 'ocp-418',
      pool: 'worker',
    });

    expect((await machineConfigPool(cluster, 'worker')).spec.paused).toBe(true);
    expect(outputsOf(output)).toMatchObject({
      changed: true,
      requestId: undefined,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'The change was made but could not be recorded in the layering backend',
      expect.objectContaining({ message: 'connect ECONNREFUSED' }),
    );
  });
});
