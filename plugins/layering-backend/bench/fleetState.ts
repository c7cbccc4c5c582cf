/*
 * Objects of a synthetic OpenShift cluster for the benchmark: a 4.18.21 release, a master pool,
 * a worker pool and custom pools up to `pools`, and `nodes` nodes spread over them. The embedded
 * cluster's MCO simulation renders the pools and rolls the nodes onto the renders.
 *
 * Image digests, build IDs and versions follow the shape of the shared sample scenario
 * (/work/shared/openshift-api/samples), they are made up.
 */
import { createHash } from 'node:crypto';

const MCO = 'machineconfiguration.openshift.io';

export const RELEASE = {
  version: '4.18.21',
  image:
    'quay.io/openshift-release-dev/ocp-release@sha256:62a30cdc187d72882d8a5b5986880f06d7388d77b492905fa69ff4093ee7b675',
  rhcosImage:
    'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56',
  extensionsImage:
    'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:439afea348b9526b85243349d93122b8f59715d42cbf7044fbb3bb76f2a0a12e',
  rhcosVersion: '418.94.202507221249-0',
};

function uid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Pool names: master, worker, then pool-001 … */
export function poolNames(pools: number): string[] {
  const names = ['master', 'worker'];
  for (let i = 1; names.length < pools; i++) {
    names.push(`pool-${String(i).padStart(3, '0')}`);
  }
  return names;
}

/**
 * Objects of one synthetic cluster. With `rendered` (the rendered MachineConfigs of a cluster of
 * the same shape, by pool), the nodes start Done on their pool's render, so the simulation has
 * no rollout to play before the benchmark starts.
 */
export function syntheticCluster(options: {
  name: string;
  nodes: number;
  pools: number;
  rendered?: Map<string, Record<string, any>>;
}): object[] {
  const { name, nodes, pools, rendered } = options;
  const objects: object[] = [];
  const created = '2025-03-04T10:00:00Z';
  objects.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'openshift-machine-config-operator', uid: uid(`${name}/ns`) },
  });
  objects.push({
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version', uid: uid(`${name}/cv`), creationTimestamp: created },
    spec: {
      clusterID: uid(`${name}/cluster`),
      channel: 'stable-4.18',
      desiredUpdate: { version: RELEASE.version, image: RELEASE.image },
    },
    status: {
      observedGeneration: 1,
      versionHash: 'bench',
      availableUpdates: null,
      desired: { version: RELEASE.version, image: RELEASE.image, channels: ['stable-4.18'] },
      history: [
        {
          state: 'Completed',
          version: RELEASE.version,
          image: RELEASE.image,
          startedTime: '2025-07-29T09:02:11Z',
          completionTime: '2025-07-29T10:31:47Z',
          verified: true,
        },
      ],
    },
  });
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'machine-config-osimageurl',
      namespace: 'openshift-machine-config-operator',
      uid: uid(`${name}/cm`),
    },
    data: {
      baseOSContainerImage: RELEASE.rhcosImage,
      baseOSExtensionsContainerImage: RELEASE.extensionsImage,
      osImageURL: '',
      releaseVersion: RELEASE.version,
    },
  });
  for (const role of ['master', 'worker']) {
    objects.push({
      apiVersion: `${MCO}/v1`,
      kind: 'MachineConfig',
      metadata: {
        name: `00-${role}`,
        uid: uid(`${name}/mc/${role}`),
        labels: { [`${MCO}/role`]: role },
      },
      spec: { config: { ignition: { version: '3.4.0' } } },
    });
  }
  const names = poolNames(pools);
  for (const pool of names) {
    const builtIn = pool === 'master' || pool === 'worker';
    objects.push({
      apiVersion: `${MCO}/v1`,
      kind: 'MachineConfigPool',
      metadata: {
        name: pool,
        uid: uid(`${name}/pool/${pool}`),
        creationTimestamp: created,
        labels: builtIn
          ? { [`${MCO}/mco-built-in`]: '', [`pools.operator.${MCO}/${pool}`]: '' }
          : { [`pools.operator.${MCO}/${pool}`]: '' },
      },
      spec: {
        machineConfigSelector: builtIn
          ? { matchLabels: { [`${MCO}/role`]: pool } }
          : { matchExpressions: [{ key: `${MCO}/role`, operator: 'In', values: ['worker', pool] }] },
        nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${pool}`]: '' } },
        paused: false,
        maxUnavailable: '100%',
      },
    });
  }
  for (const [pool, mc] of rendered ?? []) {
    const poolUid = uid(`${name}/pool/${pool}`);
    objects.push({
      apiVersion: mc.apiVersion,
      kind: mc.kind,
      metadata: {
        name: mc.metadata.name,
        uid: uid(`${name}/rendered/${pool}`),
        annotations: mc.metadata.annotations,
        ownerReferences: [
          {
            apiVersion: `${MCO}/v1`,
            kind: 'MachineConfigPool',
            name: pool,
            uid: poolUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: mc.spec,
    });
  }
  const masters = Math.min(3, nodes);
  const others = names.filter(n => n !== 'master');
  for (let i = 0; i < nodes; i++) {
    const pool = i < masters ? 'master' : others[(i - masters) % others.length];
    const nodeName = `${pool}-${i}`;
    const labels: Record<string, string> = {
      'kubernetes.io/hostname': nodeName,
      'kubernetes.io/os': 'linux',
      [`node-role.kubernetes.io/${pool}`]: '',
    };
    if (pool !== 'master' && pool !== 'worker') {
      labels['node-role.kubernetes.io/worker'] = '';
    }
    const render = rendered?.get(pool)?.metadata?.name as string | undefined;
    const annotations: Record<string, string> = render
      ? {
          [`${MCO}/currentConfig`]: render,
          [`${MCO}/desiredConfig`]: render,
          [`${MCO}/state`]: 'Done',
          [`${MCO}/reason`]: '',
          [`${MCO}/desiredDrain`]: `uncordon-${render}`,
          [`${MCO}/lastAppliedDrain`]: `uncordon-${render}`,
          [`${MCO}/controlPlaneTopology`]: 'HighlyAvailable',
        }
      : {};
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName,
        uid: uid(`${name}/node/${i}`),
        creationTimestamp: created,
        labels,
        annotations,
      },
      spec: {},
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        nodeInfo: {
          architecture: 'amd64',
          operatingSystem: 'linux',
          osImage: `Red Hat Enterprise Linux CoreOS ${RELEASE.rhcosVersion}`,
          kubeletVersion: 'v1.31.10',
        },
      },
    });
  }
  return objects;
}

/** Images the synthetic cluster's registry knows. */
export const SYNTHETIC_IMAGES: Array<{ image: string; labels: Record<string, string> }> = [
  {
    image: RELEASE.rhcosImage,
    labels: {
      'org.opencontainers.image.version': RELEASE.rhcosVersion,
      version: RELEASE.rhcosVersion,
      'io.openshift.build.versions': `machine-os=${RELEASE.rhcosVersion}`,
    },
  },
  { image: RELEASE.extensionsImage, labels: { 'io.openshift.os.extensions': 'true' } },
];
