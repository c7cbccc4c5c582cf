/*
 * Pool views for tests and the dev app. The cluster, pool names, release
 * versions and RHCOS builds follow the shared sample scenario (OCP 4.18.21,
 * upgraded from 4.18.17); digests are made up and only have the right shape.
 */
import type {
  ClusterView,
  LayeringRequestRecord,
  NodeView,
  PoolDetail,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type {
  LayeringClusterDetail,
  LayeringReleaseInfo,
} from '../api/LayeringApi';

export const RELEASE_RHCOS = '418.94.202507221249-0';
export const PREVIOUS_RHCOS = '418.94.202506121335-0';
export const OLD_MINOR_RHCOS = '417.94.202502111105-0';
export const RELEASE_IMAGE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:5f1c3a8e7b9d2c4f6a8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a';
export const LAYERED_IMAGE =
  'registry.example.com/platform-os/infra-layered@sha256:b8ef41d2c7a95e3f0b6d8a1c4e7f2a9b5d3c6e8f1a4b7d0c2e5f8a1b4d7c0e3f';
export const CUSTOM_WORKER_IMAGE =
  'registry.example.com/platform-os/worker-custom@sha256:0c7e2f9a4b1d6c8e3f5a7b9d1c3e5f7a9b2d4c6e8f0a1b3c5d7e9f2a4b6c8d0e';

const base: PoolView = {
  cluster: 'ocp-418',
  name: 'master',
  paused: false,
  machineCount: 3,
  readyMachineCount: 3,
  updatedMachineCount: 3,
  degradedMachineCount: 0,
  conditions: [
    {
      type: 'Updated',
      status: 'True',
      message: 'All nodes are updated with MachineConfig rendered-master-6f2d',
      lastTransitionTime: '2025-07-24T10:12:00Z',
    },
    { type: 'Updating', status: 'False' },
    { type: 'Degraded', status: 'False' },
  ],
  renderedConfig: 'rendered-master-6f2d9c1e7a3b5d8f0c2e4a6b8d1f3a5c',
  layering: { mode: 'none', image: null },
  build: null,
  image: { target: RELEASE_IMAGE, baseRhcosVersion: RELEASE_RHCOS },
  release: { version: '4.18.21', rhcosVersion: RELEASE_RHCOS },
  drift: {
    status: 'in-sync',
    minorVersionsBehind: 0,
    releasesBehind: 0,
    ageDays: 0,
    matchedRelease: '4.18.21',
    reason: "The pool runs the release's default RHCOS image.",
  },
  rollout: { state: 'idle', updated: 3, total: 3 },
  nodeRhcosVersions: [{ rhcosVersion: RELEASE_RHCOS, count: 3 }],
  stale: false,
};

function pool(overrides: Partial<PoolView>): PoolView {
  return { ...base, ...overrides };
}

/** master: on the release default image. */
export const inSyncPool = pool({});

/** A pool whose image was built from a 4.17 RHCOS on a 4.18 cluster. */
export const behindMinorsPool = pool({
  name: 'edge',
  machineCount: 2,
  readyMachineCount: 2,
  updatedMachineCount: 2,
  renderedConfig: 'rendered-edge-1a2b3c4d5e6f',
  layering: {
    mode: 'out-of-cluster',
    source: 'os-layer-edge',
    image: CUSTOM_WORKER_IMAGE,
  },
  image: { target: CUSTOM_WORKER_IMAGE, baseRhcosVersion: OLD_MINOR_RHCOS },
  drift: {
    status: 'behind',
    minorVersionsBehind: 1,
    releasesBehind: null,
    ageDays: 161,
    matchedRelease: null,
    reason:
      'The image was built from RHCOS 4.17; rebase it onto the 4.18.21 base image.',
  },
  rollout: { state: 'idle', updated: 2, total: 2 },
  nodeRhcosVersions: [{ rhcosVersion: OLD_MINOR_RHCOS, count: 2 }],
});

/** worker: out-of-cluster image built FROM 4.18.17's RHCOS. */
export const behindReleasesPool = pool({
  name: 'worker',
  machineCount: 2,
  readyMachineCount: 2,
  updatedMachineCount: 2,
  renderedConfig: 'rendered-worker-9e8d7c6b5a4f',
  layering: {
    mode: 'out-of-cluster',
    source: 'os-layer-custom',
    image: CUSTOM_WORKER_IMAGE,
  },
  image: { target: CUSTOM_WORKER_IMAGE, baseRhcosVersion: PREVIOUS_RHCOS },
  drift: {
    status: 'behind',
    minorVersionsBehind: 0,
    releasesBehind: 1,
    ageDays: 40,
    matchedRelease: '4.18.17',
    reason:
      'The image is based on the RHCOS of 4.18.17, one release behind 4.18.21; rebase the image.',
  },
  rollout: { state: 'idle', updated: 2, total: 2 },
  nodeRhcosVersions: [{ rhcosVersion: PREVIOUS_RHCOS, count: 2 }],
});

/** A pool whose image labels could not be read. */
export const unknownPool = pool({
  name: 'gpu',
  machineCount: 1,
  readyMachineCount: 1,
  updatedMachineCount: 1,
  layering: {
    mode: 'out-of-cluster',
    source: 'os-layer-gpu',
    image:
      'registry.example.com/platform-os/gpu@sha256:1111111111111111111111111111111111111111111111111111111111111111',
  },
  image: {
    target:
      'registry.example.com/platform-os/gpu@sha256:1111111111111111111111111111111111111111111111111111111111111111',
    baseRhcosVersion: null,
  },
  drift: {
    status: 'unknown',
    minorVersionsBehind: null,
    releasesBehind: null,
    ageDays: null,
    reason:
      'The registry refused to serve the image labels (401); configure credentials for registry.example.com.',
  },
  rollout: { state: 'idle', updated: 1, total: 1 },
  nodeRhcosVersions: [{ rhcosVersion: null, count: 1 }],
});

/** A pool of a cluster the backend cannot reach: its data is stale. */
export const unreachablePool = pool({
  cluster: 'ocp-417',
  name: 'worker',
  release: { version: '4.17.30', rhcosVersion: '417.94.202505130914-0' },
  image: { target: null, baseRhcosVersion: '417.94.202505130914-0' },
  drift: {
    status: 'in-sync',
    minorVersionsBehind: 0,
    releasesBehind: 0,
    ageDays: 0,
    reason: "The pool runs the release's default RHCOS image.",
  },
  stale: true,
});

/** infra: paused, on-cluster layered, a new render waiting. */
export const pausedPool = pool({
  name: 'infra',
  paused: true,
  machineCount: 1,
  readyMachineCount: 0,
  updatedMachineCount: 0,
  conditions: [
    { type: 'Updated', status: 'False' },
    {
      type: 'Updating',
      status: 'True',
      reason: 'Paused',
      message: 'Pool is paused; will not update to rendered-infra-7c1d',
    },
    { type: 'Degraded', status: 'False' },
  ],
  renderedConfig: 'rendered-infra-7c1d3e5f',
  layering: { mode: 'on-cluster', source: 'infra', image: LAYERED_IMAGE },
  build: { name: 'infra-35bd0e5f1a2c4b6d8e9f0a1b2c3d4e5f', state: 'Succeeded' },
  image: { target: LAYERED_IMAGE, baseRhcosVersion: RELEASE_RHCOS },
  rollout: { state: 'paused', updated: 0, total: 1 },
  nodeRhcosVersions: [{ rhcosVersion: RELEASE_RHCOS, count: 1 }],
});

/** A pool with a node that failed to apply its config. */
export const degradedPool = pool({
  name: 'worker',
  machineCount: 3,
  readyMachineCount: 1,
  updatedMachineCount: 1,
  degradedMachineCount: 1,
  conditions: [
    { type: 'Updated', status: 'False' },
    { type: 'Updating', status: 'True' },
    {
      type: 'NodeDegraded',
      status: 'True',
      reason: '1 nodes are reporting degraded status on sync',
      message: 'Node worker-2 is reporting: "failed to pull image"',
    },
    { type: 'Degraded', status: 'True' },
  ],
  rollout: { state: 'degraded', updated: 1, total: 3 },
  nodeRhcosVersions: [
    { rhcosVersion: RELEASE_RHCOS, count: 1 },
    { rhcosVersion: PREVIOUS_RHCOS, count: 2 },
  ],
});

/** infra after a Containerfile change: the build is running. */
export const buildingPool = pool({
  name: 'infra',
  machineCount: 1,
  readyMachineCount: 1,
  updatedMachineCount: 0,
  layering: { mode: 'on-cluster', source: 'infra', image: LAYERED_IMAGE },
  build: { name: 'infra-08dc4f2a6b8c0e1d3f5a7b9c1d3e5f7a', state: 'Building' },
  image: { target: LAYERED_IMAGE, baseRhcosVersion: RELEASE_RHCOS },
  rollout: { state: 'building', updated: 0, total: 1 },
  nodeRhcosVersions: [{ rhcosVersion: RELEASE_RHCOS, count: 1 }],
});

/** infra after a Containerfile that cannot build. */
export const failedBuildPool = pool({
  name: 'infra',
  machineCount: 1,
  readyMachineCount: 1,
  updatedMachineCount: 1,
  conditions: [
    { type: 'Updated', status: 'False' },
    {
      type: 'ImageBuildDegraded',
      status: 'True',
      reason: 'BuildFailed',
      message: 'Failed to build OS image for pool infra',
    },
    { type: 'Degraded', status: 'True' },
  ],
  layering: { mode: 'on-cluster', source: 'infra', image: LAYERED_IMAGE },
  build: { name: 'infra-4e6a8c0b2d4f6a8c0e2b4d6f8a0c2e4b', state: 'Failed' },
  image: { target: LAYERED_IMAGE, baseRhcosVersion: RELEASE_RHCOS },
  rollout: { state: 'degraded', updated: 1, total: 1 },
  nodeRhcosVersions: [{ rhcosVersion: RELEASE_RHCOS, count: 1 }],
});

export const okCluster: ClusterView = {
  name: 'ocp-418',
  status: 'ok',
  lastSync: '2025-07-24T10:15:00Z',
  release: {
    version: '4.18.21',
    baseImage: RELEASE_IMAGE,
    rhcosVersion: RELEASE_RHCOS,
  },
  machineOSConfigApiVersion: 'v1',
  singleNode: false,
};

export const unreachableCluster: ClusterView = {
  name: 'ocp-417',
  status: 'unreachable',
  error: 'connect ECONNREFUSED 127.0.0.1:6441',
  lastSync: '2025-07-24T09:02:00Z',
  release: {
    version: '4.17.30',
    baseImage: null,
    rhcosVersion: '417.94.202505130914-0',
  },
  machineOSConfigApiVersion: 'v1alpha1',
};

/** The cluster answer that holds a given pool. */
export function clusterWith(...pools: PoolView[]): LayeringClusterDetail {
  const cluster = pools[0]?.cluster ?? okCluster.name;
  const view =
    cluster === unreachableCluster.name ? unreachableCluster : okCluster;
  return { ...view, pools };
}

export const release: LayeringReleaseInfo = {
  cluster: 'ocp-418',
  status: 'ok',
  stale: false,
  version: '4.18.21',
  baseImage: RELEASE_IMAGE,
  rhcosVersion: RELEASE_RHCOS,
  history: [
    {
      version: '4.18.21',
      image:
        'quay.io/openshift-release-dev/ocp-release@sha256:2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a',
      state: 'Completed',
      rhcosVersion: RELEASE_RHCOS,
    },
    {
      version: '4.18.17',
      image:
        'quay.io/openshift-release-dev/ocp-release@sha256:7e9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a',
      state: 'Completed',
      rhcosVersion: PREVIOUS_RHCOS,
    },
  ],
};

export const openRequest: LayeringRequestRecord = {
  id: 'req-1',
  cluster: 'ocp-418',
  pool: 'worker',
  kind: 'rebase',
  delivery: 'pull-request',
  pullRequestUrl: 'https://github.com/example/cluster-config/pull/42',
  taskId: 'task-1',
  requestedBy: 'user:default/guest',
  createdAt: '2025-07-25T08:00:00Z',
  outcome: 'opened',
  summary: 'Rebase worker onto 4.18.21',
};

export const appliedRequest: LayeringRequestRecord = {
  id: 'req-0',
  cluster: 'ocp-418',
  pool: 'worker',
  kind: 'out-of-cluster-layer',
  delivery: 'direct',
  pullRequestUrl: null,
  taskId: 'task-0',
  requestedBy: 'user:default/guest',
  createdAt: '2025-06-20T08:00:00Z',
  outcome: 'applied',
  summary: 'Add the custom worker image',
};

const nodes: NodeView[] = [
  {
    name: 'worker-0',
    currentConfig: 'rendered-worker-9e8d7c6b5a4f',
    desiredConfig: 'rendered-worker-9e8d7c6b5a4f',
    state: 'Done',
    reason: null,
    currentImage: null,
    desiredImage: null,
    rhcosVersion: PREVIOUS_RHCOS,
    ready: true,
    unschedulable: false,
  },
  {
    name: 'worker-1',
    currentConfig: 'rendered-worker-1f2e3d4c5b6a',
    desiredConfig: 'rendered-worker-9e8d7c6b5a4f',
    state: 'Working',
    reason: null,
    currentImage: null,
    desiredImage: null,
    rhcosVersion: RELEASE_RHCOS,
    ready: false,
    unschedulable: true,
  },
  {
    name: 'worker-2',
    currentConfig: 'rendered-worker-1f2e3d4c5b6a',
    desiredConfig: 'rendered-worker-9e8d7c6b5a4f',
    state: 'Degraded',
    reason: 'failed to pull image: unauthorized',
    currentImage: null,
    desiredImage: null,
    rhcosVersion: RELEASE_RHCOS,
    ready: true,
    unschedulable: false,
  },
];

/** worker half-rolled with one degraded node and a build history. */
export const poolDetail: PoolDetail = {
  ...degradedPool,
  nodes,
  builds: [
    {
      name: 'worker-08dc4f2a6b8c0e1d3f5a7b9c1d3e5f7a',
      state: 'Failed',
      start: '2025-07-25T09:00:00Z',
      end: '2025-07-25T09:07:30Z',
      image: null,
      renderedConfig: 'rendered-worker-9e8d7c6b5a4f',
    },
    {
      name: 'worker-35bd0e5f1a2c4b6d8e9f0a1b2c3d4e5f',
      state: 'Succeeded',
      start: '2025-07-24T09:00:00Z',
      end: '2025-07-24T09:12:05Z',
      image: LAYERED_IMAGE,
      renderedConfig: 'rendered-worker-1f2e3d4c5b6a',
    },
  ],
};
