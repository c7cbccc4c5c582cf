import { InputError } from '@backstage/errors';
import {
  emptyFleetStatusCounts,
  fleetBehindScore,
  fleetStatusOf,
  type ClusterStatus,
  type LayeringFleetPageResponse,
  type LayeringFleetSort,
  type LayeringFleetStatus,
  type LayeringFleetStatusCounts,
  type LayeringFleetSummary,
  type LayeringMode,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';

/** A pool with what the fleet listing filters and orders it by. */
export interface FleetEntry {
  pool: PoolView;
  status: LayeringFleetStatus;
  score: number;
  /** `<cluster>/<pool>` in lower case, for the text filter. */
  text: string;
}

/** Where a page starts: right after the entry with this key, in the cursor's order. */
export interface FleetCursor {
  sort: LayeringFleetSort;
  score: number;
  cluster: string;
  name: string;
}

/** The filters of the paged listing, already validated. */
export interface FleetPageFilter {
  statuses?: LayeringFleetStatus[];
  clusters?: string[];
  modes?: LayeringMode[];
  q?: string;
}

/** Pools with their fleet status and score, given each cluster's status. */
export function fleetEntries(
  pools: PoolView[],
  clusterStatus: (cluster: string) => ClusterStatus | undefined,
): FleetEntry[] {
  return pools.map(pool => {
    const status = clusterStatus(pool.cluster);
    return {
      pool,
      status: fleetStatusOf(pool, status),
      score: fleetBehindScore(pool, status),
      // Cluster and pool names are DNS names: ASCII, so no locale rules are needed.
      text: `${pool.cluster}/${pool.name}`.toLowerCase(),
    };
  });
}

/** The entries the summary counts: those matching the mode and text filters. */
export function summaryScope(entries: FleetEntry[], filter: FleetPageFilter): FleetEntry[] {
  const modes = filter.modes?.length ? new Set(filter.modes) : undefined;
  const q = filter.q?.toLowerCase();
  if (!modes && !q) return entries;
  return entries.filter(
    e => (!modes || modes.has(e.pool.layering.mode)) && (!q || e.text.includes(q)),
  );
}

/** Counts per status and per cluster. */
export function summarize(entries: FleetEntry[]): LayeringFleetSummary {
  const byStatus = emptyFleetStatusCounts();
  const clusters = new Map<string, { total: number; byStatus: LayeringFleetStatusCounts }>();
  for (const { pool, status } of entries) {
    byStatus[status]++;
    let cluster = clusters.get(pool.cluster);
    if (!cluster) {
      cluster = { total: 0, byStatus: emptyFleetStatusCounts() };
      clusters.set(pool.cluster, cluster);
    }
    cluster.total++;
    cluster.byStatus[status]++;
  }
  return {
    total: entries.length,
    byStatus,
    byCluster: [...clusters.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([cluster, counts]) => ({ cluster, ...counts })),
  };
}

// Code-point order: names are DNS labels, and the order must not depend on the server's locale.
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

type Key = Pick<FleetCursor, 'score' | 'cluster' | 'name'>;

function compareKeys(sort: LayeringFleetSort, a: Key, b: Key): number {
  if (sort === 'behind' && a.score !== b.score) return b.score - a.score;
  return compareText(a.cluster, b.cluster) || compareText(a.name, b.name);
}

function compareEntries(sort: LayeringFleetSort, a: FleetEntry, b: FleetEntry): number {
  if (sort === 'behind' && a.score !== b.score) return b.score - a.score;
  return (
    compareText(a.pool.cluster, b.pool.cluster) || compareText(a.pool.name, b.pool.name)
  );
}

const keyOf = (e: FleetEntry): Key => ({ score: e.score, cluster: e.pool.cluster, name: e.pool.name });

/** The entries in `sort` order (a new array). */
export function sortEntries(entries: FleetEntry[], sort: LayeringFleetSort): FleetEntry[] {
  return entries.slice().sort((a, b) => compareEntries(sort, a, b));
}

/**
 * One page of the entries that match every filter, starting right after `cursor`; `sorted` is
 * in `options.sort` order ({@link sortEntries}). The cursor holds the last key served, not an
 * offset, so pools added or removed meanwhile neither repeat nor push others out of the next page.
 */
export function fleetPage(
  sorted: FleetEntry[],
  filter: FleetPageFilter,
  options: { sort: LayeringFleetSort; limit: number; cursor?: FleetCursor },
): Omit<LayeringFleetPageResponse, 'summary'> {
  const statuses = filter.statuses?.length ? new Set(filter.statuses) : undefined;
  const clusters = filter.clusters?.length ? new Set(filter.clusters) : undefined;
  const matching =
    statuses || clusters
      ? sorted.filter(
          e => (!statuses || statuses.has(e.status)) && (!clusters || clusters.has(e.pool.cluster)),
        )
      : sorted;
  let start = 0;
  if (options.cursor) {
    // First entry strictly after the cursor's key (binary search: the list is sorted).
    const after = options.cursor;
    let lo = 0;
    let hi = matching.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(options.sort, keyOf(matching[mid]), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = matching.slice(start, start + options.limit);
  const last = page[page.length - 1];
  const more = start + options.limit < matching.length;
  return {
    items: page.map(e => e.pool),
    nextCursor: more && last ? encodeCursor({ sort: options.sort, ...keyOf(last) }) : null,
    total: matching.length,
  };
}

/** An opaque, URL-safe cursor. */
export function encodeCursor(cursor: FleetCursor): string {
  return Buffer.from(
    JSON.stringify([1, cursor.sort, cursor.score, cursor.cluster, cursor.name]),
    'utf8',
  ).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor} for this sort; a field-level 400 otherwise. */
export function decodeCursor(text: string, sort: LayeringFleetSort): FleetCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    parsed[0] !== 1 ||
    (parsed[1] !== 'behind' && parsed[1] !== 'name') ||
    typeof parsed[2] !== 'number' ||
    !Number.isFinite(parsed[2]) ||
    typeof parsed[3] !== 'string' ||
    typeof parsed[4] !== 'string'
  ) {
    throw new InputError('Invalid query: cursor: is not a cursor of this listing');
  }
  if (parsed[1] !== sort) {
    throw new InputError(
      `Invalid query: cursor: was made for sort=${parsed[1]}, not sort=${sort}; start again without a cursor`,
    );
  }
  return { sort, score: parsed[2], cluster: parsed[3], name: parsed[4] };
}
