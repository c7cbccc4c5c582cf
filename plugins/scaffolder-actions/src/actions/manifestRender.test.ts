import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { layeringContentDigest, readLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import { createManifestRenderAction } from './manifestRender';
import {
  actionOptions,
  snapshotCluster,
  useTestCluster,
} from '../__testUtils__/cluster';
import {
  createTestContext,
  outputsOf,
  readTree,
} from '../__testUtils__/context';

const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';
const LAYERED =
  'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';
const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

/** An on-cluster layer of the Containerfile above for pool worker. */
const ON_CLUSTER_WORKER = {
  mode: 'on-cluster',
  containerfile: CONTAINERFILE,
  pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
  pushSecret: 'push-secret',
};

/** A render request on `cluster`, for pool worker of ocp-418 unless `input` names others. */
async function renderRequest(cluster: EmbeddedCluster, input: JsonObject) {
  const test = await createTestContext({
    cluster: 'ocp-418',
    pool: 'worker',
    ...input,
  });
  return {
    ...test,
    run: () =>
      createManifestRenderAction(actionOptions(cluster)).handler(test.ctx),
  };
}

/** Runs a render request that must succeed; returns its outputs and workspace. */
async function render(cluster: EmbeddedCluster, input: JsonObject) {
  const { run, output, workspacePath } = await renderRequest(cluster, input);
  await run();
  return { outputs: outputsOf(output) as Record<string, any>, workspacePath };
}

describe('layering:manifest:render', () => {
  const embedded = useTestCluster({}, 'all');

  it('renders a v1 MachineOSConfig, the Containerfile and a summary for an on-cluster layer', async () => {
    const { cluster } = embedded;
    const before = await snapshotCluster(cluster);
    const { outputs, workspacePath } = await render(cluster, ON_CLUSTER_WORKER);

    expect(outputs.manifestPaths).toEqual([
      'manifests/machineosconfig-worker.yaml',
    ]);
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
        renderedImagePushSpec:
          'registry.example.com/platform-os/worker-layered:latest',
        renderedImagePushSecret: { name: 'push-secret' },
        containerFile: [
          { containerfileArch: 'NoArch', content: CONTAINERFILE },
        ],
      },
    });
    // Provenance: a fresh request id and the digest of the content without annotations.
    expect(outputs.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mosc.metadata.annotations['layering.openshift.io/request-id']).toBe(outputs.requestId);
    expect(mosc.metadata.annotations['layering.openshift.io/content-digest']).toBe(outputs.contentDigest);
    expect(outputs.contentDigest).toBe(layeringContentDigest(mosc));
    expect(readLayeringProvenance(mosc)).toMatchObject({ taskId: 'task-0001', digestMatches: true });
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
    const { outputs, workspacePath } = await render(embedded.cluster, {
      mode: 'out-of-cluster',
      image: LAYERED,
      baseImage: RELEASE_RHCOS,
      machineConfigName: 'os-layer-hotfix',
      outputDir: 'clusters/ocp-418',
    });

    const mc = yaml.parse(
      await fs.readFile(
        path.join(
          workspacePath,
          'clusters/ocp-418/machineconfig-os-layer-hotfix.yaml',
        ),
        'utf8',
      ),
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
    expect(outputs.warnings.join('\n')).toMatch(
      /infra inherits worker MachineConfigs/,
    );
    expect(outputs.summary).toContain(
      'Custom pool `infra` inherits worker MachineConfigs',
    );
    expect(outputs.summary).toContain('`infra-0`');
    expect(outputs.summary).toContain(
      "in sync — the image is built FROM release 4.18.21's rhel-coreos image",
    );
    expect(outputs.summary).toContain('oc delete mc os-layer-hotfix');
  });

  it('refuses someone without layering.pool.request on the pool before anything is written, so no pull request is opened', async () => {
    const test = await createTestContext({
      cluster: 'ocp-418',
      pool: 'worker',
      ...ON_CLUSTER_WORKER,
    });
    const options = actionOptions(embedded.cluster, { allow: false });

    await expect(createManifestRenderAction(options).handler(test.ctx)).rejects.toThrow(
      'You may not request a change to pool worker: the layering.pool.request permission is required. It is checked on pool worker of cluster ocp-418.',
    );
    expect(options.permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'layering.pool.request' }),
          resourceRef: 'resource:default/ocp-418-worker',
        },
      ],
      expect.anything(),
    );
    expect(await readTree(test.workspacePath)).toEqual({});
  });

  it('writes nothing when the request fails validation', async () => {
    const { run, workspacePath } = await renderRequest(embedded.cluster, {
      ...ON_CLUSTER_WORKER,
      pushSpec: LAYERED,
    });

    await expect(run()).rejects.toThrow(
      /pushSpec: The push spec must be a tag reference/,
    );
    expect(await readTree(workspacePath)).toEqual({});
  });

  it('keeps a pull request to layering content: an extensions image is refused by field and nothing is written', async () => {
    const { run, workspacePath } = await renderRequest(embedded.cluster, {
      mode: 'out-of-cluster',
      image: LAYERED,
      extensionsImage: RELEASE_RHCOS,
    });

    const error = await run().catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /^The request is incomplete:\nextensionsImage: A layering MachineConfig sets spec\.osImageURL and nothing else/,
    );
    expect(await readTree(workspacePath)).toEqual({});
  });

  it('refuses a Containerfile that carries a credential before anything is written, so no pull request can carry it', async () => {
    const password = 'n0t-for-g1t';
    const { run, workspacePath } = await renderRequest(embedded.cluster, {
      ...ON_CLUSTER_WORKER,
      containerfile: `FROM configs AS final\nRUN <<EOF\nset -e\ncurl -u deploy:${password} -o /etc/agent.conf https://example.com/agent.conf\nEOF\n`,
    });

    const error = await run().catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message).toContain('containerfile: Line 4: RUN carries a credential (-u is given a literal user:password)');
    expect(error.message).not.toContain(password);
    expect(await readTree(workspacePath)).toEqual({});
  });

  it('modifies the existing MachineOSConfig of a pool and warns that the pool is paused', async () => {
    const { outputs } = await render(embedded.cluster, {
      ...ON_CLUSTER_WORKER,
      pool: 'infra',
      pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
      pushSecret: 'infra-os-images-push',
    });
    expect(outputs.objectName).toBe('infra');
    expect(outputs.summary).toContain('Updates MachineOSConfig `infra`');
    expect(outputs.warnings.join('\n')).toMatch(/Pool infra is paused/);
  });

  it('refuses an output directory outside the workspace', async () => {
    const { run } = await renderRequest(embedded.cluster, {
      mode: 'out-of-cluster',
      image: LAYERED,
      outputDir: '../elsewhere',
    });
    await expect(run()).rejects.toThrow(
      'outputDir: ../elsewhere is outside the workspace',
    );
  });
});

describe('layering:manifest:render on a v1alpha1 cluster', () => {
  const embedded = useTestCluster(
    { machineOSApiVersion: 'v1alpha1', withoutMachineOS: true },
    'all',
  );

  it('renders the v1alpha1 shape with PodImageBuilder and buildInputs', async () => {
    const { outputs, workspacePath } = await render(
      embedded.cluster,
      ON_CLUSTER_WORKER,
    );

    expect(outputs.apiVersion).toBe(
      'machineconfiguration.openshift.io/v1alpha1',
    );
    const mosc = yaml.parse(
      await fs.readFile(
        path.join(workspacePath, 'manifests/machineosconfig-worker.yaml'),
        'utf8',
      ),
    );
    expect(mosc.spec).toMatchObject({
      machineConfigPool: { name: 'worker' },
      buildInputs: {
        imageBuilder: { imageBuilderType: 'PodImageBuilder' },
        renderedImagePushspec:
          'registry.example.com/platform-os/worker-layered:latest',
        baseImagePullSecret: { name: 'global-pull-secret-copy' },
        containerFile: [
          { containerfileArch: 'noarch', content: CONTAINERFILE },
        ],
      },
    });
  });
});
