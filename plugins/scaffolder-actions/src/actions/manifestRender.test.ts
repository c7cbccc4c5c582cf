import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { EmbeddedCluster } from '@internal/embedded-openshift';
import { createManifestRenderAction } from './manifestRender';
import { actionOptions, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf, readTree } from '../__testUtils__/context';

const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';
const LAYERED =
  'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';
const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

describe('layering:manifest:render', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('renders a v1 MachineOSConfig, the Containerfile and a summary for an on-cluster layer', async () => {
    const before = await snapshotCluster(cluster);
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx, output, workspacePath } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'on-cluster' as const,
      containerfile: CONTAINERFILE,
      pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
      pushSecret: 'push-secret',
    });

    await action.handler(ctx);

    const outputs = outputsOf(output) as Record<string, any>;
    expect(outputs.manifestPaths).toEqual(['manifests/machineosconfig-worker.yaml']);
    expect(outputs.objectKind).toBe('MachineOSConfig');
    expect(outputs.apiVersion).toBe('machineconfiguration.openshift.io/v1');
    const files = await readTree(workspacePath);
    expect(Object.keys(files).sort()).toEqual([
      'manifests/Containerfile',
      'manifests/SUMMARY.md',
      'manifests/machineosconfig-worker.yaml',
    ]);
    const mosc = yaml.parse(files['manifests/machineosconfig-worker.yaml']);
    expect(mosc).toMatchObject({
      kind: 'MachineOSConfig',
      metadata: {
        name: 'worker',
        annotations: {
          'layering.openshift.io/requested-by': 'user:default/jdoe',
          'layering.openshift.io/template-run': 'task-0001',
          'layering.openshift.io/base-release': '4.18.21',
          'layering.openshift.io/base-image': RELEASE_RHCOS,
        },
      },
      spec: {
        machineConfigPool: { name: 'worker' },
        imageBuilder: { imageBuilderType: 'Job' },
        renderedImagePushSpec: 'registry.example.com/platform-os/worker-layered:latest',
        renderedImagePushSecret: { name: 'push-secret' },
        containerFile: [{ containerfileArch: 'NoArch', content: CONTAINERFILE }],
      },
    });
    expect(files['manifests/Containerfile']).toBe(CONTAINERFILE);
    const summary = files['manifests/SUMMARY.md'];
    expect(summary).toBe(outputs.summary);
    expect(summary).toContain('### Which nodes reboot');
    expect(summary).toContain('`worker-0`');
    expect(summary).toContain('### How to revert');
    expect(summary).toContain('oc delete machineosconfig worker');
    // The server dry run validated the object; nothing was written to the cluster.
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('renders a MachineConfig with osImageURL by digest and names the pools that inherit it', async () => {
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx, output, workspacePath } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'out-of-cluster' as const,
      image: LAYERED,
      baseImage: RELEASE_RHCOS,
      machineConfigName: 'os-layer-hotfix',
      outputDir: 'clusters/ocp-418',
    });

    await action.handler(ctx);

    const outputs = outputsOf(output) as Record<string, any>;
    const mc = yaml.parse(
      await fs.readFile(path.join(workspacePath, 'clusters/ocp-418/machineconfig-os-layer-hotfix.yaml'), 'utf8'),
    );
    expect(mc).toMatchObject({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: {
        name: 'os-layer-hotfix',
        labels: { 'machineconfiguration.openshift.io/role': 'worker' },
      },
      spec: { osImageURL: LAYERED },
    });
    expect(outputs.warnings.join('\n')).toMatch(/infra inherits worker MachineConfigs/);
    expect(outputs.summary).toContain('Custom pool `infra` inherits worker MachineConfigs');
    expect(outputs.summary).toContain('`infra-0`');
    expect(outputs.summary).toContain("in sync — the image is built FROM release 4.18.21's rhel-coreos image");
    expect(outputs.summary).toContain('oc delete mc os-layer-hotfix');
  });

  it('writes nothing when the request fails validation', async () => {
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx, workspacePath } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'on-cluster' as const,
      containerfile: CONTAINERFILE,
      pushSpec: 'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f',
      pushSecret: 'push-secret',
    });

    await expect(action.handler(ctx)).rejects.toThrow(/pushSpec: The push spec must be a tag reference/);
    expect(await readTree(workspacePath)).toEqual({});
  });

  it('modifies the existing MachineOSConfig of a pool and warns that the pool is paused', async () => {
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'infra',
      mode: 'on-cluster' as const,
      containerfile: CONTAINERFILE,
      pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
      pushSecret: 'infra-os-images-push',
    });
    await action.handler(ctx);
    const outputs = outputsOf(output) as Record<string, any>;
    expect(outputs.objectName).toBe('infra');
    expect(outputs.summary).toContain('Updates MachineOSConfig `infra`');
    expect(outputs.warnings.join('\n')).toMatch(/Pool infra is paused/);
  });

  it('refuses an output directory outside the workspace', async () => {
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'out-of-cluster' as const,
      image: LAYERED,
      outputDir: '../elsewhere',
    });
    await expect(action.handler(ctx)).rejects.toThrow('outputDir: ../elsewhere is outside the workspace');
  });
});

describe('layering:manifest:render on a v1alpha1 cluster', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ machineOSApiVersion: 'v1alpha1', withoutMachineOS: true });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('renders the v1alpha1 shape with PodImageBuilder and buildInputs', async () => {
    const action = createManifestRenderAction(actionOptions(cluster));
    const { ctx, output, workspacePath } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'on-cluster' as const,
      containerfile: CONTAINERFILE,
      pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
      pushSecret: 'push-secret',
    });

    await action.handler(ctx);

    expect(outputsOf(output).apiVersion).toBe('machineconfiguration.openshift.io/v1alpha1');
    const mosc = yaml.parse(
      await fs.readFile(path.join(workspacePath, 'manifests/machineosconfig-worker.yaml'), 'utf8'),
    );
    expect(mosc.spec).toMatchObject({
      machineConfigPool: { name: 'worker' },
      buildInputs: {
        imageBuilder: { imageBuilderType: 'PodImageBuilder' },
        renderedImagePushspec: 'registry.example.com/platform-os/worker-layered:latest',
        baseImagePullSecret: { name: 'global-pull-secret-copy' },
        containerFile: [{ containerfileArch: 'noarch', content: CONTAINERFILE }],
      },
    });
  });
});
