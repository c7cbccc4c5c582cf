import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { ClusterRelease } from '../services/fleetTypes';
import { SHARED_CLUSTERS_TABLE, SHARED_POOLS_TABLE } from './tables';

/** One pool as shared: its view (parsed and as JSON) and its detail as JSON (parsed on demand). */
export interface SharedPool {
  view: PoolView;
  json: string;
}

/** A cluster's views as its owner shared them. */
export interface SharedCluster {
  cluster: ClusterView;
  release: ClusterRelease;
  owner: string;
  /** Changes whenever the owner wrote pools. */
  version: string;
  /** Changes whenever the owner wrote anything (the cluster view alone, for `lastSync`). */
  updatedAt: number;
  pools: Map<string, SharedPool>;
  details: Map<string, string>;
  /** False when only the cluster row was read (its pools did not change): keep the pools held. */
  poolsIncluded: boolean;
}

/** What an owner writes of one cluster. */
export interface SharedClusterWrite {
  cluster: ClusterView;
  release: ClusterRelease;
  /** Pools whose view or detail changed (JSON of the view and of the detail). */
  pools: Array<{ name: string; view: string; detail: string }>;
  /** Every pool the cluster has now: shared pools not in it are deleted. */
  allPools: string[];
}

interface ClusterRow {
  cluster: string;
  owner: string;
  version: string;
  view: string;
  release: string;
  updated_at: number | string;
}

const CHUNK = 200;
/** Clusters touched per transaction. */
const TOUCH_CHUNK = 50;

/**
 * The views owners share through the database: one row per cluster (its view and release) and
 * one per pool (its view and detail). Owners write what changed; the other replicas poll the
 * cheap (cluster, version, updated_at) columns and read only clusters that changed.
 */
export class SharedViewStore {
  readonly #db: Knex;
  readonly #replicaId: string;

  constructor(db: Knex, replicaId: string) {
    this.#db = db;
    this.#replicaId = replicaId;
  }

  /** Writes the views of a cluster this replica owns, in one transaction. */
  async write(name: string, write: SharedClusterWrite): Promise<void> {
    const now = Date.now();
    await this.#db.transaction(async tx => {
      const row = {
        cluster: name,
        owner: this.#replicaId,
        version: randomUUID(),
        view: JSON.stringify(write.cluster),
        release: JSON.stringify(write.release),
        updated_at: now,
      };
      await tx(SHARED_CLUSTERS_TABLE).insert(row).onConflict('cluster').merge();
      for (let i = 0; i < write.pools.length; i += CHUNK) {
        await tx(SHARED_POOLS_TABLE)
          .insert(
            write.pools.slice(i, i + CHUNK).map(p => ({
              cluster: name,
              pool: p.name,
              view: p.view,
              detail: p.detail,
            })),
          )
          .onConflict(['cluster', 'pool'])
          .merge();
      }
      const existing: Array<{ pool: string }> = await tx(SHARED_POOLS_TABLE)
        .where({ cluster: name })
        .select('pool');
      const keep = new Set(write.allPools);
      const gone = existing.map(e => e.pool).filter(p => !keep.has(p));
      for (let i = 0; i < gone.length; i += CHUNK) {
        await tx(SHARED_POOLS_TABLE)
          .where({ cluster: name })
          .whereIn('pool', gone.slice(i, i + CHUNK))
          .delete();
      }
    });
  }

  /**
   * Refreshes the cluster views (their `lastSync`) of clusters this replica owns, without
   * touching their pools: readers see a new `updated_at` and re-read only the cluster row.
   */
  async touch(views: Array<{ cluster: ClusterView; release: ClusterRelease }>): Promise<void> {
    if (views.length === 0) return;
    const now = Date.now();
    // Small transactions, not one over every owned cluster: none holds the rows of hundreds of
    // clusters while it runs, so a replica taking one of them over does not wait long for its
    // first write behind a slow previous owner's touch (and SQLite still commits in batches).
    for (let i = 0; i < views.length; i += TOUCH_CHUNK) {
      await this.#db.transaction(async tx => {
        for (const { cluster, release } of views.slice(i, i + TOUCH_CHUNK)) {
          await tx(SHARED_CLUSTERS_TABLE)
            .where({ cluster: cluster.name, owner: this.#replicaId })
            .update({
              view: JSON.stringify(cluster),
              release: JSON.stringify(release),
              updated_at: now,
            });
        }
      });
    }
  }

  /**
   * Reads what changed since `known` (cluster → version and updated_at of what the caller
   * holds), skipping the clusters `skip` names (those the caller serves itself).
   */
  async poll(
    known: (cluster: string) => { version: string; updatedAt: number } | undefined,
    skip: (cluster: string) => boolean,
  ): Promise<SharedCluster[]> {
    const heads: Array<Pick<ClusterRow, 'cluster' | 'version' | 'updated_at'>> = await this.#db(
      SHARED_CLUSTERS_TABLE,
    ).select('cluster', 'version', 'updated_at');
    const withPools: string[] = [];
    const viewOnly: string[] = [];
    for (const head of heads) {
      if (skip(head.cluster)) continue;
      const mine = known(head.cluster);
      if (!mine || mine.version !== head.version) withPools.push(head.cluster);
      else if (mine.updatedAt !== Number(head.updated_at)) viewOnly.push(head.cluster);
    }
    const out: SharedCluster[] = [];
    for (let i = 0; i < withPools.length; i += CHUNK) {
      out.push(...(await this.#read(withPools.slice(i, i + CHUNK), true)));
    }
    for (let i = 0; i < viewOnly.length; i += CHUNK) {
      out.push(...(await this.#read(viewOnly.slice(i, i + CHUNK), false)));
    }
    return out;
  }

  async #read(names: string[], withPools: boolean): Promise<SharedCluster[]> {
    const rows: ClusterRow[] = await this.#db(SHARED_CLUSTERS_TABLE).whereIn('cluster', names);
    const byCluster = new Map<string, SharedCluster>();
    for (const row of rows) {
      byCluster.set(row.cluster, {
        cluster: JSON.parse(row.view),
        release: JSON.parse(row.release),
        owner: row.owner,
        version: row.version,
        updatedAt: Number(row.updated_at),
        pools: new Map(),
        details: new Map(),
        poolsIncluded: withPools,
      });
    }
    if (withPools) {
      const pools: Array<{ cluster: string; pool: string; view: string; detail: string }> =
        await this.#db(SHARED_POOLS_TABLE).whereIn('cluster', names).orderBy(['cluster', 'pool']);
      for (const p of pools) {
        const shared = byCluster.get(p.cluster);
        if (!shared) continue;
        shared.pools.set(p.pool, { view: JSON.parse(p.view), json: p.view });
        shared.details.set(p.pool, p.detail);
      }
    }
    return [...byCluster.values()];
  }
}
