import type {
  ClusterView,
  DriftStatus,
  LayeringClusterRelease,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';

/** A change of pool views, as announced to subscribers. @public */
export interface FleetChange {
  cluster: string;
  /** Pools whose view changed, was added or was removed. */
  pools: string[];
  /** The cluster view (status, release) changed. */
  clusterChanged: boolean;
  /** The first views of the cluster since the backend started (every pool is new). */
  initial: boolean;
}

/** Filters of the fleet pool listing. @public */
export interface FleetPoolFilter {
  drift?: DriftStatus[];
  clusters?: string[];
}

/** A serialised fleet answer. @public */
export interface FleetPoolsResponse {
  /** Strong ETag of the body; changes whenever the answer does. */
  etag: string;
  /** UTF-8 JSON of `{ items: PoolView[] }`. */
  body: Buffer;
  /** The body gzipped (computed on first use, then kept). */
  gzipped(): Buffer;
}

/**
 * The release of a cluster, for the templates: the answer of `GET /clusters/:cluster/release`,
 * defined by the wire contract in layering-common.
 *
 * @public
 */
export type ClusterRelease = LayeringClusterRelease;

/**
 * Cluster and pool views of every configured cluster, served from watch
 * caches. Shared by the `layering` plugin (REST API, signals) and the
 * catalog module (entity provider).
 *
 * @public
 */
export interface LayeringFleetService {
  /** Every cluster, in configuration order. */
  listClusters(): ClusterView[];
  /** One cluster, or undefined when it is not configured. */
  getCluster(cluster: string): ClusterView | undefined;
  /** Pool views of a cluster, by name; undefined when the cluster is not configured. */
  listPools(cluster: string): PoolView[] | undefined;
  /** Pool detail with nodes and builds; undefined when the cluster or pool is unknown. */
  getPool(cluster: string, pool: string): PoolDetail | undefined;
  /**
   * The pool's current layering settings (Containerfiles, push spec and secret names of its
   * MachineOSConfig, or its osImageURL MachineConfig); undefined when the cluster or pool is
   * unknown. The MachineOSConfig is read from the cluster with one GET.
   */
  getPoolLayering(cluster: string, pool: string): Promise<PoolLayeringSettings | undefined>;
  /** Pools of the whole fleet, filtered. */
  listFleetPools(filter?: FleetPoolFilter): PoolView[];
  /**
   * The same pools as {@link LayeringFleetService.listFleetPools}, as the serialised JSON of
   * `{ items }` with an ETag: views are serialised once when they change, and an answer is
   * kept (with its gzip form) until any pool changes, not rebuilt per request.
   */
  listFleetPoolsResponse(filter?: FleetPoolFilter): FleetPoolsResponse;
  /**
   * A number that changes whenever a cluster's status, the set of clusters or any pool view
   * changes. Equal numbers mean the statuses of {@link LayeringFleetService.listClusters} and the
   * views of {@link LayeringFleetService.listFleetPools} are as they were, so a caller can keep
   * what it derived from them without building a view of every cluster again.
   */
  viewsVersion(): number;
  /** Release facts of a cluster; undefined when the cluster is not configured. */
  getRelease(cluster: string): ClusterRelease | undefined;
  /** Calls `listener` after views changed; returns the unsubscribe function. */
  subscribe(listener: (change: FleetChange) => void): () => void;
  /** Resolves once every cluster has left the initial `syncing` state and views are built. */
  ready(): Promise<void>;
}
