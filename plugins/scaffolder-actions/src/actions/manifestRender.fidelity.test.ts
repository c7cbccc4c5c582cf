import yaml from 'yaml';
import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createManifestRenderAction } from './manifestRender';
import type { PoolDetail } from '@rhcos-layering/plugin-layering-common';
import { actionOptions, startTestCluster, useTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf, readTree } from '../__testUtils__/context';

const CONTAINERFILE =
  'FROM configs AS final\nRUN systemctl enable chronyd.service && \\\n    ostree container commit\n';

const ON_CLUSTER_WORKER = {
  cluster: 'ocp-418',
  pool: 'worker',
  mode: 'on-cluster',
  containerfile: CONTAINERFILE,
  pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
  pushSecret: 'push-secret',
};

async function render(
  cluster: EmbeddedCluster,
  input: JsonObject,
  pools: Record<string, Partial<PoolDetail>> = {},
) {
  const { ctx, output, workspacePath } = await createTestContext(input);
  const options = actionOptions(cluster);
  for (const [name, pool] of Object.entries(pools)) {
    options.backend.pools.set(`ocp-418/${name}`, pool as PoolDetail);
  }
  await createManifestRenderAction(options).handler(ctx);
  return { outputs: outputsOf(output) as Record<string, any>, files: await readTree(workspacePath) };
}

/** What the MCO does that a request should know before anything is written. */
describe('layering:manifest:render, as the MCO builds', () => {
  const embedded = useTestCluster({}, 'all');

  it('writes the Containerfile as NoArch unless told otherwise', async () => {
    const { outputs, files } = await render(embedded.cluster, ON_CLUSTER_WORKER);
    const mosc = yaml.parse(files['manifests/machineosconfig-worker.yaml']);
    expect(mosc.spec.containerFile).toEqual([{ containerfileArch: 'NoArch', content: CONTAINERFILE }]);
    expect((outputs.warnings as string[]).join('\n')).not.toContain('NoArch');
  });

  it('warns, without refusing, that the MCO ignores a Containerfile for one architecture', async () => {
    const { outputs, files } = await render(embedded.cluster, {
      ...ON_CLUSTER_WORKER,
      containerfileArch: 'AMD64',
    });
    const mosc = yaml.parse(files['manifests/machineosconfig-worker.yaml']);
    expect(mosc.spec.containerFile).toEqual([{ containerfileArch: 'AMD64', content: CONTAINERFILE }]);
    expect(outputs.warnings).toContainEqual(
      expect.stringMatching(
        /^The MCO builds only the NoArch Containerfile and ignores this AMD64 one, so nothing of it is built/,
      ),
    );
  });

  const PINNED =
    'registry.example.com/platform-os/worker-custom@sha256:6c5767635f615fcd297cea1e9061e6e1d49bbd0c854d494ad3a2abc931a322de';
  const behind = {
    status: 'behind' as const,
    minorVersionsBehind: 0,
    releasesBehind: 1,
    ageDays: 40,
    reason: 'Built from the RHCOS of 4.18.17, one release behind 4.18.21.',
  };

  it("warns that an on-cluster build of a pinned pool starts FROM the pin, with the pin's drift", async () => {
    const { outputs } = await render(embedded.cluster, ON_CLUSTER_WORKER, {
      worker: {
        layering: { mode: 'out-of-cluster', source: 'os-layer-custom', image: PINNED },
        drift: { ...behind, status: 'in-sync', reason: 'nodes', target: behind },
      },
    });
    expect(outputs.warnings[0]).toBe(
      `Pool worker is pinned by MachineConfig os-layer-custom to ${PINNED}: the on-cluster build starts FROM that image, not from the release's RHCOS, and so do the rebuilds after each cluster update until the pin is removed. The pinned image is 1 release behind the cluster's release: Built from the RHCOS of 4.18.17, one release behind 4.18.21.`,
    );
  });

  it('names a pin inherited from worker, and says so when the backend gives no drift', async () => {
    const { outputs } = await render(embedded.cluster, {
      ...ON_CLUSTER_WORKER,
      pool: 'infra',
      pushSecret: 'infra-os-images-push',
      pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
    });
    expect(outputs.warnings).toContainEqual(
      expect.stringMatching(
        /^Pool infra is pinned by MachineConfig os-layer-custom, inherited from worker, to .*The pinned image's drift is not known\.$/,
      ),
    );
  });

  it('says nothing of a pin when no MachineConfig sets osImageURL', async () => {
    const cluster = await startTestCluster({
      edit: o => (o.kind === 'MachineConfig' && o.metadata.name === 'os-layer-custom' ? { ...o, spec: {} } : o),
    });
    try {
      const { outputs } = await render(cluster, ON_CLUSTER_WORKER);
      expect((outputs.warnings as string[]).join('\n')).not.toContain('pinned');
    } finally {
      await cluster.stop();
    }
  });
});
