import { join } from 'path';
import { SAMPLES_DIR, loadYamlFile } from './__testUtils__/loadSamples';
import {
  buildMachineOSConfig,
  buildOsImageMachineConfig,
  buildStateFromConditions,
  LayeringInputError,
  machineOSConfigInputFromModel,
  normalizeContainerfileArch,
  normalizeMachineOSBuild,
  normalizeMachineOSConfig,
  validateMachineOSConfigInput,
  type MachineOSConfigInput,
} from './machineOSConfig';

const samples = SAMPLES_DIR;
const [v1Config] = loadYamlFile(join(samples, '30-machineosconfig-infra.yaml'));
const v1Builds = loadYamlFile(join(samples, '31-machineosbuilds-infra.yaml'));
const [alphaConfig, alphaBuild] = loadYamlFile(
  join(samples, 'v1alpha1/machineosconfig-and-build-v1alpha1.yaml'),
);
const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('normalizeMachineOSConfig', () => {
  it('reads a v1 MachineOSConfig', () => {
    expect(normalizeMachineOSConfig(v1Config)).toEqual({
      apiVersion: 'v1',
      name: 'infra',
      pool: 'infra',
      imageBuilderType: 'Job',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      renderedImagePushSecret: 'infra-os-images-push',
      baseImagePullSecret: 'global-pull-secret-copy',
      currentImagePullSecret: null,
      containerFiles: [
        {
          arch: 'NoArch',
          content: expect.stringMatching(
            /^FROM configs AS final\nRUN dnf install -y tmux sysstat/,
          ),
        },
      ],
      currentBuild: 'infra-08dcbd033aeac08fbb14963fe9ec65c5',
      annotations: {
        'machineconfiguration.openshift.io/current-machine-os-build':
          'infra-08dcbd033aeac08fbb14963fe9ec65c5',
      },
      uid: '23d42509-a5d9-5159-b5b5-f44a869acf0c',
      generation: 1,
      creationTimestamp: '2025-07-29T10:40:05Z',
      status: {
        currentImagePullSpec: expect.stringMatching(
          /infra-layered@sha256:b8ef/,
        ),
        machineOSBuild: 'infra-35bdaba75d52c5c8bd715f64c34a338f',
        observedGeneration: 1,
        conditions: [],
      },
    });
  });

  it('reads a v1alpha1 MachineOSConfig into the same model', () => {
    expect(normalizeMachineOSConfig(alphaConfig)).toMatchObject({
      apiVersion: 'v1alpha1',
      name: 'infra',
      pool: 'infra',
      imageBuilderType: 'PodImageBuilder',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      renderedImagePushSecret: 'infra-os-images-push',
      baseImagePullSecret: 'global-pull-secret-copy',
      currentImagePullSecret: 'infra-os-images-pull',
      containerFiles: [
        {
          arch: 'NoArch',
          content: expect.stringContaining('rpm-ostree install tmux'),
        },
      ],
      currentBuild: null,
      status: {
        currentImagePullSpec: expect.stringMatching(/@sha256:7330e7b5/),
        machineOSBuild: null,
        observedGeneration: 1,
      },
    });
  });

  it('returns null for other objects', () => {
    expect(normalizeMachineOSConfig(null)).toBeNull();
    expect(
      normalizeMachineOSConfig({ apiVersion: 'v1', kind: 'ConfigMap' }),
    ).toBeNull();
    expect(
      normalizeMachineOSConfig({
        ...v1Config,
        apiVersion: 'machineconfiguration.openshift.io/v2',
      }),
    ).toBeNull();
    expect(normalizeMachineOSConfig({ ...v1Config, spec: {} })).toBeNull();
  });
});

describe('normalizeMachineOSBuild', () => {
  it('reads v1 builds', () => {
    const [succeeded, building] = v1Builds.map(normalizeMachineOSBuild);
    expect(succeeded).toMatchObject({
      apiVersion: 'v1',
      name: 'infra-35bdaba75d52c5c8bd715f64c34a338f',
      machineOSConfig: 'infra',
      pool: 'infra',
      renderedConfig: 'rendered-infra-2159484c1c12949db6d3ed8e97550f4b',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:infra-35bdaba75d52c5c8bd715f64c34a338f',
      state: 'Succeeded',
      buildStart: '2025-07-29T10:40:09Z',
      buildEnd: '2025-07-29T10:52:41Z',
      digestedImagePushSpec: expect.stringMatching(/@sha256:b8ef/),
      builder: {
        type: 'Job',
        kind: 'job',
        namespace: 'openshift-machine-config-operator',
        name: 'build-infra-35bdaba75d52c5c8bd715f64c34a338f',
      },
    });
    expect(building).toMatchObject({
      state: 'Building',
      buildEnd: null,
      digestedImagePushSpec: null,
    });
  });

  it('maps the v1alpha1 spellings', () => {
    expect(normalizeMachineOSBuild(alphaBuild)).toMatchObject({
      apiVersion: 'v1alpha1',
      machineOSConfig: 'infra',
      pool: null,
      renderedConfig: 'rendered-infra-7d0c2b8e51a94f3c8e2f6a1b9c4d3e21',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      state: 'Succeeded',
      digestedImagePushSpec: expect.stringMatching(/@sha256:7330e7b5/),
      builder: {
        type: 'PodImageBuilder',
        kind: 'pod',
        name: 'build-rendered-infra-7d0c2b8e51a94f3c8e2f6a1b9c4d3e21',
      },
    });
  });

  it('returns null for other objects', () => {
    expect(normalizeMachineOSBuild(v1Config)).toBeNull();
    expect(normalizeMachineOSBuild({ ...alphaBuild, metadata: {} })).toBeNull();
  });
});

describe('buildStateFromConditions', () => {
  const all = (trueType?: string) =>
    ['Prepared', 'Building', 'Succeeded', 'Failed', 'Interrupted'].map(
      type => ({ type, status: type === trueType ? 'True' : 'False' }),
    );
  it.each(['Prepared', 'Building', 'Succeeded', 'Failed', 'Interrupted'])(
    'reads %s',
    state => {
      expect(buildStateFromConditions(all(state))).toBe(state);
    },
  );
  it('treats a build with every condition False as pending, and none as unknown', () => {
    expect(buildStateFromConditions(all())).toBe('Prepared');
    expect(buildStateFromConditions([])).toBe('Unknown');
    expect(buildStateFromConditions([{ type: 'Other', status: 'True' }])).toBe(
      'Unknown',
    );
  });
  it('lets terminal states win when several are True', () => {
    expect(
      buildStateFromConditions([
        { type: 'Building', status: 'True' },
        { type: 'Failed', status: 'True' },
      ]),
    ).toBe('Failed');
  });
});

describe('builders', () => {
  const input: MachineOSConfigInput = {
    pool: 'infra',
    renderedImagePushSpec:
      'registry.example.com/platform-os/infra-layered:latest',
    renderedImagePushSecret: 'infra-os-images-push',
    containerFiles: [
      {
        arch: 'NoArch',
        content:
          'FROM configs AS final\nRUN dnf install -y tmux && ostree container commit',
      },
    ],
    annotations: { 'layering.openshift.io/requested-by': 'user:default/jdoe' },
  };

  it('builds a v1 MachineOSConfig named after the pool', () => {
    expect(buildMachineOSConfig(input, 'v1')).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineOSConfig',
      metadata: {
        name: 'infra',
        annotations: {
          'layering.openshift.io/requested-by': 'user:default/jdoe',
        },
      },
      spec: {
        machineConfigPool: { name: 'infra' },
        imageBuilder: { imageBuilderType: 'Job' },
        renderedImagePushSecret: { name: 'infra-os-images-push' },
        renderedImagePushSpec:
          'registry.example.com/platform-os/infra-layered:latest',
        containerFile: [
          {
            containerfileArch: 'NoArch',
            content: input.containerFiles[0].content,
          },
        ],
      },
    });
  });

  it('builds a v1alpha1 MachineOSConfig with its own spellings and defaults', () => {
    const built = buildMachineOSConfig(
      { ...input, currentImagePullSecret: 'pull' },
      'v1alpha1',
    );
    expect(built).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1alpha1',
      kind: 'MachineOSConfig',
      metadata: { name: 'infra', annotations: input.annotations },
      spec: {
        machineConfigPool: { name: 'infra' },
        buildInputs: {
          baseImagePullSecret: { name: 'global-pull-secret-copy' },
          renderedImagePushSecret: { name: 'infra-os-images-push' },
          renderedImagePushspec:
            'registry.example.com/platform-os/infra-layered:latest',
          imageBuilder: { imageBuilderType: 'PodImageBuilder' },
          containerFile: [
            {
              containerfileArch: 'noarch',
              content: input.containerFiles[0].content,
            },
          ],
        },
        buildOutputs: { currentImagePullSecret: { name: 'pull' } },
      },
    });
  });

  it('round-trips through the model in both versions', () => {
    for (const version of ['v1', 'v1alpha1'] as const) {
      const model = normalizeMachineOSConfig(
        buildMachineOSConfig(input, version),
      )!;
      expect(model.apiVersion).toBe(version);
      const back = machineOSConfigInputFromModel(model);
      expect(back).toMatchObject({
        pool: 'infra',
        renderedImagePushSecret: 'infra-os-images-push',
        containerFiles: input.containerFiles,
      });
    }
    // v1alpha1 sample converted to v1
    const converted = buildMachineOSConfig(
      machineOSConfigInputFromModel(normalizeMachineOSConfig(alphaConfig)!),
      'v1',
    );
    expect(converted).toMatchObject({
      spec: {
        containerFile: [{ containerfileArch: 'NoArch' }],
        imageBuilder: { imageBuilderType: 'Job' },
      },
    });
  });

  it('refuses invalid input with field-level issues', () => {
    const bad = {
      ...input,
      pool: 'Infra',
      renderedImagePushSpec: 'registry.example.com:5000/a/b:c',
      containerFiles: [],
    };
    expect(() => buildMachineOSConfig(bad, 'v1alpha1')).toThrow(
      LayeringInputError,
    );
    const thrown = (() => {
      try {
        buildMachineOSConfig(bad, 'v1alpha1');
        return undefined;
      } catch (e) {
        return e as LayeringInputError;
      }
    })();
    expect(thrown?.issues.map(i => i.field)).toEqual([
      'pool',
      'renderedImagePushSpec',
      'containerfile',
    ]);
    expect(
      validateMachineOSConfigInput(
        { ...input, currentImagePullSecret: 'x' },
        'v1',
      ),
    ).toEqual([
      expect.objectContaining({
        field: 'currentImagePullSecret',
        severity: 'warning',
      }),
    ]);
  });

  it('builds the out-of-cluster MachineConfig with role label and digest', () => {
    expect(
      buildOsImageMachineConfig({
        name: 'os-layer-custom',
        role: 'worker',
        osImageURL: `registry.example.com/platform-os/worker-custom@${DIGEST}`,
        annotations: { 'layering.openshift.io/base-release': '4.18.21' },
      }),
    ).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: {
        name: 'os-layer-custom',
        labels: { 'machineconfiguration.openshift.io/role': 'worker' },
        annotations: { 'layering.openshift.io/base-release': '4.18.21' },
      },
      spec: {
        osImageURL: `registry.example.com/platform-os/worker-custom@${DIGEST}`,
      },
    });
    expect(() =>
      buildOsImageMachineConfig({
        name: 'rendered-worker-x',
        role: 'worker',
        osImageURL: 'registry.example.com/a/b:latest',
      }),
    ).toThrow(/osImageURL: .*digest/);
  });
});

describe('normalizeContainerfileArch', () => {
  it('maps both spellings to v1', () => {
    expect(normalizeContainerfileArch('x86_64')).toBe('AMD64');
    expect(normalizeContainerfileArch('aarch64')).toBe('ARM64');
    expect(normalizeContainerfileArch('noarch')).toBe('NoArch');
    expect(normalizeContainerfileArch('S390X')).toBe('S390X');
    expect(normalizeContainerfileArch(undefined)).toBe('NoArch');
    expect(normalizeContainerfileArch('mips')).toBeNull();
  });
});
