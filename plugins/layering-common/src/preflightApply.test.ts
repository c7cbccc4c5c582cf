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

  it('warns that the MCO builds only the NoArch Containerfile', () => {
    const amd64 = summary({
      ...input,
      containerfile: [{ arch: 'AMD64', content: ON_CLUSTER }],
    });
    expect(amd64).toContainEqual(
      'warning:containerfileArch:The MCO builds only the NoArch Containerfile and ignores this AMD64 one, so nothing of it is built: give it as NoArch.',
    );
    expect(
      runPreflight({ ...input, containerfile: [{ arch: 'amd64', content: ON_CLUSTER }] }).ok,
    ).toBe(true);
    const both = summary({
      ...input,
      containerfile: [
        { arch: 'NoArch', content: ON_CLUSTER },
        { arch: 'ARM64', content: ON_CLUSTER },
      ],
    });
    expect(both).toContainEqual(
      'warning:containerfile[1]:The MCO builds only the NoArch Containerfile and ignores this ARM64 one.',
    );
    expect(both.filter(i => i.includes('NoArch'))).toHaveLength(1);
    // No arch is NoArch; out-of-cluster builds are not the MCO's.
    expect(summary({ ...input, containerfile: [{ content: ON_CLUSTER }] })).toEqual([]);
    expect(
      summary({
        ...input,
        mode: 'out-of-cluster',
        osImageURL: `${BASE}`,
        containerfile: [{ arch: 'AMD64', content: `FROM ${BASE}\nRUN echo` }],
      }).join('\n'),
    ).not.toContain('NoArch');
  });

  it('on 4.18 and later reads the entitlement from openshift-config-managed, not the MCO namespace', () => {
    const noMcoCopy = { ...input, secrets: ['infra-push'] };
    const from = (exists: boolean | null) => ({
      ...noMcoCopy,
      entitlementSecret: {
        namespace: 'openshift-config-managed',
        name: 'etc-pki-entitlement',
        exists,
      },
    });
    expect(runPreflight(from(true))).toMatchObject({ ok: true, issues: [] });
    // Not readable: nothing is claimed missing.
    expect(runPreflight(from(null))).toMatchObject({ ok: true, issues: [] });
    const missing = summary(from(false));
    expect(missing).toContainEqual(
      expect.stringMatching(
        /^error:containerfile:.*etc-pki-entitlement secret from openshift-config-managed/,
      ),
    );
    expect(missing.join('\n')).not.toContain('openshift-machine-config-operator');
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
