/*
 * The object builders of the state generator (see ../generate.ts): made-up digests and UUIDs of
 * the right shape, releases, ClusterVersion, the operator's ConfigMap, MachineConfigs, pools,
 * renders, nodes and pool status computed with the simulation's own functions, and the writers.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { K8sObject } from '../../src/store/types';
import { KEYS, MCO_NAMESPACE, MCO_V1, OS_IMAGE_CONFIGMAP } from '../../src/mco/constants';
import { RenderDefaults, renderPool } from '../../src/mco/render';
import { computePoolStatus, PoolLayering } from '../../src/mco/poolStatus';
import { osImageName } from '../../src/mco/nodeDaemon';

export const ART = 'quay.io/openshift-release-dev/ocp-v4.0-art-dev';
export const REL = 'quay.io/openshift-release-dev/ocp-release';
/** Controller version hash per release (the ocp-418 sample fixes the hash of 4.18.21). */
export const CONTROLLER_VERSION: Record<string, string> = {};

export const hex = (seed: string, algo = 'sha256') => createHash(algo).update(seed).digest('hex');
export const digest = (seed: string) => `sha256:${hex(seed)}`;
export const uid = (seed: string) => {
  const h = hex(`uid ${seed}`, 'sha1');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface Release {
  version: string;
  rhcos: string;
  kernel: string;
  kubelet: string;
  crio: string;
  started: string;
  completed: string;
}

export const payload = (r: Release) => `${REL}@${digest(`release ${r.version}`)}`;
export const rhcos = (r: Release) => `${ART}@${digest(`rhcos ${r.rhcos}`)}`;
export const extensions = (r: Release) => `${ART}@${digest(`extensions ${r.rhcos}`)}`;

export function rhcosImageRecord(r: Release) {
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

export function releaseRecords(releases: Release[]) {
  return releases.map(r => ({
    version: r.version,
    image: payload(r),
    rhcosImage: rhcos(r),
    extensionsImage: extensions(r),
  }));
}

export function releaseImageRecords(releases: Release[]) {
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

/** Updates a ClusterVersion offers: recommended ones, and conditional ones with their risks. */
export interface OfferedUpdates {
  available: Release[];
  conditional?: Array<{ release: Release; risks: Array<{ name: string; message: string; url: string }> }>;
}

export function clusterVersion(cluster: string, channel: string, history: Release[], offered?: OfferedUpdates): K8sObject {
  const current = history[0];
  const release = (r: Release) => ({ version: r.version, image: payload(r), channels: [channel] });
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
      availableUpdates: offered?.available.length ? offered.available.map(release) : null,
      ...(offered?.conditional?.length
        ? {
            conditionalUpdates: offered.conditional.map(u => ({
              release: release(u.release),
              risks: u.risks.map(risk => ({ ...risk, matchingRules: [{ type: 'Always' }] })),
              conditions: [
                {
                  type: 'Recommended',
                  status: 'False',
                  reason: u.risks.length === 1 ? u.risks[0].name : 'MultipleReasons',
                  message: u.risks.map(risk => `${risk.message} ${risk.url}`).join('\n\n'),
                  lastTransitionTime: current.completed,
                },
              ],
            })),
          }
        : {}),
      conditions: [
        { type: 'RetrievedUpdates', status: 'True', lastTransitionTime: '2025-02-10T09:15:02Z' },
        { type: 'Available', status: 'True', lastTransitionTime: '2025-02-10T09:52:31Z', message: `Done applying ${current.version}` },
        { type: 'Failing', status: 'False', lastTransitionTime: current.completed },
        { type: 'Progressing', status: 'False', lastTransitionTime: current.completed, message: `Cluster version is ${current.version}` },
      ],
    },
  };
}

export function osImageConfigMap(cluster: string, r: Release): K8sObject {
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

export function defaultsOf(r: Release): RenderDefaults {
  return { baseOSContainerImage: rhcos(r), baseOSExtensionsContainerImage: extensions(r), releaseVersion: r.version };
}

export function namespaceAndSecrets(cluster: string, secrets: string[]): K8sObject[] {
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
export function baseConfigs(cluster: string, role: string, releaseForVersion: string, bare = false): K8sObject[] {
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

export function controllerVersion(release: string): string {
  CONTROLLER_VERSION[release] = CONTROLLER_VERSION[release] ?? hex(`mco ${release}`, 'sha1');
  return CONTROLLER_VERSION[release];
}

export function userConfig(cluster: string, name: string, role: string, spec: Record<string, unknown>, created: string): K8sObject {
  return {
    apiVersion: MCO_V1,
    kind: 'MachineConfig',
    metadata: { name, uid: uid(`${cluster} mc ${name}`), creationTimestamp: created, labels: { [KEYS.role]: role } },
    spec,
  };
}

export interface PoolDef {
  name: string;
  roles: string[];
  builtIn?: boolean;
  paused?: boolean;
  maxUnavailable?: number | string;
}

export function poolObject(cluster: string, def: PoolDef): K8sObject {
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
export function rendered(pool: K8sObject, configs: K8sObject[], r: Release, created: string) {
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

export interface NodeDef {
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

export function nodeObject(cluster: string, d: NodeDef): K8sObject {
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

export function withStatus(pool: K8sObject, configuration: unknown, nodes: K8sObject[], layering: PoolLayering, since: string, completed: unknown): K8sObject {
  const p = structuredClone(pool);
  (p.spec as Record<string, unknown>).configuration = configuration;
  p.status = { configuration: completed };
  const status = computePoolStatus({ pool: p, nodes, layering, now: since });
  p.status = status;
  return p;
}

export function poolNodes(nodes: K8sObject[], pool: string): K8sObject[] {
  return nodes.filter(n => {
    const roles = Object.keys(n.metadata.labels ?? {}).filter(l => l.startsWith('node-role.kubernetes.io/')).map(l => l.split('/')[1]);
    if (pool === 'master') return roles.includes('master');
    const custom = roles.filter(r => !['master', 'worker', 'control-plane'].includes(r));
    if (pool === 'worker') return roles.includes('worker') && !roles.includes('master') && custom.length === 0;
    return roles.includes(pool) && !roles.includes('master');
  });
}

export function write(dir: string, files: Record<string, { header: string; docs: unknown[] }>) {
  mkdirSync(dir, { recursive: true });
  for (const [file, { header, docs }] of Object.entries(files)) {
    const body = docs.map(d => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
    writeFileSync(join(dir, file), `${header.split('\n').map(l => `# ${l}`.trimEnd()).join('\n')}\n${body}`);
  }
}

export function imagesFile(records: Array<Record<string, unknown>>) {
  return {
    images: records.map(({ comment: _c, ...r }) => r),
  };
}
