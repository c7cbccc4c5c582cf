/**
 * An on-cluster build of a pool pinned by an `osImageURL` MachineConfig starts FROM the pinned
 * image: the MCO takes the build's base from the rendered config's `osImageURL`, and the pin
 * (the pool's own or one inherited from worker) wins over the release default there.
 */
import { issue } from './issue';
import type { DriftView } from './types';
import type { ValidationIssue } from './validation';

/** The MachineConfig that pins a pool's OS image. @public */
export interface PinnedBase {
  /** Name of the MachineConfig that sets `osImageURL`, when known. */
  machineConfig?: string | null;
  /** The pinned image. */
  image: string;
  /** True when the pool inherits it from worker (its selector includes role `worker`). */
  inherited?: boolean;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How far the pinned image is from the cluster's release, in a few words. */
function driftWords(drift: DriftView): string {
  if (drift.status === 'behind') {
    const parts: string[] = [];
    if (drift.minorVersionsBehind) parts.push(count(drift.minorVersionsBehind, 'minor version'));
    if (drift.releasesBehind) parts.push(count(drift.releasesBehind, 'release'));
    return parts.length ? `${parts.join(', ')} behind the cluster's release` : "behind the cluster's release";
  }
  if (drift.status === 'in-sync') return "in sync with the cluster's release";
  if (drift.status === 'ahead') return "ahead of the cluster's release";
  return 'of unknown drift';
}

/**
 * The warning for an on-cluster request on a pool pinned by an `osImageURL` MachineConfig:
 * the build starts FROM the pinned image, with that image's drift (the pool view's, when the
 * caller has it).
 * @public
 */
export function pinnedBaseIssue(input: {
  pool: string;
  pinned: PinnedBase;
  drift?: DriftView | null;
}): ValidationIssue {
  const { pool, pinned, drift } = input;
  const by = pinned.machineConfig ? `MachineConfig ${pinned.machineConfig}` : 'a MachineConfig';
  const from = pinned.inherited ? `${by}, inherited from worker,` : by;
  const driftSentence = drift
    ? `The pinned image is ${driftWords(drift)}: ${drift.reason}`
    : "The pinned image's drift is not known.";
  return issue(
    'pool',
    `Pool ${pool} is pinned by ${from} to ${pinned.image}: the on-cluster build starts FROM that image, not from the release's RHCOS, and so do the rebuilds after each cluster update until the pin is removed. ${driftSentence}`,
    'warning',
  );
}
