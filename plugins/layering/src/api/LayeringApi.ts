import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterStatus,
  ClusterView,
  DriftStatus,
  LayeringDeliveryOptions,
  LayeringRequestRecord,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';

/**
 * A cluster with the views of its pools, as `GET /clusters/:cluster` answers.
 *
 * @public
 */
export interface LayeringClusterDetail extends ClusterView {
  pools: PoolView[];
}

/**
 * One entry of a cluster's update history.
 *
 * @public
 */
export interface LayeringReleaseHistoryEntry {
  version: string;
  /** The release image. */
  image: string | null;
  /** `Completed` or `Partial`, as ClusterVersion reports it. */
  state: string | null;
  /** The RHCOS build of the release's default image, when known. */
  rhcosVersion: string | null;
}

/**
 * The release a cluster runs and the base image it implies, as
 * `GET /clusters/:cluster/release` answers. Used to prefill template fields.
 *
 * @public
 */
export interface LayeringReleaseInfo {
  cluster: string;
  status: ClusterStatus;
  /** True when the cluster's data is stale: the release may have moved on. */
  stale: boolean;
  /** OCP version, e.g. `4.18.21`. */
  version: string | null;
  /** The release's default RHCOS image by digest. */
  baseImage: string | null;
  /** The RHCOS build of `baseImage`, e.g. `418.94.202507221249-0`. */
  rhcosVersion: string | null;
  /** The update history, newest first. */
  history: LayeringReleaseHistoryEntry[];
}

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
