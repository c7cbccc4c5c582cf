/** How a pool gets its OS image. @public */
export type LayeringMode = 'none' | 'on-cluster' | 'out-of-cluster';

/** Drift of a pool's base RHCOS against the cluster release's RHCOS. @public */
export type DriftStatus = 'in-sync' | 'behind' | 'ahead' | 'unknown';

/** Reachability of a cluster as seen by the backend's watch caches. @public */
export type ClusterStatus =
  | 'ok'
  | 'syncing'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'error';

/**
 * How far a pool's base RHCOS is from the one its cluster's release ships, with a reason to show.
 *
 * @public
 */
export interface DriftView {
  status: DriftStatus;
  /** OCP minor of the release minus OCP minor of the pool's base build; null when the version format does not encode it. */
  minorVersionsBehind: number | null;
  /** Entries of the cluster's update history the base is behind; null when it matches none. */
  releasesBehind: number | null;
  /** Days between the two RHCOS build dates (positive when the pool's base is older). */
  ageDays: number | null;
  /** The release of the cluster's history whose RHCOS matches the pool's base, when one does. */
  matchedRelease?: string | null;
  /** One sentence a person can act on. */
  reason: string;
}

/**
 * A pool's drift: the top-level fields describe the oldest RHCOS that any node of the pool boots
 * (its target's when it has no nodes); `target` gives the same for the pool's target image, where
 * the pool goes once rolled out. Older backends leave `target` out.
 *
 * @public
 */
export interface PoolDriftView extends DriftView {
  target?: DriftView;
}

/**
 * The OCP release a cluster runs and the RHCOS image that release ships.
 *
 * @public
 */
export interface ReleaseView {
  /** OCP version, e.g. `4.18.21`. */
  version: string | null;
  /** The release's default RHCOS image by digest (`baseOSContainerImage`). */
  baseImage: string | null;
  /** The RHCOS build of `baseImage`, e.g. `418.94.202507221249-0`. */
  rhcosVersion: string | null;
}

/**
 * One configured cluster as the backend's watch caches see it: reachability, last sync and
 * release.
 *
 * @public
 */
export interface ClusterView {
  name: string;
  status: ClusterStatus;
  error?: string;
  /** ISO time of the last successful sync of the caches. */
  lastSync: string | null;
  release: ReleaseView;
  /** API version of MachineOSConfig/MachineOSBuild served, when any. */
  machineOSConfigApiVersion?: 'v1' | 'v1alpha1' | null;
  /** Single-node cluster (control plane topology SingleReplica). */
  singleNode?: boolean;
  /**
   * Who the actions write as when a change to this cluster is applied directly: the portal's
   * writer service credential, the `person` who runs the task (with their OpenShift OAuth token,
   * asked for by the form), or `none` (no writer: only pull requests).
   */
  directApplyAs?: 'service' | 'person' | 'none';
}

/**
 * One entry of a MachineConfigPool's `status.conditions`.
 *
 * @public
 */
export interface PoolCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * State of a MachineOSBuild, read from its conditions; `Unknown` when it has none of the build
 * conditions.
 *
 * @public
 */
export type BuildState =
  | 'Prepared'
  | 'Building'
  | 'Succeeded'
  | 'Failed'
  | 'Interrupted'
  | 'Unknown';

/**
 * Where a pool's update stands: `degraded` wins over `building`, which wins over a `paused` or
 * `rolling` update; `unknown` when the cluster's data is stale.
 *
 * @public
 */
export type RolloutState =
  | 'idle'
  | 'rolling'
  | 'paused'
  | 'degraded'
  | 'building'
  | 'unknown';

/**
 * One MachineConfigPool with its layering, latest build, drift and rollout, as the fleet lists it.
 *
 * @public
 */
export interface PoolView {
  cluster: string;
  name: string;
  paused: boolean;
  machineCount: number;
  readyMachineCount: number;
  updatedMachineCount: number;
  degradedMachineCount: number;
  conditions: PoolCondition[];
  /** Target rendered config (`spec.configuration.name`). */
  renderedConfig: string | null;
  layering: {
    mode: LayeringMode;
    /** MachineOSConfig name (on-cluster) or MachineConfig name (out-of-cluster). */
    source?: string;
    image?: string | null;
  };
  build?: { name: string; state: BuildState } | null;
  image: { target: string | null; baseRhcosVersion: string | null };
  release: { version: string | null; rhcosVersion: string | null };
  drift: PoolDriftView;
  rollout: { state: RolloutState; updated: number; total: number };
  /** Per-node RHCOS builds (`status.nodeInfo.osImage`), so a half-rolled pool shows both. */
  nodeRhcosVersions: Array<{ rhcosVersion: string | null; count: number }>;
  /** True when the cluster's data is stale or missing: nothing here may be read as in sync. */
  stale: boolean;
  /**
   * MachineConfig roles the pool's `machineConfigSelector` selects (e.g. `['worker', 'infra']`),
   * when known. A custom pool that selects `worker` inherits every worker MachineConfig.
   */
  selectedRoles?: string[] | null;
}

/**
 * One node of a pool: the rendered configs and images the Machine Config Daemon reports, and
 * whether it is ready.
 *
 * @public
 */
export interface NodeView {
  name: string;
  currentConfig: string | null;
  desiredConfig: string | null;
  state: string | null;
  reason: string | null;
  currentImage: string | null;
  desiredImage: string | null;
  rhcosVersion: string | null;
  ready: boolean;
  unschedulable: boolean;
}

/**
 * One MachineOSBuild of a pool: its state, when it ran and the image it produced.
 *
 * @public
 */
export interface BuildView {
  name: string;
  state: BuildState;
  start: string | null;
  end: string | null;
  image: string | null;
  renderedConfig: string | null;
}

/**
 * A pool with its nodes and builds, as the pool page shows it.
 *
 * @public
 */
export interface PoolDetail extends PoolView {
  nodes: NodeView[];
  builds: BuildView[];
}

/**
 * A pool's current layering settings, as the forms start from them
 * (`GET /clusters/:cluster/pools/:pool/layering`).
 *
 * @remarks
 * Only secret names are given, never secret contents.
 * @public
 */
export type PoolLayeringSettings =
  | { mode: 'none' }
  | {
      mode: 'on-cluster';
      /** MachineOSConfig name (equal to the pool name on v1). */
      name: string;
      /** The served version, e.g. `machineconfiguration.openshift.io/v1`. */
      apiVersion: string;
      /** The Containerfiles, architecture in v1 spelling (`NoArch`, `AMD64`, ...). */
      containerfiles: Array<{ arch: string; content: string }>;
      /** Where builds are pushed, tag form. */
      renderedImagePushSpec: string;
      /** Name of the secret builds push with. */
      renderedImagePushSecret: string;
      /** Name of the secret the base image is pulled with; null when the MCO's default applies. */
      baseImagePullSecret: string | null;
      /** Digest pull spec of the image the pool should run, when a build published one. */
      currentImage: string | null;
    }
  | {
      mode: 'out-of-cluster';
      /** The MachineConfig that sets the pool's `osImageURL`. */
      name: string;
      osImageURL: string | null;
    };

/**
 * Every kind of change a request can make; the backend's request API and the
 * `layering:request:record` action accept exactly these.
 *
 * @public
 */
export const LAYERING_REQUEST_KINDS = [
  'on-cluster-layer',
  'out-of-cluster-layer',
  'modify',
  'rebase',
  'revert',
  'pause',
  'resume',
  'rebuild',
  'delete-build',
  'assign-nodes',
] as const;

/** Kinds of change a request can make. @public */
export type LayeringRequestKind = (typeof LAYERING_REQUEST_KINDS)[number];

/** How a request is delivered: a pull or merge request, or applied to the cluster. @public */
export const LAYERING_REQUEST_DELIVERIES = ['pull-request', 'direct'] as const;

/** How a request is delivered. @public */
export type LayeringRequestDelivery = (typeof LAYERING_REQUEST_DELIVERIES)[number];

/** Outcomes a recorded request can have. @public */
export const LAYERING_REQUEST_OUTCOMES = [
  'opened',
  'applied',
  'failed',
  'merged',
  'closed',
  'superseded',
] as const;

/** Outcome of a recorded request. @public */
export type LayeringRequestOutcome = (typeof LAYERING_REQUEST_OUTCOMES)[number];

/** A request made through the portal, recorded by the actions through the backend. @public */
export interface LayeringRequestRecord {
  id: string;
  cluster: string;
  pool: string;
  kind: LayeringRequestKind;
  delivery: LayeringRequestDelivery;
  pullRequestUrl?: string | null;
  taskId?: string | null;
  requestedBy: string;
  createdAt: string;
  outcome: LayeringRequestOutcome;
  summary?: string | null;
  /**
   * What happened to the request, oldest first: the pull request's review (opened, approved,
   * merged, closed, superseded) and what followed on the cluster (applied, build, rollout).
   * Absent only in answers of older backends.
   */
  events?: LayeringRequestEvent[];
}

/**
 * Kinds of event in a request's history: the forge side (`opened` … `superseded`) and the
 * cluster side (`applied` … `rollout-degraded`), plus `failed`.
 * @public
 */
export const LAYERING_REQUEST_EVENT_TYPES = [
  'opened',
  'approved',
  'merged',
  'closed',
  'superseded',
  'applied',
  'build-started',
  'build-succeeded',
  'build-failed',
  'rollout-progress',
  'rollout-done',
  'rollout-degraded',
  'failed',
] as const;

/** Kind of event in a request's history. @public */
export type LayeringRequestEventType = (typeof LAYERING_REQUEST_EVENT_TYPES)[number];

/** One event in a request's history. @public */
export interface LayeringRequestEvent {
  type: LayeringRequestEventType;
  /** ISO 8601 time, UTC, at which it happened (as the forge or the cluster reported it). */
  at: string;
  /** Who did it, when known: an entity ref, or a forge login such as `github:alice`. */
  by?: string;
  /** One line saying more, e.g. `3 of 5 nodes updated` or the build's name. */
  detail?: string;
  /** Where to see it: the pull request, the review, the build. */
  url?: string;
}

/** The forges the templates can open a change request on. @public */
export type LayeringForgeKind = 'github' | 'gitlab';

/**
 * One host of a forge that the portal has an integration for.
 *
 * @public
 */
export interface LayeringForgeHost {
  kind: LayeringForgeKind;
  /** The host name, e.g. `github.com`. */
  host: string;
  /**
   * True when the integration has credentials the portal can open a pull or merge request with:
   * for GitHub a token or a GitHub App, for GitLab a token.
   */
  credentials: boolean;
}

/**
 * How the portal can deliver a request, as `GET /delivery` answers.
 *
 * @remarks
 * Says only whether credentials are configured, never what they are.
 * @public
 */
export interface LayeringDeliveryOptions {
  /** Every GitHub and GitLab host the portal knows, GitHub first, in config order. */
  forges: LayeringForgeHost[];
  /** True when at least one host has credentials, so a pull request can be opened without a personal token. */
  pullRequestAvailable: boolean;
}
