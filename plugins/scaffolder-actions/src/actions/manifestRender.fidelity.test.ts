import yaml from 'yaml';
import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createManifestRenderAction } from './manifestRender';
import { actionOptions, useTestCluster } from '../__testUtils__/cluster';
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

async function render(cluster: EmbeddedCluster, input: JsonObject) {
  const { ctx, output, workspacePath } = await createTestContext(input);
  await createManifestRenderAction(actionOptions(cluster)).handler(ctx);
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
});
