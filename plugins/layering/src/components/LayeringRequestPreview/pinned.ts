import {
  pinnedBaseIssue,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';

/**
 * An on-cluster create or modify of a pool pinned by an `osImageURL` MachineConfig: the build
 * starts FROM the pinned image. The pin is the pool's own (its view says out-of-cluster) or,
 * for a pool that selects role `worker`, the worker pool's; the drift is that of the pinned
 * image (the pool's target drift, which the nodes reach once rolled out).
 */
export function pinnedWarning(
  pool: PoolView,
  pools: PoolView[],
): { severity: 'warning'; message: string } | undefined {
  const worker = pools.find(p => p.name === 'worker');
  const inheritsWorker =
    pool.name !== 'worker' && (pool.selectedRoles ?? []).includes('worker');
  let pinnedBy: PoolView | undefined;
  if (pool.layering.mode === 'out-of-cluster') pinnedBy = pool;
  else if (inheritsWorker && worker?.layering.mode === 'out-of-cluster')
    pinnedBy = worker;
  const image = pinnedBy?.layering.image;
  if (!pinnedBy || !image) return undefined;
  const inherited =
    pool.name !== 'worker' &&
    inheritsWorker &&
    worker?.layering.mode === 'out-of-cluster' &&
    worker.layering.source === pinnedBy.layering.source;
  const found = pinnedBaseIssue({
    pool: pool.name,
    pinned: {
      machineConfig: pinnedBy.layering.source ?? null,
      image,
      inherited,
    },
    drift: pinnedBy.drift.target ?? pinnedBy.drift,
  });
  return { severity: 'warning', message: found.message };
}
