// Pools and nodes of the request preview tests (the rules and the component), built on the pool
// fixtures of pools.ts.
import type {
  NodeView,
  PoolDetail,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import {
  behindMinorsPool,
  behindReleasesPool,
  buildingPool,
  inSyncPool,
  LAYERED_IMAGE,
  pausedPool,
  poolDetail,
} from './pools';

/** worker, healthy, with the three nodes of the fixture detail. */
export const healthyWorker: PoolDetail = {
  ...poolDetail,
  ...behindReleasesPool,
  machineCount: 3,
};
export const infraInheriting: PoolView = {
  ...pausedPool,
  selectedRoles: ['worker', 'infra'],
};
export const edgeOwnRole: PoolView = {
  ...inSyncPool,
  name: 'edge',
  selectedRoles: ['edge'],
};
/** A custom pool with an osImageURL MachineConfig of its own role. */
export const edgeOwnImage: PoolView = {
  ...behindMinorsPool,
  selectedRoles: ['worker', 'edge'],
};
/** A custom pool that inherits worker and has no layering of its own. */
export const dbInheriting: PoolView = {
  ...inSyncPool,
  name: 'db',
  selectedRoles: ['worker', 'db'],
};
/** infra, on-cluster layered, not paused, its last build done. */
export const infraLayered: PoolDetail = {
  ...buildingPool,
  build: { name: 'infra-35bd0e5f1a2c4b6d8e9f0a1b2c3d4e5f', state: 'Succeeded' },
  selectedRoles: ['worker', 'infra'],
  nodes: [],
  builds: [],
};

/** The render worker is paused on, and the one its nodes still run. */
export const NEW_WORKER_RENDER = 'rendered-worker-4b6d8f0a2c4e';
const OLD_WORKER_RENDER = 'rendered-worker-9e8d7c6b5a4f';
export const NEW_INFRA_RENDER = 'rendered-infra-7c1d3e5f';
const OLD_INFRA_RENDER = 'rendered-infra-2a4c6e8f';

/** A node of a pool view, on `current` and told to go to `desired`. */
export function node(
  name: string,
  current: string,
  desired: string,
  images?: { current: string | null; desired: string | null },
): NodeView {
  return {
    name,
    currentConfig: current,
    desiredConfig: desired,
    state: current === desired ? 'Done' : 'Working',
    reason: null,
    currentImage: images?.current ?? null,
    desiredImage: images?.desired ?? null,
    rhcosVersion: null,
    ready: true,
    unschedulable: false,
  };
}

/** worker, paused, out-of-cluster: one node on the new render, two waiting for it. */
export const pausedWorker: PoolDetail = {
  ...behindReleasesPool,
  paused: true,
  machineCount: 3,
  readyMachineCount: 1,
  updatedMachineCount: 1,
  renderedConfig: NEW_WORKER_RENDER,
  rollout: { state: 'paused', updated: 1, total: 3 },
  nodes: [
    node('worker-0', NEW_WORKER_RENDER, NEW_WORKER_RENDER),
    node('worker-1', OLD_WORKER_RENDER, OLD_WORKER_RENDER),
    node('worker-2', OLD_WORKER_RENDER, OLD_WORKER_RENDER),
  ],
  builds: [],
};
/** The same pool once every node is on the render. */
export const upToDateWorker: PoolDetail = {
  ...pausedWorker,
  updatedMachineCount: 3,
  readyMachineCount: 3,
  rollout: { state: 'idle', updated: 3, total: 3 },
  nodes: pausedWorker.nodes.map(n => ({
    ...n,
    currentConfig: NEW_WORKER_RENDER,
    desiredConfig: NEW_WORKER_RENDER,
    state: 'Done',
  })),
};
/** worker, running, mid-roll-out: worker-1 is updating, worker-2 not told yet. */
export const rollingWorker: PoolDetail = {
  ...pausedWorker,
  paused: false,
  rollout: { state: 'rolling', updated: 1, total: 3 },
  nodes: [
    pausedWorker.nodes[0],
    node('worker-1', OLD_WORKER_RENDER, NEW_WORKER_RENDER),
    pausedWorker.nodes[2],
  ],
};
export const onImage = { current: LAYERED_IMAGE, desired: LAYERED_IMAGE };
/** infra, on-cluster, running: a new render is being built for its two nodes. */
export const infraBuilding: PoolDetail = {
  ...buildingPool,
  machineCount: 2,
  updatedMachineCount: 0,
  renderedConfig: NEW_INFRA_RENDER,
  selectedRoles: ['infra'],
  nodes: [
    node('infra-0', OLD_INFRA_RENDER, OLD_INFRA_RENDER, onImage),
    node('infra-1', OLD_INFRA_RENDER, OLD_INFRA_RENDER, onImage),
  ],
  builds: [],
};

/** The cluster and pool every preview test asks about. */
export const target = { cluster: 'ocp-418', pool: 'worker' };
