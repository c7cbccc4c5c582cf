/**
 * When a release lands on a cluster, a pool pinned by an out-of-cluster `osImageURL` image stays
 * on the RHCOS it was built FROM: the rule that says a rebase is due, shared by the pool card
 * (which offers the rebase template) and the backend (which may open the request itself).
 */
import { parseOcpVersion } from './rhcos';
import type { PoolView } from './types';
import type { LayeringReleaseHistoryEntry } from './wire';

/** Whether a pinned pool should be rebased onto the cluster's newest release. @public */
export interface RebaseDue {
  /** The release the cluster completed, newest first in its history. */
  release: string;
  /** The release whose RHCOS the pinned image was built FROM, when known. */
  base: string | null;
  /** One sentence for the card and the request. */
  reason: string;
}

function compareVersions(a: string, b: string): number | null {
  const x = parseOcpVersion(a);
  const y = parseOcpVersion(b);
  if (!x || !y) return null;
  return x.major - y.major || x.minor - y.minor || (x.patch ?? 0) - (y.patch ?? 0);
}

/**
 * A rebase is due for a pool layered out of the cluster once the newest entry of the cluster's
 * update history is `Completed` with a version newer than the release its image was built
 * FROM (the target drift's matched release). When that release is unknown, a target drift of
 * `behind` decides. Null when nothing is due: the pool is not pinned, the update is still
 * partial, or the image already follows the release.
 * @public
 */
export function rebaseDue(
  pool: Pick<PoolView, 'name' | 'layering' | 'drift'>,
  history: LayeringReleaseHistoryEntry[],
): RebaseDue | null {
  if (pool.layering.mode !== 'out-of-cluster') return null;
  const newest = history[0];
  if (!newest || newest.state !== 'Completed') return null;
  const drift = pool.drift.target ?? pool.drift;
  const base = drift.matchedRelease ?? null;
  if (base) {
    const order = compareVersions(newest.version, base);
    if (order === null || order <= 0) return null;
    return {
      release: newest.version,
      base,
      reason: `The cluster completed its update to ${newest.version}; pool ${pool.name}'s image is still built FROM the RHCOS of ${base}.`,
    };
  }
  if (drift.status !== 'behind') return null;
  return {
    release: newest.version,
    base: null,
    reason: `The cluster completed its update to ${newest.version}; pool ${pool.name}'s image is behind it: ${drift.reason}`,
  };
}
