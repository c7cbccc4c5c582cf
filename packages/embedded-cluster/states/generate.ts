/**
 * Writes the `ocp-417`, `ocp-419` and `sno-419` states (and the generated extras of `ocp-418`)
 * from the descriptions below, computing rendered config names, build names and pool status with
 * the simulation's own functions, so every state is consistent by construction.
 *
 * Run: `yarn tsx states/generate.ts` inside packages/embedded-cluster. All digests, UUIDs, build
 * IDs and versions are made up; they only have the right shape.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { K8sObject } from '../src/store/types';
import { KEYS, MCO_NAMESPACE, MCO_V1, OS_IMAGE_CONFIGMAP } from '../src/mco/constants';
import { RenderDefaults, renderPool } from '../src/mco/render';
import { computePoolStatus, PoolLayering } from '../src/mco/poolStatus';
import { buildInputsKey, readMosb, readMosc, v1BuildName } from '../src/mco/machineOS';
import { osImageName } from '../src/mco/nodeDaemon';

const ART = 'quay.io/openshift-release-dev/ocp-v4.0-art-dev';
const REL = 'quay.io/openshift-release-dev/ocp-release';
const CONTROLLER_VERSION: Record<string, string> = {};

const hex = (seed: string, algo = 'sha256') => createHash(algo).update(seed).digest('hex');
const digest = (seed: string) => `sha256:${hex(seed)}`;
const uid = (seed: string) => {
  const h = hex(`uid ${seed}`, 'sha1');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

interface Release {
  version: string;
  rhcos: string;
  kernel: string;
  kubelet: string;
  crio: string;
  started: string;
  completed: string;
}

const payload = (r: Release) => `${REL}@${digest(`release ${r.version}`)}`;
const rhcos = (r: Release) => `${ART}@${digest(`rhcos ${r.rhcos}`)}`;
const extensions = (r: Release) => `${ART}@${digest(`extensions ${r.rhcos}`)}`;

function rhcosImageRecord(r: Release) {
  return {
    image: rhcos(r),
    labels: {
      'org.opencontainers.image.version': r.rhcos,
      version: r.rhcos,
      'io.openshift.build.versions': `machine-os=${r.rhcos}`,
      'ostree.linux': r.kernel,
      'containers.bootc': '1',
    },
  };
}

function releaseRecords(releases: Release[]) {
  return releases.map(r => ({
    version: r.version,
    image: payload(r),
    rhcosImage: rhcos(r),
    extensionsImage: extensions(r),
  }));
}

function releaseImageRecords(releases: Release[]) {
  return releases.flatMap(r => [
    { ...rhcosImageRecord(r), comment: `${r.version} release default RHCOS (${r.rhcos})` },
    { image: extensions(r), labels: { 'io.openshift.os.extensions': 'true', version: r.rhcos } },
    {
      image: payload(r),
      labels: { 'io.openshift.release': r.version },
      references: { 'rhel-coreos': rhcos(r), 'rhel-coreos-extensions': extensions(r) },
    },
  ]);
}

function clusterVersion(cluster: string, channel: string, history: Release[]): K8sObject {
  const current = history[0];
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version', uid: uid(`${cluster} cv`), generation: history.length + 1, creationTimestamp: '2025-02-10T09:12:44Z' },
    spec: {
      clusterID: uid(`${cluster} cluster id`),
      channel,
      desiredUpdate: { version: current.version, image: payload(current) },
    },
    status: {
      observedGeneration: history.length + 1,
      versionHash: Buffer.from(hex(`hash ${cluster} ${current.version}`).slice(0, 16), 'hex').toString('base64').slice(0, 12),
      desired: { version: current.version, image: payload(current), channels: [channel] },
      history: history.map(r => ({
        state: 'Completed',
        version: r.version,
        image: payload(r),
        startedTime: r.started,
        completionTime: r.completed,
        verified: true,
      })),
      availableUpdates: null,
      conditions: [
        { type: 'RetrievedUpdates', status: 'True', lastTransitionTime: '2025-02-10T09:15:02Z' },
        { type: 'Available', status: 'True', lastTransitionTime: '2025-02-10T09:52:31Z', message: `Done applying ${current.version}` },
        { type: 'Failing', status: 'False', lastTransitionTime: current.completed },
        { type: 'Progressing', status: 'False', lastTransitionTime: current.completed, message: `Cluster version is ${current.version}` },
      ],
    },
  };
}

function osImageConfigMap(cluster: string, r: Release): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: OS_IMAGE_CONFIGMAP,
      namespace: MCO_NAMESPACE,
      uid: uid(`${cluster} cm`),
      creationTimestamp: '2025-02-10T09:20:11Z',
      annotations: {
        'include.release.openshift.io/ibm-cloud-managed': 'true',
        'include.release.openshift.io/self-managed-high-availability': 'true',
        'include.release.openshift.io/single-node-developer': 'true',
      },
    },
    data: {
      baseOSContainerImage: rhcos(r),
      baseOSExtensionsContainerImage: extensions(r),
      osImageURL: '',
      releaseVersion: r.version,
    },
  };
}

function defaultsOf(r: Release): RenderDefaults {
  return { baseOSContainerImage: rhcos(r), baseOSExtensionsContainerImage: extensions(r), releaseVersion: r.version };
}

function namespaceAndSecrets(cluster: string, secrets: string[]): K8sObject[] {
  const emptyAuths = Buffer.from('{"auths":{}}').toString('base64');
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MCO_NAMESPACE, uid: uid(`${cluster} ns`) } },
    ...secrets.map(name => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: MCO_NAMESPACE, uid: uid(`${cluster} secret ${name}`) },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': emptyAuths },
    })),
  ];
}

/** The MCO's template configs and the installer's ssh config for a role (bare Ignition, as in the samples). */
function baseConfigs(cluster: string, role: string, releaseForVersion: string, bare = false): K8sObject[] {
  const generated = ['00', '01-ROLE-container-runtime', '01-ROLE-kubelet', '97-ROLE-generated-kubelet', '98-ROLE-generated-kubelet', '99-ROLE-generated-registries'];
  const names = generated.map(n => (n === '00' ? `00-${role}` : n.replace('ROLE', role)));
  const mc = (name: string, isGenerated: boolean): K8sObject => ({
    apiVersion: MCO_V1,
    kind: 'MachineConfig',
    metadata: {
      name,
      uid: uid(`${cluster} mc ${name}`),
      creationTimestamp: '2025-02-10T09:21:40Z',
      labels: { [KEYS.role]: role },
      ...(isGenerated ? { annotations: { [KEYS.generatedBy]: controllerVersion(releaseForVersion) } } : {}),
    },
    spec: {
      config:
        !bare && name === `01-${role}-kubelet`
          ? {
              ignition: { version: '3.4.0' },
              storage: {
                files: [
                  {
                    path: '/etc/kubernetes/kubelet.conf',
                    mode: 420,
                    overwrite: true,
                    contents: { source: `data:,%23%20kubelet%20configuration%20for%20role%20${role}%0A` },
                  },
                ],
              },
            }
          : { ignition: { version: '3.4.0' } },
    },
  });
  return [...names.map(n => mc(n, true)), mc(`99-${role}-ssh`, false)];
}

function controllerVersion(release: string): string {
  CONTROLLER_VERSION[release] = CONTROLLER_VERSION[release] ?? hex(`mco ${release}`, 'sha1');
  return CONTROLLER_VERSION[release];
}

function userConfig(cluster: string, name: string, role: string, spec: Record<string, unknown>, created: string): K8sObject {
  return {
    apiVersion: MCO_V1,
    kind: 'MachineConfig',
    metadata: { name, uid: uid(`${cluster} mc ${name}`), creationTimestamp: created, labels: { [KEYS.role]: role } },
    spec,
  };
}

interface PoolDef {
  name: string;
  roles: string[];
  builtIn?: boolean;
  paused?: boolean;
  maxUnavailable?: number | string;
}

function poolObject(cluster: string, def: PoolDef): K8sObject {
  const builtIn = def.name === 'master' || def.name === 'worker';
  return {
    apiVersion: MCO_V1,
    kind: 'MachineConfigPool',
    metadata: {
      name: def.name,
      uid: uid(`${cluster} pool ${def.name}`),
      generation: 1,
      creationTimestamp: builtIn ? '2025-02-10T09:21:38Z' : '2025-04-02T13:05:00Z',
      labels: {
        ...(builtIn ? { [`${'machineconfiguration.openshift.io'}/mco-built-in`]: '' } : {}),
        ...(def.name === 'master' ? { [KEYS.requiredForUpgrade]: '' } : {}),
        [`pools.operator.machineconfiguration.openshift.io/${def.name}`]: '',
      },
    },
    spec: {
      machineConfigSelector:
        def.roles.length === 1
          ? { matchLabels: { [KEYS.role]: def.roles[0] } }
          : { matchExpressions: [{ key: KEYS.role, operator: 'In', values: def.roles }] },
      nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${def.name}`]: '' } },
      paused: def.paused ?? false,
      ...(def.maxUnavailable !== undefined ? { maxUnavailable: def.maxUnavailable } : {}),
    },
  };
}

/** A rendered config object for a pool from the given configs and release. */
function rendered(pool: K8sObject, configs: K8sObject[], r: Release, created: string) {
  const result = renderPool(pool, configs, defaultsOf(r));
  const object: K8sObject = {
    apiVersion: MCO_V1,
    kind: 'MachineConfig',
    metadata: {
      name: result.name,
      uid: uid(`mc ${result.name}`),
      creationTimestamp: created,
      annotations: {
        [KEYS.generatedBy]: controllerVersion(r.version),
        [KEYS.releaseImageVersion]: r.version,
        ...(result.osImageOverridden ? { [KEYS.osImageUrlOverridden]: 'true' } : {}),
      },
      ownerReferences: [
        { apiVersion: MCO_V1, kind: 'MachineConfigPool', name: pool.metadata.name, uid: pool.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: result.spec as unknown as Record<string, unknown>,
  };
  return { object, configuration: { name: result.name, source: result.sources } };
}

interface NodeDef {
  name: string;
  roles: string[];
  ip: string;
  topology?: string;
  current: string;
  desired?: string;
  currentImage?: string;
  desiredImage?: string;
  state?: 'Done' | 'Working' | 'Degraded';
  reason?: string;
  /** drained for the desired config (Working, before the reboot) */
  drained?: boolean;
  osVersion: string;
  release: Release;
  created: string;
  readySince: string;
}

function nodeObject(cluster: string, d: NodeDef): K8sObject {
  const desired = d.desired ?? d.current;
  const cordoned = d.drained || d.state === 'Degraded';
  const drain = cordoned ? `drain-${desired}` : `uncordon-${d.current}`;
  const id = hex(`${cluster} node ${d.name}`, 'md5');
  const heartbeat = '2025-11-20T08:45:00Z';
  const cond = (type: string, status: string, reason: string, message: string, since: string) => ({
    type, status, reason, message, lastHeartbeatTime: heartbeat, lastTransitionTime: since,
  });
  const isMaster = d.roles.includes('master');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: d.name,
      uid: uid(`${cluster} node ${d.name}`),
      creationTimestamp: d.created,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': d.name,
        'kubernetes.io/os': 'linux',
        ...(isMaster ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        ...Object.fromEntries(d.roles.map(r => [`node-role.kubernetes.io/${r}`, ''])),
        'node.openshift.io/os_id': 'rhcos',
      },
      annotations: {
        [KEYS.controlPlaneTopology]: d.topology ?? 'HighlyAvailable',
        [KEYS.currentConfig]: d.current,
        [KEYS.desiredConfig]: desired,
        ...(d.currentImage ? { [KEYS.currentImage]: d.currentImage } : {}),
        ...(d.desiredImage ? { [KEYS.desiredImage]: d.desiredImage } : {}),
        [KEYS.desiredDrain]: drain,
        [KEYS.lastAppliedDrain]: drain,
        'machineconfiguration.openshift.io/lastObservedServerCAAnnotation': 'false',
        [KEYS.postConfigAction]: '',
        [KEYS.reason]: d.reason ?? '',
        [KEYS.state]: d.state ?? 'Done',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      ...(cordoned ? { unschedulable: true } : {}),
      ...(isMaster || cordoned
        ? {
            taints: [
              ...(isMaster && !d.roles.includes('worker') ? [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] : []),
              ...(cordoned ? [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2025-11-20T08:31:40Z' }] : []),
            ],
          }
        : {}),
    },
    status: {
      addresses: [{ type: 'InternalIP', address: d.ip }, { type: 'Hostname', address: d.name }],
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', d.created),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', d.created),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', d.created),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', d.readySince),
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: uid(`${cluster} boot ${d.name} ${d.current} ${d.currentImage ?? ''}`),
        containerRuntimeVersion: d.release.crio,
        kernelVersion: d.release.kernel,
        kubeletVersion: d.release.kubelet,
        machineID: id,
        operatingSystem: 'linux',
        osImage: osImageName(d.osVersion),
        systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
      },
    },
  };
}

function withStatus(pool: K8sObject, configuration: unknown, nodes: K8sObject[], layering: PoolLayering, since: string, completed: unknown): K8sObject {
  const p = structuredClone(pool);
  (p.spec as Record<string, unknown>).configuration = configuration;
  p.status = { configuration: completed };
  const status = computePoolStatus({ pool: p, nodes, layering, now: since });
  p.status = status;
  return p;
}

function poolNodes(nodes: K8sObject[], pool: string): K8sObject[] {
  return nodes.filter(n => {
    const roles = Object.keys(n.metadata.labels ?? {}).filter(l => l.startsWith('node-role.kubernetes.io/')).map(l => l.split('/')[1]);
    if (pool === 'master') return roles.includes('master');
    const custom = roles.filter(r => !['master', 'worker', 'control-plane'].includes(r));
    if (pool === 'worker') return roles.includes('worker') && !roles.includes('master') && custom.length === 0;
    return roles.includes(pool) && !roles.includes('master');
  });
}

function write(dir: string, files: Record<string, { header: string; docs: unknown[] }>) {
  mkdirSync(dir, { recursive: true });
  for (const [file, { header, docs }] of Object.entries(files)) {
    const body = docs.map(d => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
    writeFileSync(join(dir, file), `${header.split('\n').map(l => `# ${l}`.trimEnd()).join('\n')}\n${body}`);
  }
}

function imagesFile(records: Array<Record<string, unknown>>) {
  return {
    images: records.map(({ comment: _c, ...r }) => r),
  };
}

// ===============================================================================================
// ocp-417: 4.17.32, MachineOSConfig/MachineOSBuild v1alpha1. infra: on-cluster layered (v1alpha1);
// gpu: pinned by an osImageURL MachineConfig whose image was built FROM 4.17.24's RHCOS, two
// releases behind.

function ocp417(root: string) {
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
    '00-clusterversion.yaml': { header: 'Cluster release 4.17.32 (after 4.17.28 and 4.17.24). Generated by states/generate.ts.', docs: [clusterVersion(c, 'stable-4.17', [r32, r28, r24])] },
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

// ===============================================================================================
// ocp-419: 4.19.17, v1, RHEL-style RHCOS IDs. infra: on-cluster layered, rolling out a rebuilt
// image (Containerfile changed). edge: pinned to a broken image; edge-0 degraded.

function ocp419(root: string, sno: boolean) {
  const c = sno ? 'sno-419' : 'ocp-419';
  const r14: Release = { version: '4.19.14', rhcos: '9.6.20250925-0', kernel: '5.14.0-570.45.1.el9_6.x86_64', kubelet: 'v1.32.8', crio: 'cri-o://1.32.8-2.rhaos4.19.git3f1e5b2.el9', started: '2025-10-01T09:00:12Z', completed: '2025-10-01T10:24:40Z' };
  const r17: Release = { version: '4.19.17', rhcos: '9.6.20251023-0', kernel: '5.14.0-570.52.1.el9_6.x86_64', kubelet: 'v1.32.9', crio: 'cri-o://1.32.9-3.rhaos4.19.gitb27c9d0.el9', started: '2025-10-29T08:15:03Z', completed: '2025-10-29T09:47:51Z' };
  const r20: Release = { version: '4.19.20', rhcos: '9.6.20251118-0', kernel: '5.14.0-570.60.1.el9_6.x86_64', kubelet: 'v1.32.10', crio: 'cri-o://1.32.10-1.rhaos4.19.git5a0d3c7.el9', started: '', completed: '' };
  const r420: Release = { version: '4.20.5', rhcos: '9.6.20251112-0', kernel: '5.14.0-570.58.1.el9_6.x86_64', kubelet: 'v1.33.5', crio: 'cri-o://1.33.5-2.rhaos4.20.git9e2c4f1.el9', started: '', completed: '' };
  const dir = join(root, c);
  const cv = clusterVersion(c, 'stable-4.19', [r17, r14]);
  const cm = osImageConfigMap(c, r17);

  if (sno) {
    const base = [...baseConfigs(c, 'master', r17.version), ...baseConfigs(c, 'worker', r17.version)];
    const pools = { master: poolObject(c, { name: 'master', roles: ['master'] }), worker: poolObject(c, { name: 'worker', roles: ['worker'] }) };
    const renders = Object.fromEntries(Object.entries(pools).map(([n, p]) => [n, rendered(p, base, r17, '2025-10-29T09:05:40Z')]));
    const nodes = [
      nodeObject(c, { name: 'sno-0', roles: ['master', 'worker'], ip: '10.19.9.10', topology: 'SingleReplica', current: renders.master.configuration.name, osVersion: r17.rhcos, release: r17, created: '2025-03-11T14:02:10Z', readySince: '2025-10-29T09:31:12Z' }),
    ];
    const poolsOut = Object.entries(pools).map(([name, p]) =>
      withStatus(p, renders[name].configuration, name === 'master' ? nodes : [], { kind: 'none' }, r17.completed, renders[name].configuration),
    );
    write(dir, {
      '00-clusterversion.yaml': { header: 'Single-node cluster, release 4.19.17 (after 4.19.14). Generated by states/generate.ts.', docs: [cv] },
      '01-configmap-machine-config-osimageurl.yaml': { header: `Release default RHCOS ${r17.rhcos}.`, docs: [cm] },
      '05-namespace-and-secrets.yaml': { header: 'Operator namespace.', docs: namespaceAndSecrets(c, ['global-pull-secret-copy']) },
      '10-machineconfigpools.yaml': { header: 'master holds the only node (master + worker roles resolve to master); worker has none.', docs: poolsOut },
      '15-machineconfigs-base.yaml': { header: 'Template and installer MachineConfigs.', docs: base },
      '20-machineconfigs-rendered.yaml': { header: 'Rendered configs.', docs: Object.values(renders).map(x => x.object) },
      '40-nodes.yaml': { header: 'The single node: controlPlaneTopology SingleReplica.', docs: nodes },
    });
    writeFileSync(join(dir, 'images.yaml'), `# Release images. Generated.\n${stringify(imagesFile(releaseImageRecords([r17, r14, r20])), { lineWidth: 0, aliasDuplicateObjects: false })}`);
    writeFileSync(join(dir, 'releases.yaml'), `# Release catalogue. Generated.\n${stringify({ releases: releaseRecords([r14, r17, r20]) }, { lineWidth: 0, aliasDuplicateObjects: false })}`);
    return;
  }

  const base = [...baseConfigs(c, 'master', r17.version), ...baseConfigs(c, 'worker', r17.version)];
  const edgeImage = `registry.example.com/platform-os/edge-custom@${digest('edge-custom 419')}`;
  const edgeMc = userConfig(c, 'edge-os-image', 'edge', { osImageURL: edgeImage }, '2025-11-20T08:20:00Z');
  const pools = {
    master: poolObject(c, { name: 'master', roles: ['master'] }),
    worker: poolObject(c, { name: 'worker', roles: ['worker'], maxUnavailable: 1 }),
    infra: poolObject(c, { name: 'infra', roles: ['worker', 'infra'], maxUnavailable: 1 }),
    edge: poolObject(c, { name: 'edge', roles: ['worker', 'edge'], maxUnavailable: 1 }),
  };
  const renders = Object.fromEntries(Object.entries(pools).map(([n, p]) => [n, rendered(p, [...base, edgeMc], r17, '2025-10-29T09:05:40Z')]));
  const edgeOld = rendered(pools.edge, base, r17, '2025-10-29T09:05:40Z');
  // infra: the Containerfile changed (sysstat added), so build B replaced build A for the same render.
  const containerA = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit';
  const containerB = 'FROM configs AS final\nRUN dnf install -y tmux sysstat && \\\n    dnf clean all && \\\n    ostree container commit';
  const moscSpec = (content: string) => ({
    machineConfigPool: { name: 'infra' },
    imageBuilder: { imageBuilderType: 'Job' },
    baseImagePullSecret: { name: 'global-pull-secret-copy' },
    renderedImagePushSecret: { name: 'infra-os-images-push' },
    renderedImagePushSpec: 'registry.example.com/platform-os/infra-layered:latest',
    containerFile: [{ containerfileArch: 'NoArch', content }],
  });
  const infraPool = structuredClone(pools.infra);
  (infraPool.spec as Record<string, unknown>).configuration = renders.infra.configuration;
  const moscFor = (content: string): K8sObject => ({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineOSConfig',
    metadata: { name: 'infra', uid: uid(`${c} mosc infra`), generation: 2, creationTimestamp: '2025-10-30T10:00:00Z', annotations: {} },
    spec: moscSpec(content),
  });
  const buildA = v1BuildName('infra', buildInputsKey(infraPool, readMosc(moscFor(containerA)), renders.infra.object));
  const buildB = v1BuildName('infra', buildInputsKey(infraPool, readMosc(moscFor(containerB)), renders.infra.object));
  const imageA = `registry.example.com/platform-os/infra-layered@${digest(`infra ${buildA}`)}`;
  const imageB = `registry.example.com/platform-os/infra-layered@${digest(`infra ${buildB}`)}`;
  const mosc = moscFor(containerB);
  mosc.metadata.annotations = { [KEYS.currentMachineOSBuild]: buildB };
  mosc.status = {
    observedGeneration: 2,
    currentImagePullSpec: imageB,
    machineOSBuild: { group: 'machineconfiguration.openshift.io', resource: 'machineosbuilds', name: buildB },
  };
  const build = (name: string, image: string, start: string, end: string): K8sObject => ({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineOSBuild',
    metadata: {
      name,
      uid: uid(`${c} mosb ${name}`),
      generation: 1,
      creationTimestamp: start,
      labels: { [KEYS.machineOSConfigLabel]: 'infra', [KEYS.renderedConfigLabel]: renders.infra.configuration.name, [KEYS.targetPoolLabel]: 'infra' },
      annotations: { [KEYS.pushSecretAnnotation]: 'infra-os-images-push' },
      finalizers: ['foregroundDeletion'],
      ownerReferences: [{ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineOSConfig', name: 'infra', uid: mosc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      machineConfig: { name: renders.infra.configuration.name },
      machineOSConfig: { name: 'infra' },
      renderedImagePushSpec: `registry.example.com/platform-os/infra-layered:${name}`,
    },
    status: {
      buildStart: start,
      buildEnd: end,
      builder: { imageBuilderType: 'Job', job: { group: 'batch', resource: 'jobs', namespace: MCO_NAMESPACE, name: `build-${name}` } },
      conditions: [
        { type: 'Prepared', status: 'False', reason: 'Prepared', message: 'Build Prepared and Pending', lastTransitionTime: start },
        { type: 'Building', status: 'False', reason: 'Building', message: 'Image Build In Progress', lastTransitionTime: end },
        { type: 'Failed', status: 'False', reason: 'Failed', message: 'Build Failed', lastTransitionTime: start },
        { type: 'Interrupted', status: 'False', reason: 'Interrupted', message: 'Build Interrupted', lastTransitionTime: start },
        { type: 'Succeeded', status: 'True', reason: 'Ready', message: 'Build Ready', lastTransitionTime: end },
      ],
      digestedImagePushSpec: image,
    },
  });
  const mosbA = build(buildA, imageA, '2025-10-30T10:00:04Z', '2025-10-30T10:12:51Z');
  const mosbB = build(buildB, imageB, '2025-11-20T07:40:02Z', '2025-11-20T07:53:16Z');
  const n = (name: string, roles: string[], ip: string, pool: string, extra: Partial<NodeDef> = {}) =>
    nodeObject(c, { name, roles, ip, current: renders[pool].configuration.name, osVersion: r17.rhcos, release: r17, created: '2025-03-11T14:02:10Z', readySince: '2025-10-29T09:31:12Z', ...extra });
  const nodes = [
    n('master-0', ['master'], '10.19.0.10', 'master'),
    n('master-1', ['master'], '10.19.0.11', 'master'),
    n('master-2', ['master'], '10.19.0.12', 'master'),
    n('worker-0', ['worker'], '10.19.1.20', 'worker'),
    n('worker-1', ['worker'], '10.19.1.21', 'worker'),
    n('infra-0', ['worker', 'infra'], '10.19.2.30', 'infra', { currentImage: imageB, desiredImage: imageB, readySince: '2025-11-20T08:02:44Z' }),
    n('infra-1', ['worker', 'infra'], '10.19.2.31', 'infra', { currentImage: imageA, desiredImage: imageB, state: 'Working', drained: true }),
    n('edge-0', ['worker', 'edge'], '10.19.3.40', 'edge', {
      current: edgeOld.configuration.name,
      desired: renders.edge.configuration.name,
      state: 'Degraded',
      reason: `failed to boot OS image ${edgeImage}: the node fell back to its previous deployment (image marked broken)`,
      readySince: '2025-11-20T08:33:05Z',
    }),
    n('edge-1', ['worker', 'edge'], '10.19.3.41', 'edge', { current: edgeOld.configuration.name }),
  ];
  const layering = (name: string): PoolLayering =>
    name === 'infra' ? { kind: 'layered', mosc: readMosc(mosc), build: readMosb(mosbB) } : { kind: 'none' };
  const poolsOut = Object.entries(pools).map(([name, p]) =>
    withStatus(p, renders[name].configuration, poolNodes(nodes, name), layering(name), '2025-11-20T08:21:00Z',
      name === 'edge' ? edgeOld.configuration : renders[name].configuration),
  );
  write(dir, {
    '00-clusterversion.yaml': { header: 'Cluster release 4.19.17 (after 4.19.14). Generated by states/generate.ts.', docs: [cv] },
    '01-configmap-machine-config-osimageurl.yaml': { header: `Release default RHCOS ${r17.rhcos} (RHEL-style build ID).`, docs: [cm] },
    '05-namespace-and-secrets.yaml': { header: 'Operator namespace; push secret holds no credentials.', docs: namespaceAndSecrets(c, ['global-pull-secret-copy', 'infra-os-images-push']) },
    '10-machineconfigpools.yaml': { header: 'master, worker: updated. infra: rolling out a rebuilt layered image (infra-1 drained).\nedge: target render pins a broken image; edge-0 degraded, edge-1 waits (maxUnavailable 1).', docs: poolsOut },
    '15-machineconfigs-base.yaml': { header: 'Template and installer MachineConfigs.', docs: base },
    '20-machineconfigs-rendered.yaml': { header: 'Rendered configs: one per pool, plus the edge pool\'s previous render.', docs: [...Object.values(renders).map(x => x.object), edgeOld.object] },
    '21-machineconfig-edge-os-image.yaml': { header: 'Out-of-cluster layered image for the edge pool. The image is marked broken in images.yaml:\nnodes that boot it fall back and report Degraded.', docs: [edgeMc] },
    '30-machineosconfig-infra.yaml': { header: 'On-cluster layering for infra (v1). The Containerfile gained sysstat, so a new build replaced the old one.', docs: [mosc] },
    '31-machineosbuilds-infra.yaml': { header: 'Both builds succeeded; the newer one is being rolled out.', docs: [mosbA, mosbB] },
    '40-nodes.yaml': { header: 'Nine nodes.', docs: nodes },
  });
  const layered = (image: string, name: string) => ({
    image,
    base: rhcos(r17),
    labels: { machineconfig: renders.infra.configuration.name, machineconfigpool: 'infra', baseOSContainerImage: rhcos(r17) },
    tags: [`registry.example.com/platform-os/infra-layered:${name}`],
  });
  const images = [
    ...releaseImageRecords([r17, r14, r20, r420]),
    { image: edgeImage, base: rhcos(r14), broken: true },
    layered(imageA, buildA),
    layered(imageB, buildB),
  ];
  writeFileSync(join(dir, 'images.yaml'), `# Images the registry knows. The edge image is broken: booting it degrades the node. Generated.\n${stringify(imagesFile(images), { lineWidth: 0, aliasDuplicateObjects: false })}`);
  writeFileSync(join(dir, 'releases.yaml'), `# Release catalogue: history plus 4.19.20 and 4.20.5 (image pruning on build deletion) to upgrade to. Generated.\n${stringify({ releases: releaseRecords([r14, r17, r20, r420]) }, { lineWidth: 0, aliasDuplicateObjects: false })}`);
}

// ===============================================================================================
// ocp-418: the shared sample scenario (copied verbatim by the README's recipe) plus what the
// embedded cluster needs around it: namespace and secrets, the component MachineConfigs the
// pools' sources name, newer releases to upgrade to.

function ocp418Extras(root: string) {
  const c = 'ocp-418';
  const dir = join(root, c);
  const mcoHash = '0b110733f9c181833ec3a2a04df5026bbd1768a5';
  CONTROLLER_VERSION['4.18.21'] = mcoHash;
  const base = [
    ...baseConfigs(c, 'master', '4.18.21', true),
    ...baseConfigs(c, 'worker', '4.18.21', true),
    userConfig(c, '50-infra-chrony', 'infra', { config: { ignition: { version: '3.4.0' } } }, '2025-04-14T08:31:00Z'),
  ];
  const r24: Release = { version: '4.18.24', rhcos: '418.94.202509021131-0', kernel: '5.14.0-427.86.1.el9_4.x86_64', kubelet: 'v1.31.12', crio: '', started: '', completed: '' };
  const r199: Release = { version: '4.19.9', rhcos: '419.96.202508260946-0', kernel: '5.14.0-570.35.1.el9_6.x86_64', kubelet: 'v1.32.7', crio: '', started: '', completed: '' };
  write(dir, {
    '05-namespace-and-secrets.yaml': { header: 'Not in the shared samples: the operator namespace and the secrets MachineOSConfig/infra names\n(no credentials in them).', docs: namespaceAndSecrets(c, ['global-pull-secret-copy', 'infra-os-images-push']) },
    '15-machineconfigs-base.yaml': { header: 'Not in the shared samples: the component MachineConfigs that the pools\' spec/status.configuration.source\nname, with the bare Ignition header the sample renders carry (so re-rendering the same inputs\nreproduces the sample renders\' content).', docs: base },
  });
  const known = [
    { version: '4.18.17', image: `${REL}@sha256:a9979d080835bb2d5b872e5814862a42b13a791fbbd27ddbb3a3ea1bf147ccdd`, rhcosImage: `${ART}@sha256:2f0de3b7c1a94e5d8b6f7a3c9e1d2b4a6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a` },
    { version: '4.18.21', image: `${REL}@sha256:62a30cdc187d72882d8a5b5986880f06d7388d77b492905fa69ff4093ee7b675`, rhcosImage: `${ART}@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56`, extensionsImage: `${ART}@sha256:439afea348b9526b85243349d93122b8f59715d42cbf7044fbb3bb76f2a0a12e` },
  ];
  writeFileSync(join(dir, 'releases.yaml'), `# Release catalogue: the two releases of the sample history, plus 4.18.24 and 4.19.9 to upgrade to.\n# Generated by states/generate.ts.\n${stringify({ releases: [...known, ...releaseRecords([r24, r199])] }, { lineWidth: 0, aliasDuplicateObjects: false })}`);
  // images.yaml: the sample's list (kept as copied, up to the marker) plus the upgrade targets.
  const marker = '  # Not in the shared samples: the RHCOS, extensions and payload images of 4.18.24 and 4.19.9 (upgrade targets).';
  const current = readFileSync(join(dir, 'images.yaml'), 'utf8');
  const sample = current.includes(marker) ? current.slice(0, current.indexOf(marker)) : current;
  const added = stringify(imagesFile(releaseImageRecords([r24, r199])).images, { lineWidth: 0, aliasDuplicateObjects: false })
    .split('\n')
    .map(l => (l ? `  ${l}` : l))
    .join('\n');
  writeFileSync(join(dir, 'images.yaml'), `${sample.trimEnd()}\n${marker}\n${added}`);
}

const root = __dirname;
ocp418Extras(root);
ocp417(root);
ocp419(root, false);
ocp419(root, true);
