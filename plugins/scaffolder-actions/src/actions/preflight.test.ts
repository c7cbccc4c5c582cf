import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createManifestRenderAction } from './manifestRender';
import { createClusterApplyAction } from './clusterApply';
import { actionOptions, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf, readTree } from '../__testUtils__/context';

const CF = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';
const IMAGE =
  'registry.example.com/platform-os/edge-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';

/** The pre-flight rules of layering-common, run by the actions against the fleet's other states. */
describe('pre-flight checks against the embedded fleet states', () => {
  let cluster: EmbeddedCluster | undefined;

  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('refuses a degraded pool unless the template asks and config allows it (ocp-419 edge)', async () => {
    cluster = await startTestCluster({ state: 'ocp-419' });
    const input = { cluster: 'ocp-418', pool: 'edge', mode: 'out-of-cluster' as const, image: IMAGE };

    const refused = await createTestContext(input);
    await expect(createManifestRenderAction(actionOptions(cluster)).handler(refused.ctx)).rejects.toThrow(
      /pool: Pool edge is degraded \(.*\): fix it first, or set the override to proceed anyway/,
    );
    expect(await readTree(refused.workspacePath)).toEqual({});

    // The template's override alone is not enough: config must allow it too.
    const notAllowed = await createTestContext({ ...input, allowDegradedPool: true });
    await expect(createManifestRenderAction(actionOptions(cluster)).handler(notAllowed.ctx)).rejects.toThrow(
      /Pool edge is degraded/,
    );

    const allowed = await createTestContext({ ...input, allowDegradedPool: true });
    await createManifestRenderAction(
      actionOptions(cluster, { config: { allowDegradedOverride: true } }),
    ).handler(allowed.ctx);
    expect((outputsOf(allowed.output).warnings as string[]).join('\n')).toMatch(
      /Pool edge is degraded .*proceeding because the override is set/,
    );
  });

  it('allows on-cluster layering on a single-node cluster for the control plane pool only (sno-419)', async () => {
    cluster = await startTestCluster({ state: 'sno-419' });
    const input = {
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      containerfile: CF,
      pushSpec: 'registry.example.com/platform-os/sno-layered:latest',
      pushSecret: 'push-secret',
    };
    const worker = await createTestContext({ ...input, pool: 'worker' });
    await expect(createManifestRenderAction(actionOptions(cluster)).handler(worker.ctx)).rejects.toThrow(
      /pool: Single-node cluster: on-cluster layering can only target the control plane pool \(master\)/,
    );

    const master = await createTestContext({ ...input, pool: 'master' });
    await createManifestRenderAction(actionOptions(cluster)).handler(master.ctx);
    expect((outputsOf(master.output).warnings as string[]).join('\n')).toMatch(/Single-node cluster/);
  });

  const onClusterWorker = {
    cluster: 'ocp-418',
    pool: 'worker',
    mode: 'on-cluster' as const,
    containerfile: CF,
    pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
    pushSecret: 'push-secret',
  };

  it('on 4.18 and later asks for the entitlement in openshift-config-managed, never in the MCO namespace', async () => {
    cluster = await startTestCluster({ secrets: ['push-secret'] });
    const before = await snapshotCluster(cluster);
    const { ctx, workspacePath } = await createTestContext(onClusterWorker);
    const refused = createManifestRenderAction(actionOptions(cluster)).handler(ctx);
    await expect(refused).rejects.toThrow(
      /containerfile: .*the MCO takes the etc-pki-entitlement secret from openshift-config-managed/,
    );
    await expect(refused).rejects.not.toThrow(/into openshift-machine-config-operator/);
    expect(await readTree(workspacePath)).toEqual({});
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('on 4.18 and later needs no etc-pki-entitlement copy in the MCO namespace', async () => {
    cluster = await startTestCluster({
      secrets: ['push-secret'],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'etc-pki-entitlement', namespace: 'openshift-config-managed' },
          type: 'Opaque',
          data: {},
        },
      ],
    });
    const { ctx, output } = await createTestContext(onClusterWorker);
    await createManifestRenderAction(actionOptions(cluster)).handler(ctx);
    expect(((outputsOf(output).warnings as string[]) ?? []).join('\n')).not.toMatch(
      /entitle/,
    );
  });

  it('before 4.18 (v1alpha1) asks for the etc-pki-entitlement secret in the MCO namespace', async () => {
    cluster = await startTestCluster({ state: 'ocp-417', secrets: [] });
    const { ctx } = await createTestContext({
      ...onClusterWorker,
      pool: 'infra',
      pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
      pushSecret: 'infra-os-images-push',
      currentImagePullSecret: 'infra-os-images-pull',
    });
    await expect(createManifestRenderAction(actionOptions(cluster)).handler(ctx)).rejects.toThrow(
      /containerfile: .*copy the etc-pki-entitlement secret into openshift-machine-config-operator/,
    );
  });

  it('modifies the v1alpha1 MachineOSConfig of a 4.17 cluster and applies it (ocp-417 infra)', async () => {
    cluster = await startTestCluster({ state: 'ocp-417' });
    const options = actionOptions(cluster);
    const render = await createTestContext({
      cluster: 'ocp-418',
      pool: 'infra',
      mode: 'on-cluster' as const,
      containerfile: CF,
      pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
      pushSecret: 'infra-os-images-push',
      currentImagePullSecret: 'infra-os-images-pull',
    });
    await createManifestRenderAction(options).handler(render.ctx);
    const outputs = outputsOf(render.output) as Record<string, any>;
    expect(outputs.apiVersion).toBe('machineconfiguration.openshift.io/v1alpha1');
    expect(outputs.summary).toContain('Updates MachineOSConfig `infra`');

    const apply = await createTestContext(
      { cluster: 'ocp-418', pool: 'infra', manifests: outputs.manifestPaths, requestKind: 'modify' as const },
      { workspacePath: render.workspacePath },
    );
    await createClusterApplyAction(options).handler(apply.ctx);
    expect(outputsOf(apply.output)).toMatchObject({
      changed: true,
      applied: [{ kind: 'MachineOSConfig', name: 'infra', changed: true }],
    });
    expect(options.backend.records[0]).toMatchObject({ kind: 'modify', outcome: 'applied' });
  });
});
