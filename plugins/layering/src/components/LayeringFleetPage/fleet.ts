import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import {
  behindScore,
  displayDriftStatus,
  isClusterDown,
  type DisplayDriftStatus,
} from '../../lib/presentation';

/** One row of the fleet table: a pool, or a cluster that sent no pools. */
export interface FleetRow {
  id: string;
  cluster: string;
  clusterView?: ClusterView;
  pool?: PoolView;
  status: DisplayDriftStatus;
  score: number;
}

/** Drift filter values offered on the fleet page. */
export const DRIFT_FILTERS: Array<{ id: DisplayDriftStatus; label: string }> = [
  { id: 'behind', label: 'Behind' },
  { id: 'in-sync', label: 'In sync' },
  { id: 'ahead', label: 'Ahead' },
  { id: 'unknown', label: 'Unknown' },
  { id: 'unreachable', label: 'Cluster unreachable' },
];

/** Sort orders offered on the fleet page. */
export type FleetSort = 'behind' | 'name';

/**
 * Joins the fleet's pools with their clusters. A cluster that cannot be read
 * makes its pools `unreachable`, and a down cluster that sent no pools gets
 * a row of its own, so it can't disappear from the page.
 */
export function fleetRows(
  pools: PoolView[],
  clusters: ClusterView[],
): FleetRow[] {
  const byName = new Map(clusters.map(c => [c.name, c]));
  const rows: FleetRow[] = pools.map(pool => {
    const clusterView = byName.get(pool.cluster);
    return {
      id: `${pool.cluster}/${pool.name}`,
      cluster: pool.cluster,
      clusterView,
      pool,
      status: displayDriftStatus(pool, clusterView?.status),
      score: behindScore(pool, clusterView?.status),
    };
  });
  const withPools = new Set(pools.map(p => p.cluster));
  for (const cluster of clusters) {
    if (!withPools.has(cluster.name) && isClusterDown(cluster.status)) {
      rows.push({
        id: cluster.name,
        cluster: cluster.name,
        clusterView: cluster,
        status: 'unreachable',
        score: -2,
      });
    }
  }
  return rows;
}

/** Applies the page's filters and sort order. */
export function filterAndSort(
  rows: FleetRow[],
  options: { drift?: string | null; cluster?: string | null; sort?: FleetSort },
): FleetRow[] {
  const filtered = rows.filter(
    row =>
      (!options.drift || row.status === options.drift) &&
      (!options.cluster || row.cluster === options.cluster),
  );
  const byName = (a: FleetRow, b: FleetRow) =>
    a.cluster.localeCompare(b.cluster) ||
    (a.pool?.name ?? '').localeCompare(b.pool?.name ?? '');
  return filtered.sort(
    options.sort === 'name'
      ? byName
      : (a, b) => b.score - a.score || byName(a, b),
  );
}
