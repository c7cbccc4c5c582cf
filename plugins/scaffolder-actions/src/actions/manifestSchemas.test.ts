import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createManifestRenderAction } from './manifestRender';
import { actionOptions, adminApi, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const CF = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';
const DIGEST = 'sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';

const variants: Array<[string, Record<string, unknown>]> = [
  ['on-cluster NoArch', { pool: 'worker', mode: 'on-cluster', containerfile: CF, pushSpec: 'registry.example.com/platform-os/worker-layered:latest', pushSecret: 'push-secret' }],
  ['on-cluster AMD64 with a pull secret', { pool: 'worker', mode: 'on-cluster', containerfile: CF, containerfileArch: 'AMD64', pushSpec: 'registry.example.com/platform-os/worker-layered:v1', pushSecret: 'push-secret', baseImagePullSecret: 'global-pull-secret-copy' }],
  ['on-cluster in-cluster registry', { pool: 'infra', mode: 'on-cluster', containerfile: CF, pushSpec: 'image-registry.openshift-image-registry.svc:5000/openshift-machine-config-operator/os-images:latest', pushSecret: 'infra-os-images-push' }],
  ['out-of-cluster', { pool: 'worker', mode: 'out-of-cluster', image: `registry.example.com/platform-os/worker-layered@${DIGEST}` }],
  ['out-of-cluster for a custom pool', { pool: 'infra', mode: 'out-of-cluster', image: `registry.example.com/platform-os/infra-layered@${DIGEST}`, machineConfigName: 'os-layer-infra' }],
];

/** Creates the object with `dryRun=All`: the API server validates it against the CRD schema and CEL rules. */
async function serverValidates(cluster: EmbeddedCluster, object: any) {
  const [group, version] = object.apiVersion.split('/');
  const plural = `${object.kind.toLowerCase()}s`;
  const existing = await adminApi(cluster).get(`/apis/${group}/${version}/${plural}/${object.metadata.name}`);
  const res = existing
    ? await adminApi(cluster).send(
        'PATCH',
        `/apis/${group}/${version}/${plural}/${object.metadata.name}?dryRun=All&fieldManager=schema-test&force=true`,
        object,
        'application/apply-patch+yaml',
      )
    : await adminApi(cluster).send('POST', `/apis/${group}/${version}/${plural}?dryRun=All`, object);
  return { status: res.status, body: await res.json() };
}

/** v1 allows a registry port in the push spec; v1alpha1 does not (its pre-flight refuses it). */
const v1Only: Array<[string, Record<string, unknown>]> = [
  ['on-cluster with a registry port', { pool: 'worker', mode: 'on-cluster', containerfile: CF, pushSpec: 'registry.example.com:5000/platform-os/worker-layered:v1', pushSecret: 'push-secret' }],
];

describe.each([
  ['v1', {}, [...variants, ...v1Only]],
  ['v1alpha1', { machineOSApiVersion: 'v1alpha1' as const, withoutMachineOS: true }, variants],
])('rendered manifests validate against the %s CRD schemas of the API server', (_version, clusterOptions, cases) => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(clusterOptions);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it.each(cases)('%s', async (_name, input) => {
    const { ctx, output, workspacePath } = await createTestContext({
      cluster: 'ocp-418',
      validateOnCluster: false,
      ...input,
    });
    await createManifestRenderAction(actionOptions(cluster)).handler(ctx);
    const [manifest] = outputsOf(output).manifestPaths as string[];
    const object = yaml.parse(await fs.readFile(path.join(workspacePath, manifest), 'utf8'));

    const { status, body } = await serverValidates(cluster, object);

    // On failure this shows the server's message next to the status.
    expect({ accepted: status < 300, message: status < 300 ? undefined : body.message }).toEqual({
      accepted: true,
      message: undefined,
    });
  });
});
