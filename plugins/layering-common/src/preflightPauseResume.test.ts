import { runPreflight, type PreflightInput } from './preflight';

const summary = (i: PreflightInput) =>
  runPreflight(i).issues.map(x => `${x.severity}:${x.field}:${x.message}`);

describe('runPreflight (pause and resume)', () => {
  const healthy = {
    paused: false,
    conditions: [],
    machineCount: 3,
    updatedMachineCount: 3,
    degradedMachineCount: 0,
  };
  const pause: PreflightInput = {
    mode: 'on-cluster',
    operation: 'pause',
    pool: 'infra',
    cluster: { machineOSConfigApiVersion: 'v1', singleNode: false },
    pools: [
      { ...healthy, name: 'master', selectedRoles: ['master'] },
      {
        ...healthy,
        name: 'worker',
        selectedRoles: ['worker'],
        layering: { mode: 'none' },
      },
      {
        ...healthy,
        name: 'infra',
        selectedRoles: ['worker', 'infra'],
        layering: { mode: 'on-cluster', source: 'infra' },
        build: { name: 'infra-35bd', state: 'Succeeded' },
      },
    ],
    machineOSConfigs: [{ name: 'infra', pool: 'infra' }],
    secrets: [],
  };
  const resume: PreflightInput = {
    ...pause,
    operation: 'resume',
    pools: pause.pools.map(p =>
      p.name === 'infra' ? { ...p, paused: true } : p,
    ),
  };
  const withInfra = (base: PreflightInput, patch: object) => ({
    ...base,
    pools: base.pools.map(p => (p.name === 'infra' ? { ...p, ...patch } : p)),
  });

  it('says what pausing means, without the rules of a layering change', () => {
    const result = runPreflight(pause);
    expect(result.ok).toBe(true);
    expect(result.issues.map(i => `${i.severity}:${i.message}`)).toEqual([
      'warning:While pool infra is paused the MCO still renders its configuration and builds its image, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
    ]);
    // A pool that is not layered on-cluster has no build to mention.
    expect(
      summary({ ...pause, pool: 'worker', cluster: { singleNode: false } }),
    ).toContainEqual(
      'warning:pool:While pool worker is paused the MCO still renders its configuration, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
    );
  });

  it('asks to keep a master pause short and names the custom pools a worker pause leaves running', () => {
    expect(summary({ ...pause, pool: 'master' })).toContainEqual(
      'warning:pool:Pool master holds the control plane nodes: keep the pause short, since no cluster upgrade updates them while it lasts.',
    );
    const worker = summary({ ...pause, pool: 'worker' });
    expect(worker).toContainEqual(
      'warning:pool:Custom pool infra inherits worker MachineConfigs but is not paused with worker: they still roll out to its nodes.',
    );
    // A custom pool that is paused itself holds them back.
    expect(
      summary({ ...withInfra(pause, { paused: true }), pool: 'worker' }),
    ).toHaveLength(1);
  });

  it('changes nothing when the pool is already in the requested state', () => {
    expect(summary(withInfra(pause, { paused: true }))).toEqual([
      'warning:pool:Pool infra is already paused: the request changes nothing.',
    ]);
    expect(summary({ ...resume, pool: 'worker' })).toEqual([
      'warning:pool:Pool worker is not paused: the request changes nothing.',
    ]);
  });

  it('resumes an up-to-date healthy pool without a finding', () => {
    expect(runPreflight(resume)).toEqual({
      issues: [],
      entitlement: 'none',
      ok: true,
    });
  });

  it('warns when the roll-out waits for a running or failed build', () => {
    expect(
      summary(
        withInfra(resume, { build: { name: 'infra-08dc', state: 'Building' } }),
      ),
    ).toEqual([
      'warning:pool:Image build infra-08dc of pool infra has not finished: no node is updated before it succeeds, then every node of the pool reboots into its image.',
    ]);
    // The failed build explains ImageBuildDegraded; another degraded condition still shows.
    expect(
      summary(
        withInfra(resume, {
          build: { name: 'infra-4e6a', state: 'Failed' },
          conditions: [
            { type: 'ImageBuildDegraded', status: 'True' },
            { type: 'Degraded', status: 'True' },
          ],
        }),
      ),
    ).toEqual([
      'warning:pool:The newest image build infra-4e6a of pool infra failed: what waits for its image does not roll out until a build succeeds.',
    ]);
    expect(
      summary(
        withInfra(resume, {
          build: { name: 'infra-4e6a', state: 'Interrupted' },
          conditions: [{ type: 'NodeDegraded', status: 'True' }],
        }),
      ),
    ).toEqual([
      'warning:pool:The newest image build infra-4e6a of pool infra was interrupted: what waits for its image does not roll out until a build succeeds.',
      'warning:pool:Pool infra is degraded (NodeDegraded): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.',
    ]);
  });

  it('warns about resuming a degraded pool, and the only node of a single-node cluster', () => {
    const degraded = runPreflight(
      withInfra(resume, { degradedMachineCount: 1 }),
    );
    expect(degraded.ok).toBe(true);
    expect(degraded.issues.map(i => i.message)).toEqual([
      'Pool infra is degraded (1 degraded node(s)): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.',
    ]);
    const sno: PreflightInput = {
      ...resume,
      pool: 'master',
      cluster: { singleNode: true },
      pools: [
        {
          ...healthy,
          name: 'master',
          paused: true,
          machineCount: 1,
          updatedMachineCount: 0,
        },
      ],
    };
    expect(summary(sno)).toEqual([
      'warning:pool:Single-node cluster: resuming pool master with changes pending reboots the only control plane node.',
    ]);
    // Nothing pending: nothing reboots.
    expect(
      summary({
        ...sno,
        pools: [{ ...sno.pools[0], updatedMachineCount: 1 }],
      }),
    ).toEqual([]);
  });

  it('still checks that the pool exists and warns on stale data', () => {
    expect(summary({ ...resume, pool: 'gpu' })).toEqual([
      'error:pool:Pool gpu does not exist in this cluster.',
    ]);
    expect(
      summary({ ...resume, cluster: { ...resume.cluster, stale: true } }),
    ).toEqual([
      "warning:cluster:The portal's data for this cluster is stale; these checks may not reflect the cluster as it is now.",
    ]);
  });
});
