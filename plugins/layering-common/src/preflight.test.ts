import { runPreflight, type PreflightInput } from './preflight';

const ON_CLUSTER =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit\n';
const BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'4'.repeat(
  64,
)}`;

const input: PreflightInput = {
  mode: 'on-cluster',
  pool: 'infra',
  cluster: {
    machineOSConfigApiVersion: 'v1',
    singleNode: false,
    architectures: ['amd64'],
  },
  pools: [
    {
      name: 'master',
      paused: false,
      conditions: [],
      selectedRoles: ['master'],
    },
    {
      name: 'worker',
      paused: false,
      conditions: [],
      selectedRoles: ['worker'],
    },
    { name: 'infra', paused: false, conditions: [], selectedRoles: ['infra'] },
  ],
  machineOSConfigs: [],
  secrets: ['infra-push', 'etc-pki-entitlement', 'global-pull-secret-copy'],
  pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
  pushSecret: 'infra-push',
  containerfile: ON_CLUSTER,
};

const summary = (i: PreflightInput) =>
  runPreflight(i).issues.map(x => `${x.severity}:${x.field}:${x.message}`);

describe('runPreflight (on-cluster)', () => {
  it('passes a valid request and reports the entitlement need', () => {
    expect(runPreflight(input)).toEqual({
      issues: [],
      entitlement: 'required',
      ok: true,
    });
  });

  it('requires the pool to exist', () => {
    expect(summary({ ...input, pool: 'gpu' })).toContainEqual(
      'error:pool:Pool gpu does not exist in this cluster.',
    );
    expect(runPreflight({ ...input, pool: 'Bad_Pool' }).ok).toBe(false);
  });

  it('allows one MachineOSConfig per pool, named after it', () => {
    const existing = {
      ...input,
      machineOSConfigs: [{ name: 'infra', pool: 'infra' }],
    };
    expect(summary(existing)).toContainEqual(
      expect.stringMatching(
        /^error:pool:Pool infra already has MachineOSConfig infra/,
      ),
    );
    expect(runPreflight({ ...existing, operation: 'modify' }).ok).toBe(true);
    expect(summary({ ...input, operation: 'modify' })).toContainEqual(
      'error:pool:Pool infra has no MachineOSConfig to modify.',
    );
    expect(
      summary({
        ...input,
        machineOSConfigs: [{ name: 'infra', pool: 'worker' }],
      }),
    ).toContainEqual(
      'error:pool:A MachineOSConfig named infra already exists for pool worker.',
    );
    const misnamed = {
      ...input,
      operation: 'modify' as const,
      machineOSConfigs: [{ name: 'layered', pool: 'infra' }],
    };
    expect(summary(misnamed)).toContainEqual(
      expect.stringMatching(
        /^warning:pool:MachineOSConfig layered is not named after its pool/,
      ),
    );
    expect(
      summary({
        ...misnamed,
        machineOSConfigs: [
          ...misnamed.machineOSConfigs,
          { name: 'infra', pool: 'infra' },
        ],
      }),
    ).toContainEqual(
      'error:pool:Pool infra has 2 MachineOSConfigs; only one per pool is supported.',
    );
  });

  it('refuses a degraded pool unless overridden', () => {
    const degraded = {
      ...input,
      pools: input.pools.map(p =>
        p.name === 'infra'
          ? {
              ...p,
              conditions: [
                { type: 'NodeDegraded', status: 'True' },
                { type: 'Degraded', status: 'True' },
              ],
            }
          : p,
      ),
    };
    expect(summary(degraded)).toContainEqual(
      expect.stringMatching(
        /^error:pool:Pool infra is degraded \(NodeDegraded\)/,
      ),
    );
    expect(runPreflight({ ...degraded, allowDegraded: true })).toMatchObject({
      ok: true,
    });
    expect(summary({ ...degraded, allowDegraded: true })).toContainEqual(
      expect.stringMatching(/^warning:pool:.*override/),
    );
    const nodes = {
      ...input,
      pools: input.pools.map(p =>
        p.name === 'infra' ? { ...p, degradedMachineCount: 2 } : p,
      ),
    };
    expect(summary(nodes)).toContainEqual(
      expect.stringMatching(/degraded \(2 degraded node\(s\)\)/),
    );
  });

  it('checks the push spec for the served API version', () => {
    expect(
      summary({
        ...input,
        pushSpec: `registry.example.com/a/b@sha256:${'a'.repeat(64)}`,
      })[0],
    ).toMatch(/^error:pushSpec:/);
    const alpha = {
      ...input,
      cluster: {
        ...input.cluster,
        machineOSConfigApiVersion: 'v1alpha1' as const,
      },
      pushSpec: 'registry.example.com:5000/a/b:c',
    };
    expect(summary(alpha)).toContainEqual(
      expect.stringMatching(/^error:pushSpec:.*exactly one/),
    );
    expect(
      summary({ ...input, pushSpec: 'quay.io/org/team/img:tag' }),
    ).toContainEqual(
      expect.stringMatching(/^warning:pushSpec:.*namespace segment/),
    );
  });

  it('requires referenced secrets to exist in openshift-machine-config-operator', () => {
    expect(summary({ ...input, pushSecret: 'missing' })).toContainEqual(
      'error:pushSecret:Secret missing does not exist in openshift-machine-config-operator; create it there first.',
    );
    expect(summary({ ...input, pushSecret: null })).toContainEqual(
      'error:pushSecret:The push secret is required.',
    );
    expect(summary({ ...input, baseImagePullSecret: 'pull' })).toContainEqual(
      expect.stringMatching(/^error:baseImagePullSecret:Secret pull/),
    );
    expect(summary({ ...input, pushSecret: 'Bad!' })).toContainEqual(
      expect.stringMatching(/^error:pushSecret:.*lower case/),
    );
    // v1alpha1 falls back to global-pull-secret-copy, which must exist.
    const alpha = {
      ...input,
      cluster: {
        ...input.cluster,
        machineOSConfigApiVersion: 'v1alpha1' as const,
      },
    };
    expect(runPreflight(alpha).ok).toBe(true);
    expect(
      summary({ ...alpha, secrets: ['infra-push', 'etc-pki-entitlement'] }),
    ).toContainEqual(
      expect.stringMatching(
        /^error:baseImagePullSecret:Secret global-pull-secret-copy/,
      ),
    );
  });

  it('requires etc-pki-entitlement for RHEL packages, warns when it may be needed', () => {
    const noEntitlement = { ...input, secrets: ['infra-push'] };
    expect(summary(noEntitlement)).toContainEqual(
      expect.stringMatching(/^error:containerfile:.*etc-pki-entitlement/),
    );
    const epel =
      'FROM configs AS final\nRUN dnf install -y https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm && dnf install -y htop && ostree container commit';
    expect(
      runPreflight({ ...noEntitlement, containerfile: epel }),
    ).toMatchObject({ ok: true, entitlement: 'possible' });
    expect(summary({ ...noEntitlement, containerfile: epel })).toContainEqual(
      expect.stringMatching(/^warning:containerfile:.*may depend on RHEL/),
    );
    expect(
      runPreflight({
        ...noEntitlement,
        containerfile: 'FROM configs AS final\nRUN systemctl enable a.service',
      }),
    ).toMatchObject({
      ok: true,
      entitlement: 'none',
      issues: [],
    });
  });

  it('checks the Containerfile, per architecture', () => {
    expect(
      summary({ ...input, containerfile: 'FROM configs\n' }),
    ).toContainEqual(
      expect.stringMatching(/^error:containerfile:Line 1: the last stage/),
    );
    const perArch = summary({
      ...input,
      containerfile: [
        { arch: 'AMD64', content: ON_CLUSTER },
        { arch: 'mips', content: ON_CLUSTER },
        { arch: 'ARM64', content: 'x'.repeat(4097) },
      ],
    });
    expect(perArch).toContainEqual(
      expect.stringMatching(
        /^error:containerfile\[1\]:"mips" is not an architecture/,
      ),
    );
    expect(perArch).toContainEqual(
      expect.stringMatching(
        /^error:containerfile\[2\]:The Containerfile has 4097 characters/,
      ),
    );
  });

  it('warns about paused pools, inherited worker configs, SNO and non-AMD64 clusters', () => {
    const pools = input.pools.map(p =>
      p.name === 'infra'
        ? { ...p, paused: true, selectedRoles: ['worker', 'infra'] }
        : p,
    );
    const issues = summary({
      ...input,
      pools,
      cluster: { ...input.cluster, architectures: ['amd64', 'arm64'] },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^warning:pool:Pool infra is paused: the image will be built/,
        ),
        expect.stringMatching(
          /^warning:pool:Pool infra inherits every worker MachineConfig/,
        ),
        expect.stringMatching(
          /^warning:cluster:.*AMD64 clusters only; this cluster has arm64 nodes/,
        ),
      ]),
    );
    expect(
      summary({ ...input, cluster: { ...input.cluster, singleNode: true } }),
    ).toContainEqual(
      'error:pool:Single-node cluster: on-cluster layering can only target the control plane pool (master).',
    );
    expect(
      summary({
        ...input,
        pool: 'master',
        cluster: { ...input.cluster, singleNode: true },
      }),
    ).toContainEqual(
      expect.stringMatching(/^warning:pool:Single-node cluster/),
    );
  });

  it('refuses clusters that serve no MachineOSConfig, and warns on stale data', () => {
    expect(
      summary({
        ...input,
        cluster: { ...input.cluster, machineOSConfigApiVersion: null },
      }),
    ).toContainEqual(
      expect.stringMatching(
        /^error:cluster:This cluster serves no MachineOSConfig API/,
      ),
    );
    expect(
      summary({ ...input, cluster: { ...input.cluster, stale: true } }),
    ).toContainEqual(expect.stringMatching(/^warning:cluster:.*stale/));
  });
});

describe('runPreflight (out-of-cluster)', () => {
  const out: PreflightInput = {
    mode: 'out-of-cluster',
    pool: 'worker',
    cluster: { machineOSConfigApiVersion: null },
    pools: [
      {
        name: 'worker',
        paused: false,
        conditions: [],
        selectedRoles: ['worker'],
      },
      {
        name: 'infra',
        paused: false,
        conditions: [],
        selectedRoles: ['worker', 'infra'],
      },
    ],
    machineOSConfigs: [],
    secrets: [],
    osImageURL: `registry.example.com/platform-os/worker-custom@sha256:${'6'.repeat(
      64,
    )}`,
    machineConfigName: 'os-layer-custom',
    containerfile: `FROM ${BASE}\nRUN systemctl enable a.service\n`,
    releaseImage: BASE,
  };

  it('needs no MachineOSConfig API and warns about custom pools that inherit worker', () => {
    expect(summary(out)).toEqual([
      'warning:pool:Custom pool infra inherits worker MachineConfigs and will get this image too, including on-cluster builds, which use it as their base.',
    ]);
  });

  it('requires the image by digest and a valid MachineConfig name', () => {
    expect(
      summary({ ...out, osImageURL: 'registry.example.com/a/b:latest' }),
    ).toContainEqual(expect.stringMatching(/^error:osImageURL:.*digest/));
    expect(summary({ ...out, machineConfigName: 'Bad' })).toContainEqual(
      expect.stringMatching(/^error:machineConfigName:/),
    );
  });

  it('warns (not fails) when RHEL packages need an entitled build host', () => {
    const result = runPreflight({
      ...out,
      containerfile: `FROM ${BASE}\nRUN dnf install -y libreswan && ostree container commit`,
    });
    expect(result.ok).toBe(true);
    expect(result.entitlement).toBe('required');
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        field: 'containerfile',
        message: expect.stringMatching(/entitled RHEL host/),
      }),
    );
  });

  it('checks the Containerfile base against the release image', () => {
    const other = BASE.replace(/4{64}/, '5'.repeat(64));
    expect(
      summary({ ...out, containerfile: `FROM ${other}\n` }),
    ).toContainEqual(
      expect.stringMatching(
        /^warning:containerfile:Line 1: the base image is not this cluster's current rhel-coreos image/,
      ),
    );
  });
});

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
