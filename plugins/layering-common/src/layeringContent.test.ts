import { checkLayeringContent } from './layeringContent';

const IMAGE = `registry.example.com/os/worker@sha256:${'a'.repeat(64)}`;
const ROLE = 'machineconfiguration.openshift.io/role';

function machineConfig(
  spec: Record<string, unknown>,
  role: string | null = 'worker',
) {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: {
      name: 'os-layer-worker',
      labels: role === null ? {} : { [ROLE]: role },
    },
    spec,
  };
}

const check = (objects: unknown[], pool = 'worker', role?: string) =>
  checkLayeringContent(
    objects.map((object, index) => ({ field: `manifests[${index}]`, object })),
    { pool, role },
  ).map(i => `${i.severity}:${i.field}`);

describe('checkLayeringContent', () => {
  it('accepts an osImageURL MachineConfig with the pool role and MachineOSConfigs for the pool', () => {
    expect(check([machineConfig({ osImageURL: IMAGE })])).toEqual([]);
    for (const version of ['v1', 'v1alpha1']) {
      expect(
        check(
          [
            {
              apiVersion: `machineconfiguration.openshift.io/${version}`,
              kind: 'MachineOSConfig',
              metadata: { name: 'infra' },
              spec: { machineConfigPool: { name: 'infra' } },
            },
          ],
          'infra',
        ),
      ).toEqual([]);
    }
  });

  it('refuses the issue case field by field: a systemd unit and kernelArguments', () => {
    const issues = checkLayeringContent(
      [
        { field: 'manifests[0]', object: machineConfig({ osImageURL: IMAGE }) },
        {
          field: 'manifests[1]',
          object: machineConfig({
            osImageURL: IMAGE,
            config: {
              ignition: { version: '3.4.0' },
              systemd: { units: [{ name: 'backdoor.service', enabled: true }] },
            },
            kernelArguments: ['selinux=0'],
          }),
        },
      ],
      { pool: 'worker' },
    );
    expect(issues.map(i => i.field)).toEqual([
      'manifests[1].spec.config.systemd',
      'manifests[1].spec.kernelArguments',
    ]);
    expect(issues.every(i => i.severity === 'error')).toBe(true);
    expect(issues[1].message).toMatch(
      /kernel arguments .*sets spec\.osImageURL and nothing else/,
    );
  });

  it.each([
    [
      'config',
      { storage: { files: [{ path: '/etc/x' }] } },
      'spec.config.storage',
    ],
    ['config', { passwd: { users: [{ name: 'core' }] } }, 'spec.config.passwd'],
    ['config', { ignition: { version: '3.4.0' } }, 'spec.config'],
    ['kernelArguments', ['selinux=0'], 'spec.kernelArguments'],
    ['extensions', ['usbguard'], 'spec.extensions'],
    ['kernelType', 'realtime', 'spec.kernelType'],
    ['fips', true, 'spec.fips'],
    [
      'baseOSExtensionsContainerImage',
      IMAGE,
      'spec.baseOSExtensionsContainerImage',
    ],
    ['somethingNew', 'x', 'spec.somethingNew'],
  ])('refuses spec.%s', (key, value, field) => {
    expect(check([machineConfig({ osImageURL: IMAGE, [key]: value })])).toEqual(
      [`error:manifests[0].${field}`],
    );
  });

  it('needs osImageURL and a spec', () => {
    expect(check([machineConfig({})])).toEqual([
      'error:manifests[0].spec.osImageURL',
    ]);
    const noSpec: Record<string, unknown> = machineConfig({});
    delete noSpec.spec;
    expect(check([noSpec])).toEqual(['error:manifests[0].spec']);
  });

  it("refuses another pool's role, a missing role and an explicit role that differs", () => {
    const label = `error:manifests[0].metadata.labels["${ROLE}"]`;
    expect(check([machineConfig({ osImageURL: IMAGE }, 'master')])).toEqual([
      label,
    ]);
    expect(check([machineConfig({ osImageURL: IMAGE }, null)])).toEqual([
      label,
    ]);
    expect(
      check([machineConfig({ osImageURL: IMAGE }, 'infra')], 'infra'),
    ).toEqual([]);
    expect(
      check([machineConfig({ osImageURL: IMAGE }, 'infra')], 'infra', 'worker'),
    ).toEqual([label]);
    const [found] = checkLayeringContent(
      [
        {
          field: 'manifests[0]',
          object: machineConfig({ osImageURL: IMAGE }, 'master'),
        },
      ],
      { pool: 'worker' },
    );
    expect(found.message).toBe(
      'MachineConfig os-layer-worker has role "master", but the request is for pool worker (role "worker"); another pool\'s role would change that pool\'s nodes.',
    );
  });

  it('refuses a MachineOSConfig for another pool or for none, in both API versions', () => {
    for (const version of ['v1', 'v1alpha1']) {
      const mosc = (spec: unknown) => ({
        apiVersion: `machineconfiguration.openshift.io/${version}`,
        kind: 'MachineOSConfig',
        metadata: { name: 'worker' },
        spec,
      });
      expect(check([mosc({ machineConfigPool: { name: 'master' } })])).toEqual([
        'error:manifests[0].spec.machineConfigPool.name',
      ]);
      expect(check([mosc({})])).toEqual([
        'error:manifests[0].spec.machineConfigPool.name',
      ]);
    }
  });

  it('refuses a credential in the Containerfiles of a MachineOSConfig, in both API versions', () => {
    const content = `FROM configs AS final\nRUN <<EOF\nset -e\nREGISTRY_PASSWORD=hunter2 ./pull.sh\nEOF\n`;
    const v1 = {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineOSConfig',
      metadata: { name: 'worker' },
      spec: {
        machineConfigPool: { name: 'worker' },
        containerFile: [
          { containerfileArch: 'NoArch', content: 'FROM configs AS final\n' },
          { containerfileArch: 'AMD64', content },
        ],
      },
    };
    const v1alpha1 = {
      apiVersion: 'machineconfiguration.openshift.io/v1alpha1',
      kind: 'MachineOSConfig',
      metadata: { name: 'worker' },
      spec: {
        machineConfigPool: { name: 'worker' },
        buildInputs: { containerFile: [{ content }] },
      },
    };
    const issues = checkLayeringContent(
      [
        { field: 'manifests[0]', object: v1 },
        { field: 'manifests[1]', object: v1alpha1 },
      ],
      { pool: 'worker' },
    );
    expect(issues.map(i => `${i.field}: ${i.message}`)).toEqual([
      expect.stringMatching(
        /^manifests\[0\]\.spec\.containerFile\[1\]\.content: Line 4: RUN carries a credential \(REGISTRY_PASSWORD is set to a literal value\)/,
      ),
      expect.stringMatching(
        /^manifests\[1\]\.spec\.buildInputs\.containerFile\[0\]\.content: Line 4: RUN carries a credential/,
      ),
    ]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('refuses other kinds, other API versions, non-objects, namespaces, status and generated names', () => {
    expect(
      check([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'x', namespace: 'y' },
        },
        {
          ...machineConfig({ osImageURL: IMAGE }),
          apiVersion: 'machineconfiguration.openshift.io/v2',
        },
        {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfigPool',
          metadata: { name: 'worker' },
        },
        {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineOSBuild',
          metadata: { name: 'b' },
        },
        'text',
        null,
      ]),
    ).toEqual([
      'error:manifests[0]',
      'error:manifests[1]',
      'error:manifests[2]',
      'error:manifests[3]',
      'error:manifests[4]',
      'error:manifests[5]',
      'error:manifests[6]',
    ]);
    const mc = machineConfig({ osImageURL: IMAGE });
    expect(
      check([
        {
          ...mc,
          metadata: {
            ...mc.metadata,
            name: 'rendered-worker-0123',
            namespace: 'default',
            annotations: {
              'machineconfiguration.openshift.io/generated-by-controller-version':
                'x',
            },
          },
          status: {},
        },
      ]),
    ).toEqual([
      'error:manifests[0].metadata.namespace',
      'error:manifests[0].status',
      'error:manifests[0].metadata.name',
      'error:manifests[0].metadata.annotations["machineconfiguration.openshift.io/generated-by-controller-version"]',
    ]);
  });
});
