import { runPreflight, type PreflightInput } from './preflight';

const summary = (i: PreflightInput) =>
  runPreflight(i).issues.map(x => `${x.severity}:${x.field}:${x.message}`);

describe('runPreflight (revert)', () => {
  const worker = {
    name: 'worker',
    paused: false,
    conditions: [],
    selectedRoles: ['worker'],
    layering: { mode: 'out-of-cluster' as const, source: 'os-layer-custom' },
  };
  const revert: PreflightInput = {
    mode: 'on-cluster',
    operation: 'revert',
    pool: 'infra',
    cluster: { machineOSConfigApiVersion: 'v1', singleNode: false },
    pools: [
      {
        name: 'master',
        paused: false,
        conditions: [],
        selectedRoles: ['master'],
      },
      { ...worker, layering: { mode: 'none' } },
      {
        name: 'infra',
        paused: false,
        conditions: [],
        selectedRoles: ['worker', 'infra'],
        layering: { mode: 'on-cluster', source: 'infra' },
        build: { name: 'infra-35bd', state: 'Succeeded' },
      },
    ],
    machineOSConfigs: [{ name: 'infra', pool: 'infra' }],
    secrets: [],
  };
  const withPool = (name: string, patch: object) => ({
    ...revert,
    pools: revert.pools.map(p => (p.name === name ? { ...p, ...patch } : p)),
  });

  it('removes an on-cluster image without push, secret or Containerfile rules', () => {
    expect(runPreflight(revert)).toEqual({
      issues: [],
      entitlement: 'none',
      ok: true,
    });
    // No MachineOSConfig API served does not matter for a removal.
    expect(
      summary({ ...revert, cluster: { machineOSConfigApiVersion: null } }),
    ).toEqual([]);
  });

  it('warns when the pool has no layered image or another kind than chosen', () => {
    expect(summary(withPool('infra', { layering: { mode: 'none' } }))).toEqual([
      'warning:pool:Pool infra has no layered image: there is nothing to revert, and no node reboots.',
    ]);
    expect(summary({ ...revert, mode: 'out-of-cluster' })).toContainEqual(
      'warning:pool:Pool infra is layered on-cluster (MachineOSConfig infra), not out-of-cluster: choose on-cluster so the request removes the right object.',
    );
    // Without the pool's layering, the MachineOSConfigs decide.
    expect(
      summary({
        ...withPool('infra', { layering: undefined }),
        machineOSConfigs: [],
      }),
    ).toEqual(['warning:pool:Pool infra has no MachineOSConfig to remove.']);
  });

  it('warns that a running build is deleted unfinished', () => {
    expect(
      summary(
        withPool('infra', { build: { name: 'infra-08dc', state: 'Building' } }),
      ),
    ).toEqual([
      'warning:pool:Image build infra-08dc of pool infra has not finished: removing the MachineOSConfig deletes it with the other builds.',
    ]);
  });

  it('allows a degraded pool, since the revert is often the fix, and warns when paused', () => {
    const result = runPreflight(
      withPool('infra', {
        paused: true,
        conditions: [
          { type: 'ImageBuildDegraded', status: 'True' },
          { type: 'Degraded', status: 'True' },
        ],
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.issues.map(i => `${i.severity}:${i.message}`)).toEqual([
      'warning:Pool infra is degraded (ImageBuildDegraded): the revert is allowed, and going back to the base image is the fix when the layered image is the cause.',
      'warning:Pool infra is paused: no node goes back to the base image until the pool is resumed.',
    ]);
  });

  it('says which worker override a custom pool falls back to', () => {
    expect(summary(withPool('worker', worker))).toEqual([
      "warning:pool:Pool infra inherits the worker osImageURL override (MachineConfig os-layer-custom): after the revert its nodes run that image, not the release's default RHCOS.",
    ]);
  });

  it('refuses to revert a custom pool whose image is the inherited worker MachineConfig', () => {
    const inherited = {
      ...withPool('worker', worker),
      mode: 'out-of-cluster' as const,
    };
    const pools = inherited.pools.map(p =>
      p.name === 'infra'
        ? {
            ...p,
            layering: {
              mode: 'out-of-cluster' as const,
              source: 'os-layer-custom',
            },
            build: null,
          }
        : p,
    );
    expect(summary({ ...inherited, pools })).toEqual([
      'error:pool:Pool infra gets its image from MachineConfig os-layer-custom of pool worker (role worker): revert pool worker instead, which reverts every pool that inherits it.',
    ]);
  });

  it('lists what happens to the custom pools when worker reverts out-of-cluster', () => {
    const result = summary({
      ...revert,
      mode: 'out-of-cluster',
      pool: 'worker',
      pools: [
        ...withPool('worker', worker).pools,
        {
          name: 'edge',
          paused: false,
          conditions: [],
          selectedRoles: ['worker', 'edge'],
          layering: { mode: 'out-of-cluster', source: 'os-layer-edge' },
        },
        {
          name: 'gpu',
          paused: false,
          conditions: [],
          selectedRoles: ['worker', 'gpu'],
          layering: { mode: 'out-of-cluster', source: 'os-layer-custom' },
        },
        {
          name: 'db',
          paused: false,
          conditions: [],
          selectedRoles: ['worker', 'db'],
          layering: { mode: 'none' },
        },
      ],
    });
    expect(result).toEqual([
      'warning:pool:Custom pools gpu, db inherit worker MachineConfigs and go back to the base image too.',
      "warning:pool:Custom pool infra builds its on-cluster image FROM the worker osImageURL: the MCO rebuilds it FROM the release's default RHCOS, and the nodes reboot into the new build.",
      "warning:pool:Custom pool edge keeps its own image (MachineConfig os-layer-edge), which wins over worker's.",
    ]);
  });

  it('still checks that the pool exists', () => {
    expect(summary({ ...revert, pool: 'gpu' })).toEqual([
      'error:pool:Pool gpu does not exist in this cluster.',
    ]);
  });
});
