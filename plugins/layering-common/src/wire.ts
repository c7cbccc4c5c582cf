/**
 * The wire contract of the layering backend (`/api/layering`): every REST answer and request
 * body, and the signal channels it publishes on. The backend's router is typed against these
 * types, and the frontend client and the actions' backend client read with them.
 */
import type {
  ClusterStatus,
  ClusterView,
  DriftStatus,
  DriftView,
  LayeringRequestDelivery,
  LayeringRequestKind,
  LayeringRequestOutcome,
  LayeringRequestRecord,
  PoolView,
  ReleaseView,
} from './types';

// The paged fleet answer, its summary and the drift trend (fleet page).
export * from './fleetWire';

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
  /** The updates ClusterVersion offers (recommended first, then conditional); absent from older backends. */
  updates?: LayeringOfferedUpdate[];
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
  /**
   * The request id `layering:manifest:render` made (a UUID, annotated on the rendered objects as
   * `layering.openshift.io/request-id`); a new record takes it as its id. Default: a new UUID.
   */
  requestId?: string;
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

/**
 * What a pool does when its cluster is updated to another release (`GET /clusters/:cluster/forecast`):
 * `follows` (default image: its nodes move to the new release's RHCOS), `rebuilds` (on-cluster
 * layering: a new build FROM the new base, then a rollout), `stays-pinned` (an out-of-cluster
 * `osImageURL`: its nodes keep their image) or `held` (paused: nothing rolls out until resumed).
 *
 * @public
 */
export type LayeringForecastOutcome = 'follows' | 'rebuilds' | 'stays-pinned' | 'held';

/** A known risk of a conditional update, as ClusterVersion `status.conditionalUpdates[].risks` names it. @public */
export interface LayeringUpdateRisk {
  name: string;
  message: string;
  url: string | null;
}

/** A condition of a conditional update (e.g. `Recommended`). @public */
export interface LayeringUpdateCondition {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
}

/**
 * One release a cluster may be updated to: from ClusterVersion `status.availableUpdates`, or from
 * `status.conditionalUpdates` (then `conditional` is true and its risks and conditions come along).
 *
 * @public
 */
export interface LayeringOfferedUpdate {
  version: string;
  /** The release payload image. */
  image: string;
  conditional: boolean;
  url?: string | null;
  risks?: LayeringUpdateRisk[];
  conditions?: LayeringUpdateCondition[];
}

/** Answer of `GET /clusters/:cluster/updates`: the releases the cluster is offered, newest first. @public */
export interface LayeringClusterUpdates {
  cluster: string;
  /** The release the cluster runs. */
  current: string | null;
  updates: LayeringOfferedUpdate[];
}

/** One pool in a {@link LayeringForecastResponse}. @public */
export interface LayeringForecastPool {
  name: string;
  outcome: LayeringForecastOutcome;
  /** The pool's predicted drift once the update has completed (against the new release). */
  drift: Pick<DriftView, 'status' | 'minorVersionsBehind' | 'releasesBehind' | 'reason'>;
  /** Nodes that would reboot: the pool's size when it follows or rebuilds, else 0. */
  reboots: number;
  /**
   * Builds the update starts for this pool, and their expected time: the median duration of the
   * pool's past successful MachineOSBuilds, null when it has none (or starts no build).
   */
  builds: { count: number; estimatedMinutes: number | null };
  /** One sentence: what happens to this pool and why. */
  reason: string;
}

/**
 * Answer of `GET /clusters/:cluster/forecast?to=<version>`: what each pool the caller may read
 * would do if the cluster were updated to `to`.
 *
 * @public
 */
export interface LayeringForecastResponse {
  cluster: string;
  /** The release the cluster runs. */
  from: string | null;
  to: string;
  /** The target release payload image. */
  image: string;
  /** The RHCOS build of the target release's `rhel-coreos` image, when the registry could tell. */
  rhcosVersion: string | null;
  conditional: boolean;
  /** The risks of a conditional update; absent for a recommended one. */
  risks?: LayeringUpdateRisk[];
  conditions?: LayeringUpdateCondition[];
  pools: LayeringForecastPool[];
}
