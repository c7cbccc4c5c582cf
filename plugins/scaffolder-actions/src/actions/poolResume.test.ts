import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createPoolResumeAction } from './poolResume';
import {
  actionOptions,
  adminApi,
  snapshotCluster,
  startTestCluster,
} from '../__testUtils__/cluster';
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

  it('resumes a paused pool, warns that its image build is still running, and records the request', async () => {
    const options = actionOptions(cluster);
    const { ctx, output, checkpoints, logger } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'infra',
    });

    await createPoolResumeAction(options).handler(ctx);

    expect((await adminApi(cluster).get(`${POOLS}/infra`)).spec.paused).toBe(
      false,
    );
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
    const options = actionOptions(cluster);
    const before = await snapshotCluster(cluster);
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
    });

    await createPoolResumeAction(options).handler(ctx);

    expect(outputsOf(output)).toMatchObject({
      changed: false,
      warnings: ['Pool worker is not paused: the request changes nothing.'],
    });
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it('changes nothing in a dry run and refuses without the permission', async () => {
    const before = await snapshotCluster(cluster);
    const dry = await createTestContext(
      { cluster: 'ocp-418', pool: 'infra' },
      { isDryRun: true },
    );
    await createPoolResumeAction(actionOptions(cluster)).handler(dry.ctx);
    expect(outputsOf(dry.output).changed).toBe(true);

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
      const infra = await createTestContext(
        { cluster: 'ocp-418', pool: 'infra' },
        { isDryRun: true },
      );
      await createPoolResumeAction(actionOptions(cluster)).handler(infra.ctx);
      // The failed build explains ImageBuildDegraded: it is not named a second time.
      expect(outputsOf(infra.output).warnings).toEqual([
        'The newest image build infra-08dcbd033aeac08fbb14963fe9ec65c5 of pool infra failed: what waits for its image does not roll out until a build succeeds.',
      ]);

      const worker = await createTestContext(
        { cluster: 'ocp-418', pool: 'worker' },
        { isDryRun: true },
      );
      await createPoolResumeAction(actionOptions(cluster)).handler(worker.ctx);
      expect(outputsOf(worker.output).warnings).toEqual([
        'Pool worker is degraded (NodeDegraded): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.',
      ]);

      const master = await createTestContext(
        { cluster: 'ocp-418', pool: 'master' },
        { isDryRun: true },
      );
      await createPoolResumeAction(actionOptions(cluster)).handler(master.ctx);
      expect(outputsOf(master.output)).toMatchObject({
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
      const options = actionOptions(cluster);
      const upToDate = await createTestContext(
        { cluster: 'ocp-418', pool: 'master' },
        { isDryRun: true },
      );
      await createPoolResumeAction(options).handler(upToDate.ctx);
      expect(outputsOf(upToDate.output).warnings).toEqual([]);

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
      const pool = await adminApi(cluster).get(`${POOLS}/master`);
      expect(pool.status.updatedMachineCount).toBeLessThan(
        pool.status.machineCount,
      );

      const pending = await createTestContext({
        cluster: 'ocp-418',
        pool: 'master',
      });
      await createPoolResumeAction(options).handler(pending.ctx);
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
