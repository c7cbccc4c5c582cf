import type {
  LayeringClusterUpdates,
  LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterView,
  DriftStatus,
  LayeringClusterDetail,
  LayeringClusterRelease,
  LayeringDeliveryOptions,
  LayeringFleetPageQueryParams,
  LayeringFleetPageResponse,
  LayeringRequestRecord,
  LayeringTrendQueryParams,
  LayeringTrendResponse,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';

// The answers are the wire contract of layering-common; these names stay for the plugin's users.
export type {
  LayeringClusterDetail,
  LayeringReleaseHistoryEntry,
} from '@rhcos-layering/plugin-layering-common';

/**
 * The release a cluster runs and the base image it implies, as
 * `GET /clusters/:cluster/release` answers (the wire contract's `LayeringClusterRelease`).
 *
 * @public
 */
export type LayeringReleaseInfo = LayeringClusterRelease;

/**
 * Filters of the fleet view.
 *
 * @public
 */
export interface LayeringFleetQuery {
  drift?: DriftStatus;
  cluster?: string;
}

/**
 * Read access to the layering backend (`/api/layering`).
 *
 * @public
 */
export interface LayeringApi {
  /** Every configured cluster and its reachability. */
  getClusters(options?: { signal?: AbortSignal }): Promise<ClusterView[]>;
  /** One cluster with the views of all its pools. */
  getCluster(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringClusterDetail>;
  /** The pools of one cluster. */
  getPools(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolView[]>;
  /** One pool with its nodes and builds. */
  getPool(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolDetail>;
  /**
   * The pool's current layering settings (Containerfiles, push spec and secret names, or its
   * osImageURL MachineConfig), so a form can start from what the pool has today.
   */
  getPoolLayering(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolLayeringSettings>;
  /** Every pool of every cluster, optionally filtered on the server. */
  getFleet(
    query?: LayeringFleetQuery,
    options?: { signal?: AbortSignal },
  ): Promise<PoolView[]>;
  /**
   * One page of the fleet's pools, filtered and sorted on the server, with the total and a
   * summary per drift status and cluster; pass the answer's `nextCursor` for the next page.
   */
  getFleetPage(
    query: LayeringFleetPageQueryParams,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringFleetPageResponse>;
  /** Pool counts per drift status over time, per cluster (the backend samples them). */
  getTrend(
    query?: LayeringTrendQueryParams,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringTrendResponse>;
  /** The cluster's release and its default RHCOS image by digest. */
  getRelease(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringReleaseInfo>;
  /**
   * Which GitHub and GitLab hosts the portal has credentials for, so a form can tell whether a
   * pull request can be opened without a personal token. Never the credentials themselves.
   */
  getDeliveryOptions(options?: {
    signal?: AbortSignal;
  }): Promise<LayeringDeliveryOptions>;
  /** Requests made for a pool through the portal, newest first. */
  getRequests(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringRequestRecord[]>;
  /** The releases the cluster is offered (recommended, then conditional with their risks). */
  getUpdates(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringClusterUpdates>;
  /** What each pool the user may read would do if the cluster were updated to `to`. */
  getForecast(
    cluster: string,
    to: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringForecastResponse>;
}

/**
 * Reference to the {@link LayeringApi}.
 *
 * @public
 */
export const layeringApiRef = createApiRef<LayeringApi>().with({
  id: 'plugin.layering.service',
  pluginId: 'layering',
});
