/* The `ocp-417` state (see ../generate.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { K8sObject } from '../../src/store/types';
import { MCO_NAMESPACE } from '../../src/mco/constants';
import { readMosb, readMosc } from '../../src/mco/machineOS';
import {
  digest,
  uid,
  type Release,
  rhcos,
  releaseRecords,
  releaseImageRecords,
  clusterVersion,
  osImageConfigMap,
  namespaceAndSecrets,
  baseConfigs,
  userConfig,
  poolObject,
  rendered,
  type NodeDef,
  nodeObject,
  withStatus,
  poolNodes,
  write,
  imagesFile,
} from './objects';

// ===============================================================================================
// ocp-417: 4.17.32, MachineOSConfig/MachineOSBuild v1alpha1. infra: on-cluster layered (v1alpha1);
// gpu: pinned by an osImageURL MachineConfig whose image was built FROM 4.17.24's RHCOS, two
// releases behind.

export function ocp417(root: string) {
  const c = 'ocp-417';
  const r24: Release = { version: '4.17.24', rhcos: '417.94.202505291424-0', kernel: '5.14.0-427.68.1.el9_4.x86_64', kubelet: 'v1.30.12', crio: 'cri-o://1.30.12-3.rhaos4.17.git2d5e6c1.el9', started: '2025-05-28T08:00:14Z', completed: '2025-05-28T09:21:50Z' };
  const r28: Release = { version: '4.17.28', rhcos: '417.94.202506251136-0', kernel: '5.14.0-427.74.1.el9_4.x86_64', kubelet: 'v1.30.13', crio: 'cri-o://1.30.13-2.rhaos4.17.git8b1f0a4.el9', started: '2025-06-30T12:01:09Z', completed: '2025-06-30T13:19:27Z' };
  const r32: Release = { version: '4.17.32', rhcos: '417.94.202507241733-0', kernel: '5.14.0-427.79.1.el9_4.x86_64', kubelet: 'v1.30.14', crio: 'cri-o://1.30.14-4.rhaos4.17.git61c2a9e.el9', started: '2025-08-04T07:30:41Z', completed: '2025-08-04T08:55:02Z' };
  const r36: Release = { version: '4.17.36', rhcos: '417.94.202509031109-0', kernel: '5.14.0-427.87.1.el9_4.x86_64', kubelet: 'v1.30.14', crio: 'cri-o://1.30.14-9.rhaos4.17.git0e4b7d2.el9', started: '', completed: '' };
  const gpuImage = `registry.example.com/platform-os/gpu-custom@${digest('gpu-custom 417')}`;
  const infraImage = `registry.example.com/platform-os/infra-layered@${digest('infra-layered 417')}`;

  const base = [...baseConfigs(c, 'master', r32.version), ...baseConfigs(c, 'worker', r32.version)];
  const gpuMc = userConfig(c, 'gpu-os-image', 'gpu', { osImageURL: gpuImage }, '2025-06-02T10:14:00Z');
  const configs = [...base, gpuMc];
  const pools = {
    master: poolObject(c, { name: 'master', roles: ['master'] }),
    worker: poolObject(c, { name: 'worker', roles: ['worker'], maxUnavailable: 1 }),
    infra: poolObject(c, { name: 'infra', roles: ['worker', 'infra'], maxUnavailable: 1 }),
    gpu: poolObject(c, { name: 'gpu', roles: ['worker', 'gpu'], maxUnavailable: 1 }),
  };
  const created = r32.completed;
  const renders = Object.fromEntries(
    Object.entries(pools).map(([n, p]) => [n, rendered(p, configs, r32, '2025-08-04T08:10:12Z')]),
  );
  const mosc: K8sObject = {
    apiVersion: 'machineconfiguration.openshift.io/v1alpha1',
    kind: 'MachineOSConfig',
    metadata: { name: 'infra', uid: uid(`${c} mosc infra`), generation: 1, creationTimestamp: '2025-04-02T13:20:00Z' },
    spec: {
      machineConfigPool: { name: 'infra' },
      buildInputs: {
        baseImagePullSecret: { name: 'global-pull-secret-copy' },
        renderedImagePushSecret: { name: 'infra-os-images-push' },
        renderedImagePushspec: 'registry.example.com/platform-os/infra-layered:latest',
        imageBuilder: { imageBuilderType: 'PodImageBuilder' },
        containerFile: [
          { containerfileArch: 'noarch', content: 'FROM configs AS final\nRUN rpm-ostree install tmux strace && \\\n    ostree container commit' },
        ],
      },
      buildOutputs: { currentImagePullSecret: { name: 'infra-os-images-pull' } },
    },
    status: { observedGeneration: 1, currentImagePullspec: infraImage },
  };
  const infraRender = renders.infra.configuration.name;
  const buildName = `infra-${infraRender}-builder`;
  const mosb: K8sObject = {
    apiVersion: 'machineconfiguration.openshift.io/v1alpha1',
    kind: 'MachineOSBuild',
    metadata: { name: buildName, uid: uid(`${c} mosb ${buildName}`), generation: 1, creationTimestamp: '2025-08-04T08:10:20Z' },
    spec: {
      configGeneration: 1,
      version: 1,
      desiredConfig: { name: infraRender },
      machineOSConfig: { name: 'infra' },
      renderedImagePushspec: 'registry.example.com/platform-os/infra-layered:latest',
    },
    status: {
      buildStart: '2025-08-04T08:10:20Z',
      buildEnd: '2025-08-04T08:21:02Z',
      builderReference: {
        imageBuilderType: 'PodImageBuilder',
        buildPod: { group: '', resource: '', namespace: MCO_NAMESPACE, name: `build-${infraRender}` },
      },
      conditions: [
        { type: 'Prepared', status: 'False', reason: 'Prepared', message: 'Build Prepared and Pending', lastTransitionTime: '2025-08-04T08:10:31Z' },
        { type: 'Building', status: 'False', reason: 'Building', message: 'Image Build In Progress', lastTransitionTime: '2025-08-04T08:21:02Z' },
        { type: 'Failed', status: 'False', reason: 'Failed', message: 'Build Failed', lastTransitionTime: '2025-08-04T08:10:20Z' },
        { type: 'Interrupted', status: 'False', reason: 'Interrupted', message: 'Build Interrupted', lastTransitionTime: '2025-08-04T08:10:20Z' },
        { type: 'Succeeded', status: 'True', reason: 'Ready', message: 'Build Ready', lastTransitionTime: '2025-08-04T08:21:02Z' },
      ],
      finalImagePullspec: infraImage,
    },
  };
  const n = (name: string, roles: string[], ip: string, pool: string, extra: Partial<NodeDef> = {}) =>
    nodeObject(c, { name, roles, ip, current: renders[pool].configuration.name, osVersion: r32.rhcos, release: r32, created: '2025-02-10T09:14:02Z', readySince: '2025-08-04T08:40:19Z', ...extra });
  const nodes = [
    n('master-0', ['master'], '10.17.0.10', 'master'),
    n('master-1', ['master'], '10.17.0.11', 'master'),
    n('master-2', ['master'], '10.17.0.12', 'master'),
    n('worker-0', ['worker'], '10.17.1.20', 'worker'),
    n('worker-1', ['worker'], '10.17.1.21', 'worker'),
    n('infra-0', ['worker', 'infra'], '10.17.2.30', 'infra', { currentImage: infraImage, desiredImage: infraImage }),
    n('gpu-0', ['worker', 'gpu'], '10.17.3.40', 'gpu', { osVersion: r24.rhcos, release: r24 }),
  ];
  const moscView = readMosc(mosc);
  const poolsOut = Object.entries(pools).map(([name, p]) =>
    withStatus(
      p,
      renders[name].configuration,
      poolNodes(nodes, name),
      name === 'infra' ? { kind: 'layered', mosc: moscView, build: readMosb(mosb) } : { kind: 'none' },
      created,
      renders[name].configuration,
    ),
  );
  const dir = join(root, c);
  write(dir, {
    '00-clusterversion.yaml': { header: 'Cluster release 4.17.32 (after 4.17.28 and 4.17.24). Generated by states/generate.ts.', docs: [clusterVersion(c, 'stable-4.17', [r32, r28, r24], { available: [r36] })] },
    '01-configmap-machine-config-osimageurl.yaml': { header: `Release default RHCOS ${r32.rhcos}.`, docs: [osImageConfigMap(c, r32)] },
    '05-namespace-and-secrets.yaml': { header: 'Operator namespace; push/pull secrets hold no credentials.', docs: namespaceAndSecrets(c, ['global-pull-secret-copy', 'infra-os-images-push', 'infra-os-images-pull']) },
    '10-machineconfigpools.yaml': { header: 'master, worker (release default), infra (on-cluster layering, v1alpha1), gpu (pinned by gpu-os-image). All updated.', docs: poolsOut },
    '15-machineconfigs-base.yaml': { header: 'Template and installer MachineConfigs (bare Ignition, as in the shared samples).', docs: base },
    '20-machineconfigs-rendered.yaml': { header: 'Rendered configs, one per pool, names computed by the simulation.', docs: Object.values(renders).map(x => x.object) },
    '21-machineconfig-gpu-os-image.yaml': { header: `Out-of-cluster layered image for the gpu pool, built FROM 4.17.24's RHCOS (${r24.rhcos}):\ntwo releases behind the cluster. The override pins the pool across upgrades.`, docs: [gpuMc] },
    '30-machineosconfig-infra.yaml': { header: 'On-cluster layering for infra, v1alpha1 shape (4.17 TechPreview).', docs: [mosc] },
    '31-machineosbuild-infra.yaml': { header: '4.16/4.17 naming: <pool>-<rendered config>-builder; the build pod is build-<rendered config>.', docs: [mosb] },
    '40-nodes.yaml': { header: 'Seven nodes, all Done. gpu-0 reports the RHCOS build its pinned image was built FROM.', docs: nodes },
  });
  const images = [
    ...releaseImageRecords([r32, r28, r24, r36]),
    { image: gpuImage, base: rhcos(r24) },
    { image: infraImage, base: rhcos(r32), labels: { machineconfig: infraRender, machineconfigpool: 'infra', baseOSContainerImage: rhcos(r32), releaseversion: r32.version }, tags: ['registry.example.com/platform-os/infra-layered:latest'] },
  ];
  writeFileSync(join(dir, 'images.yaml'), `# Images the registry knows (release images, the pinned gpu image, the infra build). Generated.\n${stringify(imagesFile(images), { lineWidth: 0, aliasDuplicateObjects: false })}`);
  writeFileSync(join(dir, 'releases.yaml'), `# Release catalogue: the history plus 4.17.36 to upgrade to. Generated.\n${stringify({ releases: releaseRecords([r24, r28, r32, r36]) }, { lineWidth: 0, aliasDuplicateObjects: false })}`);
}
