/**
 * Pre-flight rules for pausing and resuming a pool (`spec.paused`).
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
 * Rules for pausing or resuming a pool. While `spec.paused` is true the MCO still renders the
 * pool's configuration and runs its on-cluster builds, but tells no node to update; resuming
 * lets the node controller move every node to the pool's target, which waits for the newest
 * build when the pool is layered on-cluster.
 * @internal
 */
export function pauseResumeIssues(
  input: PreflightInput,
  pool: PreflightPool,
  operation: 'pause' | 'resume',
): ValidationIssue[] {
  if (operation === 'pause' && pool.paused) {
    return [
      issue(
        'pool',
        `Pool ${pool.name} is already paused: the request changes nothing.`,
        'warning',
      ),
    ];
  }
  if (operation === 'resume' && !pool.paused) {
    return [
      issue(
        'pool',
        `Pool ${pool.name} is not paused: the request changes nothing.`,
        'warning',
      ),
    ];
  }
  const issues: ValidationIssue[] = [];
  const onCluster = pool.layering?.mode === 'on-cluster';

  if (operation === 'pause') {
    issues.push(
      issue(
        'pool',
        `While pool ${
          pool.name
        } is paused the MCO still renders its configuration${
          onCluster ? ' and builds its image' : ''
        }, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.`,
        'warning',
      ),
    );
    if (pool.name === 'master') {
      issues.push(
        issue(
          'pool',
          'Pool master holds the control plane nodes: keep the pause short, since no cluster upgrade updates them while it lasts.',
          'warning',
        ),
      );
    }
    if (pool.name === 'worker') {
      // Custom pools have a spec.paused of their own: worker MachineConfigs keep reaching them.
      const inheriting = input.pools
        .filter(
          p =>
            !isBuiltInPool(p.name) &&
            !p.paused &&
            (p.selectedRoles ?? []).includes('worker'),
        )
        .map(p => p.name);
      if (inheriting.length) {
        issues.push(
          issue(
            'pool',
            poolsPhrase(
              inheriting,
              'inherits worker MachineConfigs but is not paused with worker: they still roll out to its nodes.',
              'inherit worker MachineConfigs but are not paused with worker: they still roll out to their nodes.',
            ),
            'warning',
          ),
        );
      }
    }
    return issues;
  }

  const build = onCluster ? pool.build : undefined;
  let buildFailed = false;
  if (build && RUNNING_BUILD_STATES.includes(build.state)) {
    issues.push(
      issue(
        'pool',
        `Image build ${build.name} of pool ${pool.name} has not finished: no node is updated before it succeeds, then every node of the pool reboots into its image.`,
        'warning',
      ),
    );
  } else if (
    build &&
    (build.state === 'Failed' || build.state === 'Interrupted')
  ) {
    buildFailed = true;
    issues.push(
      issue(
        'pool',
        `The newest image build ${build.name} of pool ${pool.name} ${
          build.state === 'Failed' ? 'failed' : 'was interrupted'
        }: what waits for its image does not roll out until a build succeeds.`,
        'warning',
      ),
    );
  }
  const degraded = degradedReason(pool);
  // A failed build already explains ImageBuildDegraded.
  if (degraded && !(buildFailed && degraded === 'ImageBuildDegraded')) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is degraded (${degraded}): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.`,
        'warning',
      ),
    );
  }
  const pending =
    (build !== undefined &&
      build !== null &&
      RUNNING_BUILD_STATES.includes(build.state)) ||
    (pool.machineCount !== undefined &&
      pool.updatedMachineCount !== undefined &&
      pool.updatedMachineCount < pool.machineCount);
  if (input.cluster.singleNode && pool.name === 'master' && pending) {
    issues.push(
      issue(
        'pool',
        'Single-node cluster: resuming pool master with changes pending reboots the only control plane node.',
        'warning',
      ),
    );
  }
  return issues;
}
