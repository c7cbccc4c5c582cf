import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { createLayeringActions } from '.';
import { actionOptions, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, readTree } from '../__testUtils__/context';

const CF = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit\n';
const DIGEST = 'sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';
const onCluster = {
  cluster: 'ocp-418',
  pool: 'worker',
  mode: 'on-cluster',
  containerfile: CF,
  pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
  pushSecret: 'push-secret',
};
const outOfCluster = {
  cluster: 'ocp-418',
  pool: 'worker',
  mode: 'out-of-cluster',
  image: `registry.example.com/platform-os/worker-layered@${DIGEST}`,
};
const mc = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: { name: 'os-layer-bad', labels: { 'machineconfiguration.openshift.io/role': 'worker' } },
  spec: { osImageURL: `registry.example.com/platform-os/worker-layered@${DIGEST}` },
  ...extra,
});

/** [action, input, expected error, workspace files to seed (path → content)] */
type Row = [string, Record<string, unknown>, RegExp | string, Record<string, string>?];

const rows: Row[] = [
  // layering:containerfile:compose
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', packages: ['tmux; rm -rf /'] }, /packages\[0\]: "tmux; rm -rf \/" is not a valid package name/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', packages: ['$(curl evil)'] }, /packages\[0\]: .*not a valid package name/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['http://example.com/p.rpm'] }, /rpmUrls\[0\]: RPM URLs must use https/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://127.0.0.1/p.rpm'] }, /rpmUrls\[0\]: .*loopback address/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://169.254.169.254/latest/p.rpm'] }, /rpmUrls\[0\]: .*metadata address/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://[::1]/p.rpm'] }, /rpmUrls\[0\]: .*loopback address/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://metadata.google.internal/p.rpm'] }, /rpmUrls\[0\]: .*metadata address/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://user:pw@example.com/p.rpm'] }, /rpmUrls\[0\]: RPM URLs must not contain credentials/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', rpmUrls: ['https://example.com/p.rpm;reboot'] }, /rpmUrls\[0\]: .*characters that are not allowed/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', repoRpms: ['https://example.com/repo.txt'] }, /repoRpms\[0\]: The RPM URL must point at a \.rpm file/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', kernelOverride: ['https://localhost/kernel.rpm'] }, /kernelOverride\[0\]: .*loopback address/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', configFiles: [{ destination: '/var/lib/x.conf', content: 'a' }] }, /configFiles\[0\]\.destination: Configuration files may only be written under \/etc\/ or \/usr\/local\//],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', configFiles: [{ destination: '/etc/../root/.ssh/authorized_keys', content: 'a' }] }, /configFiles\[0\]\.destination: .*must not contain "\.\."/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', configFiles: [{ destination: '/etc/x.conf', source: 'x.conf' }] }, /configFiles\[0\]\.source: On-cluster builds have no build context/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', enableUnits: ['rngd; reboot'] }, /enableUnits\[0\]: .*is not a systemd unit name/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster' }, /Nothing to layer/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'out-of-cluster', baseImage: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev:latest', packages: ['tmux'] }, /baseImage: .*digest/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', containerfile: CF, packages: ['tmux'] }, 'containerfile: give either a complete Containerfile or the structured fields'],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', containerfile: 'RUN dnf install -y tmux\n' }, /containerfile: .*FROM/],
  ['layering:containerfile:compose', { cluster: 'ocp-418', mode: 'on-cluster', containerfile: `FROM configs AS final\nRUN echo ${'x'.repeat(4200)} && ostree container commit\n` }, /containerfile: .*4096/],
  ['layering:containerfile:compose', { cluster: 'prod-eu', mode: 'on-cluster', packages: ['tmux'] }, 'cluster: "prod-eu" is not a configured cluster (configured: ocp-418)'],
  // layering:manifest:render
  ['layering:manifest:render', { ...onCluster, pool: 'Worker_Pool' }, /pool: The name "Worker_Pool" must consist of lower case letters/],
  ['layering:manifest:render', { ...onCluster, pool: 'gpu' }, /pool: Pool gpu does not exist in this cluster/],
  ['layering:manifest:render', { ...onCluster, pushSpec: `registry.example.com/platform-os/worker-layered@${DIGEST}` }, /pushSpec: The push spec must be a tag reference/],
  ['layering:manifest:render', { ...onCluster, pushSpec: 'worker-layered:latest' }, /pushSpec: The push spec must look like host\[:port\]\/namespace\/name:tag/],
  ['layering:manifest:render', { ...onCluster, pushSpec: `registry.example.com/${'a'.repeat(440)}:latest` }, /pushSpec: The push spec must be at most 447 characters/],
  ['layering:manifest:render', { ...onCluster, pushSecret: 'missing-secret' }, /pushSecret: Secret missing-secret does not exist in openshift-machine-config-operator/],
  ['layering:manifest:render', { ...onCluster, pushSecret: 'Bad_Secret' }, /pushSecret: The push secret name "Bad_Secret" must consist of lower case letters/],
  ['layering:manifest:render', { ...onCluster, containerfile: undefined }, /containerfile: An on-cluster layer needs a Containerfile/],
  ['layering:manifest:render', { ...onCluster, containerfile: `FROM quay.io/x/y@${DIGEST}\nRUN dnf install -y tmux && ostree container commit\n` }, /containerfile: .*configs/],
  ['layering:manifest:render', { ...outOfCluster, image: 'registry.example.com/platform-os/worker-layered:v1' }, /image: .*digest/],
  ['layering:manifest:render', { ...outOfCluster, image: 'registry.example.com/platform-os/worker-layered@sha256:abc' }, /image: /],
  ['layering:manifest:render', { ...outOfCluster, machineConfigName: 'rendered-worker-1234' }, /machineConfigName: Names starting with "rendered-" belong to the MCO/],
  ['layering:manifest:render', { ...outOfCluster, machineConfigName: 'OS Layer' }, /machineConfigName: The MachineConfig name "OS Layer" must consist of lower case letters/],
  ['layering:manifest:render', { ...outOfCluster, pushSpec: 'registry.example.com/a/b:c' }, /pushSpec: Out-of-cluster layers are pushed by you/],
  ['layering:manifest:render', { ...outOfCluster, outputDir: '../../etc' }, 'outputDir: ../../etc is outside the workspace'],
  // layering:cluster:apply
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['../../etc/passwd'] }, 'manifests[0]: ../../etc/passwd is outside the workspace'],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['manifests/missing.yaml'] }, 'manifests[0]: manifests/missing.yaml does not exist in the workspace'],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] }, 'manifests[0]: v1/ConfigMap cannot be applied by this action', { 'm.yaml': yaml.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }) }],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] }, /manifests\[0\]: m\.yaml is not valid YAML/, { 'm.yaml': 'kind: [unclosed' }],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'master', manifests: ['m.yaml'] }, 'manifests[0].metadata.labels["machineconfiguration.openshift.io/role"]: MachineConfig os-layer-bad has role "worker", but the request is for pool master', { 'm.yaml': yaml.stringify(mc()) }],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] }, 'manifests[0]: MachineConfig/os-layer-bad must be cluster-scoped', { 'm.yaml': yaml.stringify(mc({ metadata: { name: 'os-layer-bad', namespace: 'default', labels: { 'machineconfiguration.openshift.io/role': 'worker' } } })) }],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] }, /image: .*digest/, { 'm.yaml': yaml.stringify(mc({ spec: { osImageURL: 'registry.example.com/platform-os/worker-layered:latest' } })) }],
  ['layering:cluster:apply', { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] }, 'manifests[0]: MachineOSConfig worker is v1alpha1, but the cluster serves v1; render the request again', { 'm.yaml': yaml.stringify({ apiVersion: 'machineconfiguration.openshift.io/v1alpha1', kind: 'MachineOSConfig', metadata: { name: 'worker' }, spec: { machineConfigPool: { name: 'worker' } } }) }],
  // the other actions
  ['layering:pool:pause', { cluster: 'ocp-418', pool: 'worker pool' }, /pool: The name "worker pool" must consist of lower case letters/],
  ['layering:node:assign', { cluster: 'ocp-418', pool: 'canary', nodes: ['Worker-1'], createPool: true }, /nodes\[0\]: The name "Worker-1" must consist of lower case letters/],
  ['layering:node:assign', { cluster: 'ocp-418', pool: 'master', nodes: ['worker-1'] }, 'pool: "master" is a built-in pool; nodes are assigned to custom pools only'],
  ['layering:layer:revert', { cluster: 'ocp-418', pool: 'worker', method: 'unlabel-nodes', nodes: ['worker-0'] }, 'pool: nodes can only be moved out of a custom pool, not out of worker'],
  ['layering:layer:revert', { cluster: 'ocp-418', pool: 'worker', method: 'remove-machine-config', machineConfig: 'no-such-config' }, 'machineConfig: no-such-config does not exist on cluster ocp-418'],
  ['layering:layer:revert', { cluster: 'ocp-418', pool: 'master', method: 'remove-machine-config' }, 'machineConfig: pool master has no MachineConfig that sets osImageURL'],
  ['layering:build:delete', { cluster: 'ocp-418', build: '../infra' }, /build: The name "\.\.\/infra" must consist of lower case letters/],
  ['layering:build:rebuild', { cluster: 'ocp-418', pool: 'worker' }, 'pool: worker on cluster ocp-418 has no MachineOSConfig'],
  ['layering:request:record', { cluster: 'ocp-418', pool: 'in fra', kind: 'revert', summary: 'x' }, /pool: The name "in fra"/],
];

describe('bad inputs: a clear error, an unchanged cluster and an unchanged workspace', () => {
  let cluster: EmbeddedCluster;
  let actions: TemplateAction<any, any, any>[];
  let baseline: string[];

  beforeAll(async () => {
    cluster = await startTestCluster();
    baseline = await snapshotCluster(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
  });
  beforeEach(() => {
    actions = createLayeringActions(actionOptions(cluster));
  });

  it('has at least 30 cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows.map(([id, input, expected, seed]) => [id, String(expected).slice(0, 70), input, expected, seed] as const))(
    '%s refuses: %s',
    async (id, _title, input, expected, seed = {}) => {
      const { ctx, workspacePath } = await createTestContext(input as JsonObject);
      for (const [file, content] of Object.entries(seed)) {
        await fs.mkdir(path.dirname(path.join(workspacePath, file)), { recursive: true });
        await fs.writeFile(path.join(workspacePath, file), content);
      }
      const action = actions.find(a => a.id === id)!;

      const error = await action.handler(ctx).then(
        () => undefined,
        (e: Error) => e,
      );

      const pattern =
        typeof expected === 'string'
          ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          : expected;
      expect(error?.message).toMatch(pattern);
      expect(await readTree(workspacePath)).toEqual(seed);
      expect(await snapshotCluster(cluster)).toEqual(baseline);
    },
  );
});
