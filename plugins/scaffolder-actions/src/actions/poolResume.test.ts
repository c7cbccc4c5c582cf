import { createPoolResumeAction } from './poolResume';
import {
  actionOptions,
  adminApi,
  machineConfigPool,
  poolDryRun,
  snapshotCluster,
  startTestCluster,
  useTestCluster,
} from '../__testUtils__/cluster';
import {
  createTestContext,
  outputsOf,
  runAction,
} from '../__testUtils__/context';

describe('layering:pool:resume', () => {
  const embedded = useTestCluster();

  it('resumes a paused pool, warns that its image build is still running, and records the request', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const { output, checkpoints, logger } = await runAction(
      createPoolResumeAction(options),
      { cluster: 'ocp-418', pool: 'infra' },
    );

    expect((await machineConfigPool(cluster, 'infra')).spec.paused).toBe(false);
    // The sample's newest build of infra (the MachineOSConfig's annotation) is still Building.
    const warning =
      'Image build infra-08dcbd033aeac08fbb14963fe9ec65c5 of pool infra has not finished: no node is updated before it succeeds, then every node of the pool reboots into its image.';
    expect(outputsOf(output)).toMatchObject({
      changed: true,
      warnings: [warning],
      requestId: 'req-1',
    });
    expect(logger.warn).toHaveBeenCalledWith(warning, {
      cluster: 'ocp-418',
      pool: 'infra',
    });
    expect(checkpoints).toContain('layering.pool.resume.ocp-418.infra');
    expect(options.backend.records[0]).toMatchObject({
      kind: 'resume',
      pool: 'infra',
      outcome: 'applied',
    });
  });

  it('is a no-op for a pool that is not paused, and says so', async () => {
    const { cluster } = embedded;
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { output } = await runAction(createPoolResumeAction(options), {
      cluster: 'ocp-418',
      pool: 'worker',
    });

    expect(outputsOf(output)).toMatchObject({
      changed: false,
      warnings: ['Pool worker is not paused: the request changes nothing.'],
    });
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it('changes nothing in a dry run and refuses without the permission', async () => {
    const { cluster } = embedded;
    const before = await snapshotCluster(cluster);
    const dry = await poolDryRun(createPoolResumeAction, cluster, 'infra');
    expect(dry.changed).toBe(true);

    const denied = await createTestContext({
      cluster: 'ocp-418',
      pool: 'infra',
    });
    await expect(
      createPoolResumeAction(actionOptions(cluster, { allow: false })).handler(
        denied.ctx,
      ),
    ).rejects.toThrow('You may not resume pool infra directly');
    expect(await snapshotCluster(cluster)).toEqual(before);
  });
});

describe('layering:pool:resume pre-flight on other cluster states', () => {
  const pausedPool = (name: string) => (o: any) =>
    o.kind === 'MachineConfigPool' && o.metadata.name === name
      ? { ...o, spec: { ...o.spec, paused: true } }
      : o;

  it('warns about a failed newest build and a degraded pool, and is quiet for a healthy up-to-date one', async () => {
    const cluster = await startTestCluster({
      edit: o => {
        if (
          o.kind === 'MachineOSBuild' &&
          o.metadata.name === 'infra-08dcbd033aeac08fbb14963fe9ec65c5'
        ) {
          const conditions = o.status.conditions.map((c: any) => ({
            ...c,
            status: c.type === 'Failed' ? 'True' : 'False',
          }));
          return { ...o, status: { ...o.status, conditions } };
        }
        if (o.kind === 'MachineConfigPool' && o.metadata.name === 'infra') {
          const conditions = o.status.conditions.map((c: any) =>
            c.type === 'ImageBuildDegraded' || c.type === 'Degraded'
              ? { ...c, status: 'True', reason: 'BuildFailed' }
              : c,
          );
          return { ...o, status: { ...o.status, conditions } };
        }
        if (o.kind === 'MachineConfigPool' && o.metadata.name === 'worker') {
          const conditions = o.status.conditions.map((c: any) =>
            c.type === 'NodeDegraded' || c.type === 'Degraded'
              ? { ...c, status: 'True' }
              : c,
          );
          return pausedPool('worker')({
            ...o,
            status: { ...o.status, degradedMachineCount: 1, conditions },
          });
        }
        return pausedPool('master')(o);
      },
    });
    try {
      const infra = await poolDryRun(createPoolResumeAction, cluster, 'infra');
      // The failed build explains ImageBuildDegraded: it is not named a second time.
      expect(infra.warnings).toEqual([
        'The newest image build infra-08dcbd033aeac08fbb14963fe9ec65c5 of pool infra failed: what waits for its image does not roll out until a build succeeds.',
      ]);

      const worker = await poolDryRun(
        createPoolResumeAction,
        cluster,
        'worker',
      );
      expect(worker.warnings).toEqual([
        'Pool worker is degraded (NodeDegraded): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.',
      ]);

      const master = await poolDryRun(
        createPoolResumeAction,
        cluster,
        'master',
      );
      expect(master).toMatchObject({
        changed: true,
        warnings: [],
      });
    } finally {
      await cluster.stop();
    }
  });

  it('warns that resuming master on a single-node cluster with a change pending reboots the only control plane node', async () => {
    const cluster = await startTestCluster({
      state: 'sno-419',
      edit: pausedPool('master'),
    });
    try {
      const upToDate = await poolDryRun(
        createPoolResumeAction,
        cluster,
        'master',
      );
      expect(upToDate.warnings).toEqual([]);

      // A new master MachineConfig renders while the pool is paused: the node is behind.
      const created = await adminApi(cluster).send(
        'POST',
        '/apis/machineconfiguration.openshift.io/v1/machineconfigs',
        {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfig',
          metadata: {
            name: '99-master-motd',
            labels: { 'machineconfiguration.openshift.io/role': 'master' },
          },
          spec: {
            config: { ignition: { version: '3.4.0' } },
            kernelArguments: ['quiet'],
          },
        },
      );
      expect(created.status).toBe(201);
      await cluster.settle();
      const pool = await machineConfigPool(cluster, 'master');
      expect(pool.status.updatedMachineCount).toBeLessThan(
        pool.status.machineCount,
      );

      const pending = await runAction(
        createPoolResumeAction(actionOptions(cluster)),
        { cluster: 'ocp-418', pool: 'master' },
      );
      expect(outputsOf(pending.output)).toMatchObject({
        changed: true,
        warnings: [
          'Single-node cluster: resuming pool master with changes pending reboots the only control plane node.',
        ],
      });
    } finally {
      await cluster.stop();
    }
  });
});
