import type { K8sObject } from '../store/types';
import { KEYS, UNSCHEDULABLE_TAINT } from './constants';
import type { MosbView, MoscView } from './machineOS';
import { Condition, mergeConditions } from './util';

/** A node's MCO annotation (undefined when absent). */
export function nodeAnnotation(node: K8sObject, key: string): string | undefined {
  return node.metadata.annotations?.[key];
}

function condition(node: K8sObject, type: string): string | undefined {
  const conditions = ((node.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  return conditions.find(c => c.type === type)?.status;
}

/** The node is schedulable and healthy: Ready=True, no DiskPressure, network available. */
export function isNodeReady(node: K8sObject): boolean {
  return (
    condition(node, 'Ready') === 'True' &&
    condition(node, 'DiskPressure') !== 'True' &&
    condition(node, 'NetworkUnavailable') !== 'True' &&
    !(node.spec as { unschedulable?: boolean } | undefined)?.unschedulable
  );
}

/** currentConfig == desiredConfig, image annotations equal (or both absent), state Done. */
export function isNodeDone(node: K8sObject): boolean {
  const a = (k: string) => nodeAnnotation(node, k);
  return (
    a(KEYS.currentConfig) !== undefined &&
    a(KEYS.currentConfig) === a(KEYS.desiredConfig) &&
    a(KEYS.currentImage) === a(KEYS.desiredImage) &&
    a(KEYS.state) === 'Done'
  );
}

/** state Degraded or Unreconcilable. */
export function isNodeDegraded(node: K8sObject): boolean {
  const s = nodeAnnotation(node, KEYS.state);
  return s === 'Degraded' || s === 'Unreconcilable';
}

/** Not ready, or still working towards its desired config or image. */
export function isNodeUnavailable(node: K8sObject): boolean {
  return !isNodeReady(node) || !isNodeDone(node);
}

/**
 * Updated: done, on the pool's target config, and (layered pools) on the MachineOSConfig image.
 * `layeredImage` is undefined for a pool without on-cluster layering.
 */
export function isNodeUpdated(
  node: K8sObject,
  target: string | undefined,
  layered: { image?: string } | undefined,
): boolean {
  if (!isNodeDone(node)) return false;
  if (nodeAnnotation(node, KEYS.desiredConfig) !== target) return false;
  if (layered && nodeAnnotation(node, KEYS.desiredImage) !== layered.image) return false;
  return true;
}

/** On-cluster layering state of a pool, as the status computation needs it. */
export type PoolLayering =
  | { kind: 'none' }
  | { kind: 'removed' }
  | { kind: 'layered'; mosc: MoscView; build?: MosbView };

/** Inputs of {@link computePoolStatus}. */
export interface PoolStatusInput {
  pool: K8sObject;
  nodes: K8sObject[];
  /** Why the last render failed, if it did. */
  renderError?: string;
  layering: PoolLayering;
  now: string;
}

/** Whether the pool still waits for an image build of its current target. */
export function buildPending(layering: PoolLayering): boolean {
  if (layering.kind !== 'layered') return false;
  const b = layering.build;
  return !(b && b.phase === 'Succeeded' && b.digest !== undefined && b.digest === layering.mosc.currentImage);
}

/**
 * The pool status the MCO computes from node annotations (FACTS §2.2): counters, conditions,
 * `status.configuration` (copied from spec once every node finished), observedGeneration.
 */
export function computePoolStatus(input: PoolStatusInput): Record<string, unknown> {
  const { pool, nodes, renderError, layering, now } = input;
  const name = pool.metadata.name;
  const spec = (pool.spec ?? {}) as { paused?: boolean; configuration?: { name?: string } };
  const old = (pool.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
  const target = spec.configuration?.name;
  const layered = layering.kind === 'layered' ? { image: layering.mosc.currentImage } : undefined;

  const machineCount = nodes.length;
  const updated = nodes.filter(n => isNodeUpdated(n, target, layered));
  const ready = updated.filter(isNodeReady);
  const unavailable = nodes.filter(isNodeUnavailable);
  const degraded = nodes.filter(isNodeDegraded);
  const pending = buildPending(layering);
  const build = layering.kind === 'layered' ? layering.build : undefined;
  const buildFailed = build?.phase === 'Failed';
  const allUpdated =
    updated.length === machineCount &&
    ready.length === machineCount &&
    unavailable.length === 0 &&
    !pending;
  const imageSuffix = layered?.image ? ` / Image ${layered.image}` : '';

  const wanted: Condition[] = [];
  wanted.push(
    renderError
      ? { type: 'RenderDegraded', status: 'True', reason: '', message: `Failed to render configuration for pool ${name}: ${renderError}` }
      : { type: 'RenderDegraded', status: 'False', reason: '', message: '' },
  );
  const nodeDegraded: Condition =
    degraded.length > 0
      ? {
          type: 'NodeDegraded',
          status: 'True',
          reason: `${degraded.length} nodes are reporting degraded status on sync`,
          message: degraded
            .map(n => `Node ${n.metadata.name} is reporting: "${nodeAnnotation(n, KEYS.reason) ?? ''}"`)
            .join(', '),
        }
      : { type: 'NodeDegraded', status: 'False', reason: '', message: '' };
  wanted.push(nodeDegraded);
  let imageBuild: Condition | undefined;
  if (layering.kind === 'removed') {
    imageBuild = { type: 'ImageBuildDegraded', status: 'False', reason: 'NoLayeredObjects', message: 'No MachineOSConfig targets this pool' };
  } else if (layering.kind === 'layered') {
    if (!build) {
      imageBuild = { type: 'ImageBuildDegraded', status: 'False', reason: 'BuildPending', message: 'Waiting to start a build' };
    } else if (build.phase === 'Failed' || build.phase === 'Interrupted') {
      imageBuild = {
        type: 'ImageBuildDegraded',
        status: 'True',
        reason: 'BuildFailed',
        message: `Failed to build OS image for pool ${name} (MachineOSBuild ${build.name})`,
      };
    } else if (build.phase === 'Building') {
      imageBuild = { type: 'ImageBuildDegraded', status: 'False', reason: 'Building', message: 'New build started' };
    } else if (build.phase === 'Succeeded') {
      imageBuild = { type: 'ImageBuildDegraded', status: 'False', reason: 'BuildSuccess', message: `Build ${build.name} succeeded` };
    } else {
      imageBuild = { type: 'ImageBuildDegraded', status: 'False', reason: 'BuildPending', message: `Build ${build.name} is pending` };
    }
  }
  if (imageBuild) wanted.push(imageBuild);
  const source = [wanted[0], nodeDegraded, imageBuild].find(c => c?.status === 'True');
  wanted.push(
    source
      ? { type: 'Degraded', status: 'True', reason: source.reason || source.type, message: source.message }
      : { type: 'Degraded', status: 'False', reason: '', message: '' },
  );
  wanted.push(
    allUpdated
      ? { type: 'Updated', status: 'True', reason: '', message: `All nodes are updated with MachineConfig ${target}${imageSuffix}` }
      : { type: 'Updated', status: 'False', reason: '', message: '' },
  );
  // Updating, in the order the MCO's node controller decides it (calculateStatus in
  // openshift/machine-config-operator pkg/controller/node/status.go):
  // - every node updated: False;
  // - a paused pool: False, "Pool is paused; will not update to <MachineConfig …[ / Image …]>" —
  //   pausing stops the rollout, so the pool is not updating, whatever its builds do;
  // - otherwise True, "All nodes are updating to …", and for an on-cluster layered pool the build
  //   stage replaces the message while no build exists yet or the current one is preparing or
  //   building.
  // One difference is kept on purpose: a failed build leaves Updating False here (the MCO keeps
  // "All nodes are updating to …"), since nothing can roll out until the build is fixed.
  const updateLine = `MachineConfig ${target}${imageSuffix}`;
  let updating: Condition;
  if (allUpdated || (buildFailed && !spec.paused)) {
    updating = { type: 'Updating', status: 'False', reason: '', message: '' };
  } else if (spec.paused) {
    updating = { type: 'Updating', status: 'False', reason: '', message: `Pool is paused; will not update to ${updateLine}` };
  } else if (pending && !build && layering.kind === 'layered') {
    updating = {
      type: 'Updating',
      status: 'True',
      reason: '',
      message: `Pool is waiting for a new OS image build to start (mosc: ${layering.mosc.name})`,
    };
  } else if (pending && build && (build.phase === 'Building' || build.phase === 'Prepared')) {
    updating = {
      type: 'Updating',
      status: 'True',
      reason: '',
      message: `Pool is waiting for OS image build to complete (mosb: ${build.name})`,
    };
  } else {
    updating = { type: 'Updating', status: 'True', reason: '', message: `All nodes are updating to ${updateLine}` };
  }
  wanted.push(updating);

  const status: Record<string, unknown> = {
    ...old,
    observedGeneration: pool.metadata.generation ?? old.observedGeneration ?? 1,
    machineCount,
    updatedMachineCount: updated.length,
    readyMachineCount: ready.length,
    unavailableMachineCount: unavailable.length,
    degradedMachineCount: degraded.length,
    conditions: mergeConditions(old.conditions, wanted, now),
  };
  if (allUpdated && spec.configuration) {
    status.configuration = structuredClone(spec.configuration);
  }
  return status;
}

/** Whether a node carries the unschedulable taint. */
export function hasUnschedulableTaint(node: K8sObject): boolean {
  const taints = (node.spec as { taints?: Array<{ key: string }> } | undefined)?.taints ?? [];
  return taints.some(t => t.key === UNSCHEDULABLE_TAINT);
}
