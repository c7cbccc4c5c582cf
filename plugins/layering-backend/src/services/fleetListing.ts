import type { PoolView } from '@rhcos-layering/plugin-layering-common';
import { createHash } from 'node:crypto';
import { fleetFilterKey, rememberFleetAnswer } from './fleetAnswers';
import type { ClusterEntry } from './fleetEntry';
import type { FleetPoolFilter, FleetPoolsResponse } from './fleetTypes';

/** The pool views of every cluster that pass the filter, cluster by cluster. */
export function filterFleetPools(
  clusters: ReadonlyMap<string, ClusterEntry>,
  filter: FleetPoolFilter,
): PoolView[] {
  const out: PoolView[] = [];
  const drift = filter.drift?.length ? new Set(filter.drift) : undefined;
  const names = filter.clusters?.length ? new Set(filter.clusters) : undefined;
  for (const [name, entry] of clusters) {
    if (names && !names.has(name)) continue;
    if (!entry.views) continue;
    for (const view of entry.views.pools.values()) {
      if (drift && !drift.has(view.drift.status)) continue;
      out.push(view);
    }
  }
  return out;
}

/**
 * The serialised fleet answer of a filter, made from the pool views' fingerprints (their JSON) and
 * kept in `answers` until the fleet's generation moves on (the caller clears `answers` then).
 */
export function fleetPoolsAnswer(
  clusters: ReadonlyMap<string, ClusterEntry>,
  answers: Map<string, FleetPoolsResponse>,
  generation: number,
  filter: FleetPoolFilter,
): FleetPoolsResponse {
  const { key, drift, clusters: names } = fleetFilterKey(filter);
  const cached = answers.get(key);
  if (cached) return cached;
  const parts: string[] = [];
  for (const [name, entry] of clusters) {
    if (names && !names.includes(name)) continue;
    if (!entry.views) continue;
    for (const [pool, view] of entry.views.pools) {
      if (drift && !drift.includes(view.drift.status)) continue;
      parts.push(entry.fingerprints.get(pool) ?? JSON.stringify(view));
    }
  }
  // A few filter combinations are kept; all are dropped when any pool changes.
  return rememberFleetAnswer(
    answers,
    key,
    parts,
    () => `"fleet-${generation}-${createHash('sha1').update(key).digest('hex').slice(0, 12)}"`,
  );
}
