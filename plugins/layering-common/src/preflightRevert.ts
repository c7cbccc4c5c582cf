/**
 * Pre-flight rules for a revert: what removing a pool's layered image does.
 */
import { isBuiltInPool } from './mco';
import { issue } from './issue';
import type { ValidationIssue } from './validation';
import type { PreflightInput, PreflightPool } from './preflight';
import {
  degradedReason,
  poolsPhrase,
  RUNNING_BUILD_STATES,
} from './preflightShared';

/**
 * Rules for removing a pool's layered image: its MachineOSConfig (on-cluster, which takes
 * its builds with it) or the MachineConfig that sets osImageURL (out-of-cluster). The nodes
 * reboot into the image of the pool's render without it, which is the release's default
 * RHCOS unless a worker osImageURL override still reaches the pool.
 * @internal
 */
export function revertIssues(
  input: PreflightInput,
  pool: PreflightPool,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const actual = pool.layering?.mode;
  const source = pool.layering?.source;
  if (actual === 'none') {
    return [
      issue(
        'pool',
        `Pool ${pool.name} has no layered image: there is nothing to revert, and no node reboots.`,
        'warning',
      ),
    ];
  }
  const mode = actual ?? input.mode;
  if (actual && actual !== input.mode) {
    const object =
      actual === 'on-cluster' ? 'MachineOSConfig' : 'MachineConfig';
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is layered ${actual}${
          source ? ` (${object} ${source})` : ''
        }, not ${
          input.mode
        }: choose ${actual} so the request removes the right object.`,
        'warning',
      ),
    );
  }

  const worker = input.pools.find(p => p.name === 'worker');
  const workerSource =
    worker?.layering?.mode === 'out-of-cluster'
      ? worker.layering.source
      : undefined;
  const custom = !isBuiltInPool(pool.name);
  const inheritsWorker =
    custom && (pool.selectedRoles ?? []).includes('worker');
  // An out-of-cluster custom pool whose image is worker's MachineConfig has nothing of its own
  // to remove; the action refuses it too.
  const inheritedImage =
    mode === 'out-of-cluster' &&
    custom &&
    workerSource !== undefined &&
    source === workerSource;

  if (inheritedImage) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} gets its image from MachineConfig ${workerSource} of pool worker (role worker): revert pool worker instead, which reverts every pool that inherits it.`,
      ),
    );
  } else if (inheritsWorker && workerSource) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} inherits the worker osImageURL override (MachineConfig ${workerSource}): after the revert its nodes run that image, not the release's default RHCOS.`,
        'warning',
      ),
    );
  }

  if (mode === 'on-cluster') {
    const forPool = input.machineOSConfigs.filter(m => m.pool === pool.name);
    if (!actual && forPool.length === 0) {
      issues.push(
        issue(
          'pool',
          `Pool ${pool.name} has no MachineOSConfig to remove.`,
          'warning',
        ),
      );
    }
    if (pool.build && RUNNING_BUILD_STATES.includes(pool.build.state)) {
      issues.push(
        issue(
          'pool',
          `Image build ${pool.build.name} of pool ${pool.name} has not finished: removing the MachineOSConfig deletes it with the other builds.`,
          'warning',
        ),
      );
    }
  }

  if (pool.name === 'worker' && mode === 'out-of-cluster') {
    const inheriting = input.pools.filter(
      p =>
        !isBuiltInPool(p.name) &&
        (p.selectedRoles ?? []).includes('worker'),
    );
    const buildsOnCluster = inheriting
      .filter(p => p.layering?.mode === 'on-cluster')
      .map(p => p.name);
    // A custom pool's own-role override sorts after worker's, so it keeps winning.
    // Without worker's own MachineConfig name, an inherited image cannot be told apart.
    const ownImage = inheriting.filter(
      p =>
        source !== undefined &&
        p.layering?.mode === 'out-of-cluster' &&
        p.layering.source !== undefined &&
        p.layering.source !== source,
    );
    const follow = inheriting
      .map(p => p.name)
      .filter(
        name =>
          !buildsOnCluster.includes(name) &&
          !ownImage.some(p => p.name === name),
      );
    if (follow.length) {
      issues.push(
        issue(
          'pool',
          `${poolsPhrase(
            follow,
            'inherits worker MachineConfigs and goes',
            'inherit worker MachineConfigs and go',
          )} back to the base image too.`,
          'warning',
        ),
      );
    }
    if (buildsOnCluster.length) {
      issues.push(
        issue(
          'pool',
          `${poolsPhrase(
            buildsOnCluster,
            'builds its on-cluster image',
            'build their on-cluster images',
          )} FROM the worker osImageURL: the MCO rebuilds ${
            buildsOnCluster.length === 1 ? 'it' : 'them'
          } FROM the release's default RHCOS, and the nodes reboot into the new build.`,
          'warning',
        ),
      );
    }
    for (const p of ownImage) {
      issues.push(
        issue(
          'pool',
          `Custom pool ${p.name} keeps its own image (MachineConfig ${p.layering?.source}), which wins over worker's.`,
          'warning',
        ),
      );
    }
  }

  const degraded = degradedReason(pool);
  if (degraded) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is degraded (${degraded}): the revert is allowed, and going back to the base image is the fix when the layered image is the cause.`,
        'warning',
      ),
    );
  }
  if (pool.paused) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is paused: no node goes back to the base image until the pool is resumed.`,
        'warning',
      ),
    );
  }
  if (input.cluster.singleNode && pool.name === 'master') {
    issues.push(
      issue(
        'pool',
        'Single-node cluster: the revert reboots the only control plane node.',
        'warning',
      ),
    );
  }
  return issues;
}
