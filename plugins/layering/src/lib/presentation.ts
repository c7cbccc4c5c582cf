import type {
  BuildState,
  ClusterStatus,
  LayeringMode,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';

/** Colour family of a status, in Backstage UI's status vocabulary. */
export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'neutral';

/**
 * What the UI shows for a pool's drift. `unreachable` is not a drift status
 * of the backend: it is what stale data becomes, so that a pool whose
 * cluster cannot be read is never shown as in sync.
 */
export type DisplayDriftStatus =
  | 'in-sync'
  | 'behind'
  | 'ahead'
  | 'unknown'
  | 'unreachable';

/** The drift status to show for a pool, taking stale data into account. */
export function displayDriftStatus(
  pool: PoolView,
  clusterStatus?: ClusterStatus,
): DisplayDriftStatus {
  if (pool.stale || isClusterDown(clusterStatus)) {
    return 'unreachable';
  }
  return pool.drift.status;
}

/** True when the backend cannot currently read the cluster. */
export function isClusterDown(status?: ClusterStatus): boolean {
  return (
    status === 'unreachable' ||
    status === 'unauthorized' ||
    status === 'forbidden' ||
    status === 'error'
  );
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The short label of a pool's drift badge. */
export function driftLabel(
  pool: PoolView,
  clusterStatus?: ClusterStatus,
): string {
  const status = displayDriftStatus(pool, clusterStatus);
  switch (status) {
    case 'unreachable':
      return clusterStatus && clusterStatus !== 'unreachable'
        ? `Cluster ${clusterStatus}`
        : 'Cluster unreachable';
    case 'in-sync':
      return 'In sync';
    case 'ahead':
      return 'Ahead of release';
    case 'behind': {
      const { minorVersionsBehind, releasesBehind, ageDays } = pool.drift;
      if (minorVersionsBehind !== null && minorVersionsBehind > 0) {
        return `${plural(minorVersionsBehind, 'minor', 'minors')} behind`;
      }
      if (releasesBehind !== null && releasesBehind > 0) {
        return `${plural(releasesBehind, 'release', 'releases')} behind`;
      }
      if (ageDays !== null && ageDays > 0) {
        return `${plural(ageDays, 'day', 'days')} behind`;
      }
      return 'Behind';
    }
    default:
      return 'Unknown';
  }
}

/** The colour of a drift badge. */
export function driftTone(status: DisplayDriftStatus): Tone {
  switch (status) {
    case 'in-sync':
      return 'success';
    case 'behind':
      return 'warning';
    case 'ahead':
      return 'info';
    case 'unreachable':
      return 'danger';
    default:
      return 'neutral';
  }
}

/**
 * A number that grows the further a pool is behind its release, used to
 * sort the fleet: minors count more than releases, releases more than days.
 * Pools whose distance is not known sort after every measured one.
 */
export function behindScore(
  pool: PoolView,
  clusterStatus?: ClusterStatus,
): number {
  const status = displayDriftStatus(pool, clusterStatus);
  if (status === 'in-sync') {
    return 0;
  }
  if (status === 'ahead') {
    return -1;
  }
  if (status === 'unknown' || status === 'unreachable') {
    return -2;
  }
  const { minorVersionsBehind, releasesBehind, ageDays } = pool.drift;
  return (
    Math.max(minorVersionsBehind ?? 0, 0) * 1_000_000 +
    Math.max(releasesBehind ?? 0, 0) * 1_000 +
    Math.min(Math.max(ageDays ?? 0, 0), 999) +
    // A pool known to be behind always sorts before an in-sync one.
    1
  );
}

/** Human name of a layering mode. */
export function layeringModeLabel(mode: LayeringMode): string {
  switch (mode) {
    case 'on-cluster':
      return 'On-cluster layering';
    case 'out-of-cluster':
      return 'Out-of-cluster layering';
    default:
      return 'Not layered';
  }
}

/** The colour of a build state. */
export function buildTone(state: BuildState): Tone {
  switch (state) {
    case 'Succeeded':
      return 'success';
    case 'Failed':
    case 'Interrupted':
      return 'danger';
    case 'Building':
    case 'Prepared':
      return 'info';
    default:
      return 'neutral';
  }
}

/**
 * Splits an image reference into its repository and digest. Tag-only
 * references have no digest.
 */
export function splitImageReference(reference: string): {
  repository: string;
  digest: string | null;
} {
  const at = reference.lastIndexOf('@');
  if (at === -1) {
    return { repository: reference, digest: null };
  }
  return {
    repository: reference.slice(0, at),
    digest: reference.slice(at + 1),
  };
}

/** `sha256:0123456789ab` — the algorithm and the first 12 hex digits. */
export function shortDigest(reference: string): string {
  const { repository, digest } = splitImageReference(reference);
  if (!digest) {
    return repository.split('/').pop() ?? repository;
  }
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/** `7m 30s`, `1h 2m`, or `—` when the span is not known. */
export function formatDuration(
  start: string | null,
  end: string | null,
  now: Date = new Date(),
): string {
  if (!start) {
    return '—';
  }
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
    return '—';
  }
  const seconds = Math.round((to - from) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  if (minutes > 0) {
    return `${minutes}m ${rest}s`;
  }
  return `${rest}s`;
}

/** A date-time in the viewer's locale, or `—`. */
export function formatTime(value: string | null | undefined): string {
  if (!value) {
    return '—';
  }
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toLocaleString();
}
