import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createClusterApplyAction } from './clusterApply';
import { createManifestRenderAction } from './manifestRender';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const MCO = '/apis/machineconfiguration.openshift.io/v1';
const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';
const LAYERED =
  'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';

async function renderOnCluster(cluster: EmbeddedCluster, workspacePath: string) {
  const { ctx, output } = await createTestContext(
    {
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'on-cluster' as const,
      containerfile: CONTAINERFILE,
      pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
      pushSecret: 'push-secret',
    },
    { workspacePath },
  );
  await createManifestRenderAction(actionOptions(cluster)).handler(ctx);
  return outputsOf(output).manifestPaths as string[];
}

async function writeManifest(workspacePath: string, name: string, objects: object[]) {
  await fs.mkdir(path.join(workspacePath, 'manifests'), { recursive: true });
  await fs.writeFile(
    path.join(workspacePath, 'manifests', name),
    objects.map(o => yaml.stringify(o)).join('---\n'),
  );
  return `manifests/${name}`;
}

function machineConfig(name: string, osImageURL = LAYERED) {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name, labels: { 'machineconfiguration.openshift.io/role': 'worker' } },
    spec: { osImageURL },
  };
}

describe('layering:cluster:apply', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('applies a rendered MachineOSConfig with server-side apply, and a second run changes nothing', async () => {
    const options = actionOptions(cluster);
    const first = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    const manifests = await renderOnCluster(cluster, first.workspacePath);
    first.ctx.input.manifests = manifests;

    await createClusterApplyAction(options).handler(first.ctx);

    const mosc = await adminApi(cluster).get(`${MCO}/machineosconfigs/worker`);
    expect(mosc.spec.renderedImagePushSpec).toBe('registry.example.com/platform-os/worker-layered:latest');
    expect(mosc.metadata.managedFields.map((f: { manager: string }) => f.manager)).toContain(
      'backstage-layering',
    );
    expect(outputsOf(first.output)).toMatchObject({
      changed: true,
      applied: [{ kind: 'MachineOSConfig', name: 'worker', changed: true }],
      requestId: 'req-1',
    });
    expect(options.backend.records[0]).toMatchObject({ kind: 'on-cluster-layer', outcome: 'applied' });
    expect(first.checkpoints.some(k => k.startsWith('layering.cluster.apply.ocp-418.MachineOSConfig.worker.'))).toBe(true);

    // The MCO starts a build for the new MachineOSConfig.
    await cluster.settle();
    const builds = await adminApi(cluster).get(`${MCO}/machineosbuilds`);
    expect(builds.items.some((b: any) => b.spec.machineOSConfig.name === 'worker')).toBe(true);

    // Re-running the same request (another template run renders it again) is a no-op.
    const before = await snapshotCluster(cluster);
    const second = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    second.ctx.input.manifests = await renderOnCluster(cluster, second.workspacePath);
    await createClusterApplyAction(options).handler(second.ctx);
    expect(outputsOf(second.output)).toMatchObject({
      changed: false,
      applied: [{ kind: 'MachineOSConfig', name: 'worker', changed: false }],
    });
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(1);
  });

  it('applies an out-of-cluster MachineConfig, which re-renders the worker pool', async () => {
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[], requestKind: 'out-of-cluster-layer' as const });
    ctx.input.manifests = [await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz')])];
    const poolBefore = await adminApi(cluster).get(`${MCO}/machineconfigpools/worker`);

    await createClusterApplyAction(options).handler(ctx);
    await cluster.settle();

    const mc = await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-zz`);
    expect(mc.spec.osImageURL).toBe(LAYERED);
    const poolAfter = await adminApi(cluster).get(`${MCO}/machineconfigpools/worker`);
    expect(poolAfter.spec.configuration.name).not.toBe(poolBefore.spec.configuration.name);
    expect(options.backend.records[0].kind).toBe('out-of-cluster-layer');
  });

  it('writes nothing in a dry run, after the server dry run accepted the manifests', async () => {
    const options = actionOptions(cluster);
    const { ctx, output, workspacePath, logger } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] },
      { isDryRun: true },
    );
    ctx.input.manifests = await renderOnCluster(cluster, workspacePath);
    const before = await snapshotCluster(cluster);

    await createClusterApplyAction(options).handler(ctx);

    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(outputsOf(output).changed).toBe(true);
    expect(options.backend.records).toHaveLength(0);
    expect(logger.info).toHaveBeenCalledWith(
      'Dry run: the server accepted every manifest; nothing was written',
      expect.anything(),
    );
  });

  it('refuses without the layering.cluster.apply permission of the initiator', async () => {
    const options = actionOptions(cluster, { allow: false });
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = await renderOnCluster(cluster, workspacePath);
    const before = await snapshotCluster(cluster);

    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(
      'You may not apply changes to cluster ocp-418 directly: the layering.cluster.apply permission is required.',
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'layering.cluster.apply' }),
          resourceRef: 'resource:default/ocp-418-worker',
        },
      ],
      { credentials: expect.objectContaining({ principal: expect.objectContaining({ userEntityRef: 'user:default/jdoe' }) }) },
    );
  });

  it('maps a 422 of the API server to the form field that produced the value', async () => {
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    const [rendered] = await renderOnCluster(cluster, workspacePath);
    const object = yaml.parse(await fs.readFile(path.join(workspacePath, rendered), 'utf8'));
    // Lower-case architectures are v1alpha1 spelling: the pre-flight rules normalise them, the
    // v1 schema does not accept them.
    object.spec.containerFile[0].containerfileArch = 'amd64';
    ctx.input.manifests = [await writeManifest(workspacePath, 'edited.yaml', [object])];
    const before = await snapshotCluster(cluster);

    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(
      /The cluster rejected apply \(server dry run\) MachineOSConfig\/worker on cluster ocp-418\. containerfile \(spec\.containerFile\[0\]\.containerfileArch\)/,
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('waits as asked on 429 with Retry-After and then applies', async () => {
    const sleeps: number[] = [];
    const options = actionOptions(cluster, { sleeps });
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = [await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz')])];
    cluster.throttle(2);

    await createClusterApplyAction(options).handler(ctx);

    expect(sleeps.length).toBe(2);
    expect(sleeps.every(ms => ms > 0)).toBe(true);
    expect(await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-zz`)).toBeDefined();
  });

  it('gives up with a clear error when throttling outlasts the retries', async () => {
    const options = actionOptions(cluster, { config: { maxRetries: 1 } });
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = [await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz')])];
    cluster.throttle(100);

    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(
      /Cluster ocp-418 kept throttling .* \(429 Too Many Requests\)/,
    );
    cluster.throttle(0);
  });

  it('removes the objects it created when a later write fails', async () => {
    const options = actionOptions(cluster, { config: { maxRetries: 0 } });
    let second = false;
    const { ctx, workspacePath } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] },
      {
        onCheckpoint: key => {
          if (key.includes('MachineConfig.os-layer-zz2.')) {
            second = true;
            cluster.throttle(1);
          }
        },
      },
    );
    ctx.input.manifests = [
      await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz1'), machineConfig('os-layer-zz2')]),
    ];

    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(/429/);

    expect(second).toBe(true);
    expect(await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-zz1`)).toBeUndefined();
    expect(await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-zz2`)).toBeUndefined();
    expect(options.backend.records[0]).toMatchObject({ outcome: 'failed' });
  });

  it('refuses objects of other kinds and paths outside the workspace', async () => {
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = [
      await writeManifest(workspacePath, 'cm.yaml', [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      ]),
    ];
    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(
      'manifests[0]: v1/ConfigMap cannot be applied by this action (MachineConfig and MachineOSConfig only)',
    );
    ctx.input.manifests = ['../../etc/passwd'];
    await expect(createClusterApplyAction(options).handler(ctx)).rejects.toThrow(
      'manifests[0]: ../../etc/passwd is outside the workspace',
    );
  });

  it('refuses a MachineConfig that carries more than osImageURL field by field, and writes nothing, in a dry run too', async () => {
    const options = actionOptions(cluster);
    const unit = {
      ...machineConfig('os-layer-zz'),
      spec: {
        osImageURL: LAYERED,
        config: {
          ignition: { version: '3.4.0' },
          systemd: { units: [{ name: 'root-shell.service', enabled: true, contents: '[Service]\nExecStart=/bin/sh\n' }] },
        },
        kernelArguments: ['selinux=0'],
      },
    };
    for (const isDryRun of [true, false]) {
      const { ctx, workspacePath } = await createTestContext(
        { cluster: 'ocp-418', pool: 'worker', manifests: [] as string[], requestKind: 'out-of-cluster-layer' as const },
        { isDryRun },
      );
      ctx.input.manifests = [
        await writeManifest(workspacePath, 'ok.yaml', [machineConfig('os-layer-ok')]),
        await writeManifest(workspacePath, 'mc.yaml', [unit]),
      ];
      const before = await snapshotCluster(cluster);

      const error = await createClusterApplyAction(options).handler(ctx).catch(e => e);

      expect(error.name).toBe('InputError');
      const lines = error.message.split('\n');
      expect(lines[0]).toBe('The manifests carry more than layering content for this pool:');
      expect(lines.slice(1).map((l: string) => l.split(': ')[0])).toEqual([
        'manifests[1].spec.config.systemd',
        'manifests[1].spec.kernelArguments',
      ]);
      expect(await snapshotCluster(cluster)).toEqual(before);
      expect(await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-zz`)).toBeUndefined();
      expect(await adminApi(cluster).get(`${MCO}/machineconfigs/os-layer-ok`)).toBeUndefined();
      expect(options.backend.records).toHaveLength(0);
    }
  });

  it('refuses a MachineOSConfig whose Containerfile carries a credential, naming the line and not the value', async () => {
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    const [rendered] = await renderOnCluster(cluster, workspacePath);
    const object = yaml.parse(await fs.readFile(path.join(workspacePath, rendered), 'utf8'));
    const token = `glpat-${'k3Y_'.repeat(6)}`;
    object.spec.containerFile[0].content = `FROM configs AS final\nENV CI_JOB_TOKEN=${token}\nRUN ostree container commit\n`;
    ctx.input.manifests = [await writeManifest(workspacePath, 'edited.yaml', [object])];
    const before = await snapshotCluster(cluster);

    const error = await createClusterApplyAction(options).handler(ctx).catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message).toContain('manifests[0].spec.containerFile[0].content: Line 2: ENV carries a credential');
    expect(error.message).not.toContain(token);
    expect(await snapshotCluster(cluster)).toEqual(before);
    expect(options.backend.records).toHaveLength(0);
  });

  it("refuses another pool's role and a MachineOSConfig for another pool before anything is written", async () => {
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    const [rendered] = await renderOnCluster(cluster, workspacePath);
    const mosc = yaml.parse(await fs.readFile(path.join(workspacePath, rendered), 'utf8'));
    mosc.spec.machineConfigPool.name = 'master';
    const master = machineConfig('os-layer-master');
    master.metadata.labels['machineconfiguration.openshift.io/role'] = 'master';
    ctx.input.manifests = [
      await writeManifest(workspacePath, 'mosc.yaml', [mosc]),
      await writeManifest(workspacePath, 'mc.yaml', [master, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }]),
    ];
    const before = await snapshotCluster(cluster);

    const error = await createClusterApplyAction(options).handler(ctx).catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message).toContain('manifests[0].spec.machineConfigPool.name: MachineOSConfig worker targets pool "master", but the request is for pool worker.');
    expect(error.message).toContain('manifests[1][0].metadata.labels["machineconfiguration.openshift.io/role"]: MachineConfig os-layer-master has role "master"');
    expect(error.message).toContain('manifests[1][1]: v1/Secret cannot be applied by this action');
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('reports a field-manager conflict (409) instead of taking over fields', async () => {
    const res = await adminApi(cluster).send(
      'PATCH',
      `${MCO}/machineconfigs/os-layer-zz?fieldManager=kubectl`,
      machineConfig('os-layer-zz', LAYERED.replace('5f2c', '6f2c')),
      'application/apply-patch+yaml',
    );
    expect(res.status).toBeLessThan(300);
    const options = actionOptions(cluster);
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = [await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz')])];
    const before = await snapshotCluster(cluster);

    const error = await createClusterApplyAction(options).handler(ctx).catch(e => e);

    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('Conflict on apply (server dry run) MachineConfig/os-layer-zz on cluster ocp-418');
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('names the cluster when its service account may not write (403) or is not accepted (401)', async () => {
    const { ctx, workspacePath } = await createTestContext({ cluster: 'ocp-418', pool: 'worker', manifests: [] as string[] });
    ctx.input.manifests = [await writeManifest(workspacePath, 'mc.yaml', [machineConfig('os-layer-zz')])];

    const readOnly = await createClusterApplyAction(actionOptions(cluster, { token: cluster.tokens.readOnly }))
      .handler(ctx)
      .catch(e => e);
    expect(readOnly.name).toBe('NotAllowedError');
    expect(readOnly.message).toContain('The service account configured for cluster ocp-418 may not apply (server dry run) MachineConfig/os-layer-zz');

    const unknown = await createClusterApplyAction(actionOptions(cluster, { token: 'expired-token' }))
      .handler(ctx)
      .catch(e => e);
    expect(unknown.name).toBe('AuthenticationError');
    expect(unknown.message).toContain('Cluster ocp-418 did not accept the credentials configured for it');
    expect(unknown.message).not.toContain('expired-token');
  });
});
