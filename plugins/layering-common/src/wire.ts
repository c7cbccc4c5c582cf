/**
 * The wire contract of the layering backend (`/api/layering`): every REST answer and request
 * body, and the signal channels it publishes on. The backend's router is typed against these
 * types, and the frontend client and the actions' backend client read with them.
 */
import type {
  ClusterStatus,
  ClusterView,
  DriftStatus,
  LayeringRequestDelivery,
  LayeringRequestKind,
  LayeringRequestOutcome,
  LayeringRequestRecord,
  PoolView,
  ReleaseView,
} from './types';

/** Answer of every list route: `GET /clusters`, `/clusters/:cluster/pools`, `/pools`, `/…/requests`. @public */
export interface LayeringListResponse<T> {
  items: T[];
}

/** Answer of `GET /health`. @public */
export interface LayeringHealthResponse {
  status: 'ok';
}

/**
 * A cluster with the views of the pools the caller may read, as `GET /clusters/:cluster` answers.
 *
 * @public
 */
export interface LayeringClusterDetail extends ClusterView {
  pools: PoolView[];
}

/**
 * One entry of a cluster's update history, newest first in {@link LayeringClusterRelease}.
 *
 * @remarks
 * The backend always sends every field; a value it does not know is `null`, never missing.
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
 * The release a cluster runs and the base image it implies, as `GET /clusters/:cluster/release`
 * answers (the templates prefill from it).
 *
 * @public
 */
export interface LayeringClusterRelease extends ReleaseView {
  cluster: string;
  status: ClusterStatus;
  /** True when the cluster's data is stale: the release may have moved on. */
  stale: boolean;
  /** The update history, newest first; empty when the cluster reports none. */
  history: LayeringReleaseHistoryEntry[];
}

/**
 * Query of `GET /pools`: both filters accept `a,b` or a repeated parameter.
 *
 * @public
 */
export interface LayeringFleetQueryParams {
  drift?: DriftStatus | DriftStatus[];
  cluster?: string | string[];
}

/** Query of `GET /clusters/:cluster/pools/:pool/requests`. @public */
export interface LayeringRequestsQueryParams {
  /** At most this many records, newest first (1 to 500). */
  limit?: number;
}

/**
 * Body of `POST /clusters/:cluster/pools/:pool/requests` (service-to-service, the scaffolder only).
 * The answer is the {@link LayeringRequestRecord} (201 when created, 200 when an outcome moved).
 *
 * @public
 */
export interface LayeringRequestBody {
  kind: LayeringRequestKind;
  delivery: LayeringRequestDelivery;
  /** Required for `pull-request` delivery unless the outcome is `failed`; empty for `direct`. */
  pullRequestUrl?: string | null;
  /** The scaffolder task that makes the request; it must still be running. */
  taskId: string;
  /**
   * Sent by older action versions and ignored: the backend takes who asked from the task.
   */
  requestedBy?: string;
  outcome: LayeringRequestOutcome;
  summary?: string | null;
}

/** The record `POST /clusters/:cluster/pools/:pool/requests` answers with. @public */
export type LayeringRequestResponse = LayeringRequestRecord;

/** Signal channel of fleet-wide live updates (any pool or cluster changed). @public */
export const LAYERING_FLEET_CHANNEL = 'layering:fleet';

/** Signal channel of one pool's live updates: `layering:pool:<cluster>/<pool>`. @public */
export function layeringPoolChannel(cluster: string, pool: string): string {
  return `layering:pool:${cluster}/${pool}`;
}

/**
 * Message on a pool's channel ({@link layeringPoolChannel}): the pool's view changed; refetch it.
 *
 * @public
 */
export type LayeringPoolSignal = {
  type: 'pool-changed';
  cluster: string;
  pool: string;
};

/**
 * Message on {@link LAYERING_FLEET_CHANNEL}: these clusters changed (a cluster's first views
 * included), and these pools (`<cluster>/<pool>`, at most 200 named).
 *
 * @public
 */
export type LayeringFleetSignal = {
  type: 'fleet-changed';
  clusters: string[];
  pools: string[];
};
