/**
 * The fleet page's part of the wire contract: the paged `GET /pools` answer with its summary, the
 * drift trend (`GET /trend`), and the status and order rules that the backend pages by and the
 * frontend shows, kept here so both read a pool the same way. Re-exported by `wire.ts`.
 */
import type {
  ClusterStatus,
  DriftStatus,
  LayeringMode,
  PoolView,
} from './types';

/**
 * The status a pool has on the fleet page: its drift status, or `unreachable` when its data is
 * stale or its cluster cannot be read (such a pool may not be shown as in sync).
 *
 * @public
 */
export type LayeringFleetStatus = DriftStatus | 'unreachable';

/** Every {@link LayeringFleetStatus}, in the order the fleet page lists them. @public */
export const LAYERING_FLEET_STATUSES: readonly LayeringFleetStatus[] = [
  'behind',
  'in-sync',
  'ahead',
  'unknown',
  'unreachable',
];

/**
 * Orders of the paged fleet listing: `behind` (most behind first, then cluster and pool name)
 * or `name` (cluster, then pool name).
 *
 * @public
 */
export type LayeringFleetSort = 'behind' | 'name';

/** Every {@link LayeringFleetSort}. @public */
export const LAYERING_FLEET_SORTS: readonly LayeringFleetSort[] = ['behind', 'name'];

/**
 * Query of the paged `GET /pools`. Giving any of `limit`, `cursor`, `sort`, `q` or `mode` asks
 * for the paged answer ({@link LayeringFleetPageResponse}); without them the route answers
 * `{ items }` with every pool, as it always did. In the paged answer `drift` filters on the
 * {@link LayeringFleetStatus} (so `unreachable` is accepted too).
 *
 * @public
 */
export interface LayeringFleetPageQueryParams {
  drift?: LayeringFleetStatus | LayeringFleetStatus[];
  cluster?: string | string[];
  mode?: LayeringMode | LayeringMode[];
  /** Part of `<cluster>/<pool>`, case-insensitive (at most 100 characters). */
  q?: string;
  /** Default `behind`. */
  sort?: LayeringFleetSort;
  /** Pools per page, 1 to 1,000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page, opaque; only valid with the same sort. */
  cursor?: string;
}

/** Pool counts per {@link LayeringFleetStatus}. @public */
export type LayeringFleetStatusCounts = Record<LayeringFleetStatus, number>;

/**
 * Counts of the pools the caller may read that match the `mode` and `q` filters; the `drift` and
 * `cluster` filters are not applied, so the counts say what choosing each would show.
 *
 * @public
 */
export interface LayeringFleetSummary {
  total: number;
  byStatus: LayeringFleetStatusCounts;
  /** One entry per cluster with readable pools, by cluster name. */
  byCluster: Array<{ cluster: string; total: number; byStatus: LayeringFleetStatusCounts }>;
}

/**
 * The paged answer of `GET /pools`: one page of pools in the requested order, the cursor of the
 * next page (null on the last), how many readable pools match every filter, and the summary.
 *
 * @public
 */
export interface LayeringFleetPageResponse {
  items: PoolView[];
  nextCursor: string | null;
  total: number;
  summary: LayeringFleetSummary;
}

/** Query of `GET /trend`. @public */
export interface LayeringTrendQueryParams {
  /** Only this cluster; every cluster when omitted. */
  cluster?: string;
  /** How far back, 1 to 90 days; default 30. */
  days?: number;
}

/**
 * One sample of the drift trend: a cluster's pool counts per status from `at` on (until its next
 * sample).
 *
 * @public
 */
export interface LayeringTrendSample {
  cluster: string;
  /** ISO 8601 time, UTC. */
  at: string;
  counts: LayeringFleetStatusCounts;
}

/**
 * Answer of `GET /trend`: samples oldest first. A cluster's last sample before the window is
 * included (with its own time), so the trend starts from the counts that held when it began.
 *
 * @public
 */
export interface LayeringTrendResponse {
  since: string;
  samples: LayeringTrendSample[];
}

/** A count of zero for every status. @public */
export function emptyFleetStatusCounts(): LayeringFleetStatusCounts {
  return { behind: 0, 'in-sync': 0, ahead: 0, unknown: 0, unreachable: 0 };
}

/** Whether the backend cannot currently read a cluster of this status. @public */
export function isClusterStatusDown(status: ClusterStatus | undefined): boolean {
  return (
    status === 'unreachable' ||
    status === 'unauthorized' ||
    status === 'forbidden' ||
    status === 'error'
  );
}

/** A pool's {@link LayeringFleetStatus}, given its cluster's status. @public */
export function fleetStatusOf(
  pool: PoolView,
  clusterStatus?: ClusterStatus,
): LayeringFleetStatus {
  if (pool.stale || isClusterStatusDown(clusterStatus)) {
    return 'unreachable';
  }
  return pool.drift.status;
}

/**
 * How far behind a pool is, for the `behind` order (higher sorts first): whole minors weigh more
 * than releases, releases more than days; a pool behind always ranks above an in-sync one, which
 * ranks above one ahead, then unknown and unreachable pools.
 *
 * @public
 */
export function fleetBehindScore(pool: PoolView, clusterStatus?: ClusterStatus): number {
  const status = fleetStatusOf(pool, clusterStatus);
  switch (status) {
    case 'in-sync':
      return 0;
    case 'ahead':
      return -1;
    case 'unknown':
    case 'unreachable':
      return -2;
    default: {
      const { minorVersionsBehind, releasesBehind, ageDays } = pool.drift;
      return (
        Math.max(minorVersionsBehind ?? 0, 0) * 1_000_000 +
        Math.max(releasesBehind ?? 0, 0) * 1_000 +
        Math.min(Math.max(ageDays ?? 0, 0), 999) +
        1
      );
    }
  }
}
