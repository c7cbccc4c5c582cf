import {
  isBuiltInPool,
  runPreflight,
  type BuildState,
  type ClusterView,
  type IssueSeverity,
  type PoolDetail,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { isClusterDown } from '../../lib/presentation';
import { pinnedWarning } from './pinned';

/**
 * The two ways a pool gets a layered image: built on the cluster from a
 * MachineOSConfig, or built elsewhere and set as a MachineConfig's `osImageURL`.
 *
 * @public
 */
export type LayeringChangeMode = 'on-cluster' | 'out-of-cluster';

/**
 * What a template does to the pool: to its layered image, or to its `spec.paused`.
 *
 * @public
 */
export type LayeringOperation =
  | 'create'
  | 'modify'
  | 'revert'
  | 'pause'
  | 'resume';

const OPERATIONS: readonly LayeringOperation[] = [
  'create',
  'modify',
  'revert',
  'pause',
  'resume',
];

/** The operation a form field holds, when it holds one. */
export function asOperation(
  value: string | undefined,
): LayeringOperation | undefined {
  return OPERATIONS.find(operation => operation === value);
}

/**
 * `ui:options` of the `LayeringRequestPreview` field.
 *
 * @public
 */
export interface LayeringRequestPreviewOptions {
  /** Form field holding the `LayeringPoolPicker` value (default `target`). */
  poolField?: string;
  /** A fixed cluster, instead of the one chosen in the form. */
  cluster?: string;
  /** Form field holding the roll-out choice, `now` or `build-first` (default `rollout`); a revert has none. */
  rolloutField?: string;
  /**
   * The kind of change the template makes; without it (and without `modeField`) no pre-flight
   * rule is run, except for a revert, which reads how the pool is layered today.
   */
  mode?: LayeringChangeMode;
  /**
   * Form field holding the kind of change, `on-cluster` or `out-of-cluster`, when the user
   * chooses it (e.g. `layeredAs` in the revert template); `mode` wins when both are set.
   */
  modeField?: string;
  /**
   * `create` (default) for a new layer; `modify` for a template that changes the pool's
   * existing one; `revert` for a template that removes the pool's layered image, so its nodes
   * go back to the base image; `pause` or `resume` for a template that sets the pool's
   * `spec.paused`.
   */
  operation?: LayeringOperation;
  /**
   * Form field holding the operation when the user chooses it (e.g. `operation` in the pause
   * or resume template, whose values are `pause` and `resume`). Its value wins; `operation`
   * applies while the field holds no known operation.
   */
  operationField?: string;
}

/** Custom pools that get a worker change too. */
export interface InheritingPools {
  /**
   * True when every custom pool reported the roles its `machineConfigSelector`
   * selects, so `pools` are exactly those selecting `worker`; false when some
   * did not, so `pools` are all the cluster's custom pools.
   */
  known: boolean;
  pools: string[];
}

/** Pause or resume: what the pool has not rolled out yet. */
export interface PendingRollout {
  /** The rendered config the pool's nodes should run (`spec.configuration.name`). */
  targetConfig: string | null;
  /** True when the pool is layered on-cluster, so its nodes should also run its published image. */
  imageToo: boolean;
  /**
   * Names of the nodes not on the target: their desired or current config differs from it, or
   * (layered on-cluster) their desired or current image differs from the published one.
   * Empty when the backend lists no node or the target is unknown; see `behindCount`.
   */
  behind: string[];
  /** Of `behind`, the nodes already told to update (desired differs from current): a pause does not stop them. */
  updating: string[];
  /** How many nodes are behind: `behind.length`, else from the pool's updated machine count. */
  behindCount: number;
  /** The newest on-cluster build when it has not succeeded: the roll-out waits for it. */
  build?: { name: string; state: BuildState; running: boolean };
}

/** What a layering request will do to a pool, as far as the portal can tell. */
export interface RequestPreview {
  cluster: string;
  pool: string;
  operation: LayeringOperation;
  /** The kind of layering the request is about: the pool's own for a revert of a layered pool. */
  mode?: LayeringChangeMode;
  /** Revert: the object the request deletes (name unknown when the pool does not report it). */
  removes?: { kind: 'MachineOSConfig' | 'MachineConfig'; name?: string };
  /**
   * Nothing changes: a revert of a pool that has no layered image, a pause of a paused pool,
   * a resume of a pool that is not paused.
   */
  unchanged?: boolean;
  /**
   * True when nodes reboot as soon as the change lands (not build-first, pool not paused,
   * something changes). For a resume, when nodes are behind and no build is awaited.
   */
  rebootsNow: boolean;
  /** Why nothing reboots now, when `rebootsNow` is false; `build` when a resume waits for the newest build. */
  deferredBecause?: 'build-first' | 'paused' | 'build';
  /** Pause or resume of a pool not yet in that state: what it has not rolled out. */
  pending?: PendingRollout;
  /** Names of the pool's nodes; empty when the backend lists none. */
  nodes: string[];
  /** Number of machines in the pool. */
  machineCount: number;
  /**
   * Set when the pool is `worker` and the change is out-of-cluster. For a revert, custom pools
   * with an osImageURL MachineConfig of their own are left out: theirs keeps winning.
   */
  inheriting?: InheritingPools;
  /** Pre-flight findings that apply with the data at hand. */
  warnings: Array<{ severity: IssueSeverity; message: string }>;
  /** False when no `mode` was given, so no pre-flight rule ran. */
  checked: boolean;
}

/** Custom pools of a cluster that inherit worker MachineConfigs. */
export function inheritingPools(pools: PoolView[]): InheritingPools {
  const custom = pools.filter(p => !isBuiltInPool(p.name));
  const known = custom.every(p => Array.isArray(p.selectedRoles));
  return {
    known,
    pools: custom
      .filter(p => !known || (p.selectedRoles ?? []).includes('worker'))
      .map(p => p.name),
  };
}

type PreviewCluster = ClusterView & { pools: PoolView[] };

/**
 * The pre-flight findings about the pool and the cluster: secrets, push spec and Containerfile
 * are checked by their own fields and by the action.
 */
function poolWarnings(
  pool: PoolDetail,
  cluster: PreviewCluster,
  mode: LayeringChangeMode,
  operation: LayeringOperation,
): RequestPreview['warnings'] {
  // The pool's detail is read alongside the cluster view; it stands for the pool in both.
  const pools = cluster.pools.some(p => p.name === pool.name)
    ? cluster.pools.map(p => (p.name === pool.name ? pool : p))
    : [...cluster.pools, pool];
  const result = runPreflight({
    mode,
    operation,
    pool: pool.name,
    cluster: {
      machineOSConfigApiVersion: cluster.machineOSConfigApiVersion,
      singleNode: cluster.singleNode,
      stale: pool.stale || isClusterDown(cluster.status),
    },
    pools,
    // The pool views name the MachineOSConfig of each on-cluster pool.
    machineOSConfigs: pools.flatMap(p =>
      p.layering.mode === 'on-cluster' && p.layering.source
        ? [{ name: p.layering.source, pool: p.name }]
        : [],
    ),
    secrets: [],
  });
  return result.issues
    .filter(found => found.field === 'pool' || found.field === 'cluster')
    .map(found => ({ severity: found.severity, message: found.message }));
}

const RUNNING_BUILD_STATES: BuildState[] = ['Prepared', 'Building'];
const FAILED_BUILD_STATES: BuildState[] = ['Failed', 'Interrupted'];

/**
 * What a pool has not rolled out: its nodes against the pool's target config (and, layered
 * on-cluster, the image its MachineOSConfig publishes), and a newest build that has not
 * succeeded.
 */
export function pendingRollout(pool: PoolDetail): PendingRollout {
  const imageToo = pool.layering.mode === 'on-cluster';
  const targetConfig = pool.renderedConfig;
  const targetImage = imageToo ? pool.layering.image ?? null : null;
  const sameImage = (a: string | null, b: string | null) =>
    !imageToo || (a ?? null) === (b ?? null);

  const updating = pool.nodes.filter(
    n =>
      n.desiredConfig !== n.currentConfig ||
      !sameImage(n.desiredImage, n.currentImage),
  );
  const known = targetConfig !== null && pool.nodes.length > 0;
  const behind = known
    ? pool.nodes.filter(
        n =>
          updating.includes(n) ||
          n.desiredConfig !== targetConfig ||
          // Without a published image the build decides; the nodes cannot be behind it yet.
          (targetImage !== null && !sameImage(n.desiredImage, targetImage)),
      )
    : [];

  let build: PendingRollout['build'];
  if (imageToo && pool.build) {
    const running = RUNNING_BUILD_STATES.includes(pool.build.state);
    if (running || FAILED_BUILD_STATES.includes(pool.build.state)) {
      build = { name: pool.build.name, state: pool.build.state, running };
    }
  }

  return {
    targetConfig,
    imageToo,
    behind: behind.map(n => n.name),
    updating: updating.map(n => n.name),
    behindCount: known
      ? behind.length
      : Math.max(0, pool.machineCount - pool.updatedMachineCount),
    build,
  };
}

/** The preview of pausing or resuming `pool`. */
function pauseResumePreview(input: {
  pool: PoolDetail;
  cluster: PreviewCluster;
  operation: 'pause' | 'resume';
}): RequestPreview {
  const { pool, cluster, operation } = input;
  const mode = pool.layering.mode === 'none' ? undefined : pool.layering.mode;
  const unchanged = operation === 'pause' ? pool.paused : !pool.paused;
  const pending = unchanged ? undefined : pendingRollout(pool);

  let deferredBecause: RequestPreview['deferredBecause'];
  let rebootsNow = false;
  if (operation === 'resume' && pending) {
    if (pending.build) deferredBecause = 'build';
    else rebootsNow = pending.behindCount > 0;
  }

  return {
    cluster: cluster.name,
    pool: pool.name,
    operation,
    mode,
    unchanged,
    rebootsNow,
    deferredBecause,
    pending,
    nodes: pool.nodes.map(n => n.name),
    machineCount: pool.machineCount,
    // The pause and resume rules do not read the mode.
    warnings: poolWarnings(pool, cluster, mode ?? 'on-cluster', operation),
    checked: true,
  };
}

/**
 * The preview of a request on `pool`: its nodes, whether they reboot now,
 * the custom pools a worker change reaches, and the pre-flight findings that
 * depend only on the pool and cluster (not on the fields of later pages).
 * For a pause or a resume: what the pool has pending and which nodes reboot.
 */
export function buildPreview(input: {
  pool: PoolDetail;
  cluster: PreviewCluster;
  /** The kind of change the template or the form names. */
  mode?: LayeringChangeMode;
  operation?: LayeringOperation;
  rollout?: string;
}): RequestPreview {
  const { pool, cluster } = input;
  const operation = input.operation ?? 'create';
  if (operation === 'pause' || operation === 'resume') {
    return pauseResumePreview({ pool, cluster, operation });
  }
  const revert = operation === 'revert';
  const layeredAs =
    pool.layering.mode === 'none' ? undefined : pool.layering.mode;
  // A revert removes whatever layers the pool today, whatever the form says.
  const mode = revert ? layeredAs ?? input.mode : input.mode;
  const unchanged = revert && pool.layering.mode === 'none';

  let deferredBecause: RequestPreview['deferredBecause'];
  if (!revert && input.rollout === 'build-first')
    deferredBecause = 'build-first';
  else if (pool.paused && !unchanged) deferredBecause = 'paused';

  // A pool without a layered image gets the same revert findings whatever the mode.
  const preflightMode =
    input.mode ?? mode ?? (unchanged ? 'on-cluster' : undefined);
  const warnings = preflightMode
    ? poolWarnings(pool, cluster, preflightMode, operation)
    : [];
  const pinned =
    !revert && mode === 'on-cluster'
      ? pinnedWarning(pool, cluster.pools)
      : undefined;
  if (pinned) warnings.unshift(pinned);

  let inheriting: InheritingPools | undefined;
  if (pool.name === 'worker' && mode === 'out-of-cluster') {
    inheriting = inheritingPools(cluster.pools);
    const workerSource = pool.layering.source;
    if (revert && workerSource) {
      const ownImage = new Set(
        cluster.pools
          .filter(
            p =>
              p.layering.mode === 'out-of-cluster' &&
              p.layering.source !== undefined &&
              p.layering.source !== workerSource,
          )
          .map(p => p.name),
      );
      inheriting = {
        ...inheriting,
        pools: inheriting.pools.filter(name => !ownImage.has(name)),
      };
    }
  }

  let removes: RequestPreview['removes'];
  if (revert && mode && !unchanged) {
    removes = {
      kind: mode === 'on-cluster' ? 'MachineOSConfig' : 'MachineConfig',
      name: layeredAs === mode ? pool.layering.source : undefined,
    };
  }

  return {
    cluster: cluster.name,
    pool: pool.name,
    operation,
    mode,
    removes,
    unchanged: revert ? unchanged : undefined,
    rebootsNow: deferredBecause === undefined && !unchanged,
    deferredBecause,
    nodes: pool.nodes.map(n => n.name),
    machineCount: pool.machineCount,
    inheriting,
    warnings,
    checked: preflightMode !== undefined,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** How many names a summary sentence spells out before it counts the rest. */
const NAMES_IN_SUMMARY = 5;

/** `a, b and 3 more`: node names for a sentence, the list cut short. */
function namesPhrase(names: string[]): string {
  if (names.length <= NAMES_IN_SUMMARY) return names.join(', ');
  return `${names.slice(0, NAMES_IN_SUMMARY).join(', ')} and ${
    names.length - NAMES_IN_SUMMARY
  } more`;
}

/** The MCO updates `maxUnavailable` nodes at a time, 1 unless the pool sets it. */
function pace(count: number): string {
  return count > 1
    ? ", one at a time unless the pool's maxUnavailable allows more"
    : '';
}

/** What the nodes of a pool should run, for a sentence. */
function targetPhrase(pending: PendingRollout): string {
  if (pending.targetConfig === null) {
    return pending.imageToo
      ? "the pool's configuration and image"
      : "the pool's configuration";
  }
  return pending.imageToo
    ? `${pending.targetConfig} and the pool's image`
    : pending.targetConfig;
}

/** Pause or resume: the sentence about reboots. */
function pauseResumeRebootSentence(
  preview: RequestPreview,
  pending: PendingRollout,
): string {
  const pool = preview.pool;
  if (preview.operation === 'pause') {
    const updating = pending.updating;
    if (updating.length === 0) {
      return `No node of pool ${pool} is updated or rebooted while it is paused.`;
    }
    const one = updating.length === 1;
    return `Pausing does not stop ${namesPhrase(updating)}, already updating: ${
      one ? 'it finishes' : 'they finish'
    } and ${
      one ? 'reboots' : 'reboot'
    }. No other node of pool ${pool} is updated or rebooted while it is paused.`;
  }
  const all = preview.nodes.length || preview.machineCount;
  const build = pending.build;
  if (build?.running) {
    return `No node reboots now: pool ${pool} waits for image build ${
      build.name
    }, still running; once it succeeds its ${plural(all, 'node')} ${
      all === 1 ? 'reboots' : 'reboot'
    } into the new image${pace(all)}.`;
  }
  const count = pending.behindCount;
  if (count === 0) {
    return `No node reboots: every node of pool ${pool} is already on ${targetPhrase(
      pending,
    )}; later changes roll out as they come.`;
  }
  const nodes = plural(count, 'node');
  if (build) {
    return `No node reboots now: the newest image build ${
      build.name
    } of pool ${pool} ${
      build.state === 'Failed' ? 'failed' : 'was interrupted'
    }; its ${nodes} not on ${targetPhrase(pending)} wait${
      count === 1 ? 's' : ''
    } for a build that succeeds.`;
  }
  const names = pending.behind.length ? `: ${namesPhrase(pending.behind)}` : '';
  return `${nodes} of pool ${pool} ${
    count === 1 ? 'reboots' : 'reboot'
  } now into ${targetPhrase(pending)}${pace(count)}${names}.`;
}

/** Pause: the sentence about what waits for the resume. */
export function pendingSentence(preview: RequestPreview): string | undefined {
  const pending = preview.pending;
  if (preview.operation !== 'pause' || !pending) return undefined;
  const parts: string[] = [];
  if (pending.build?.running) {
    parts.push(
      `Image build ${pending.build.name} still runs while the pool is paused; its image waits for the resume.`,
    );
  }
  // The nodes already updating finish; the others wait.
  const waiting = pending.behind.filter(n => !pending.updating.includes(n));
  const count = pending.behind.length
    ? waiting.length
    : pending.behindCount - pending.updating.length;
  if (count > 0) {
    parts.push(
      `Waiting for the resume: ${plural(
        count,
        'node',
      )} not yet on ${targetPhrase(pending)}${
        waiting.length ? ` (${namesPhrase(waiting)})` : ''
      }.`,
    );
  }
  if (parts.length === 0) {
    // Nodes already updating are in the reboot sentence.
    parts.push(
      pending.behindCount > 0
        ? 'Nothing else waits for the resume.'
        : `Nothing is pending: every node of pool ${
            preview.pool
          } is on ${targetPhrase(pending)}.`,
    );
  }
  return parts.join(' ');
}

/** The nodes the field lists as rebooting now. */
export function rebootingNodes(preview: RequestPreview): string[] {
  if (!preview.rebootsNow) return [];
  return preview.pending ? preview.pending.behind : preview.nodes;
}

/** Revert: the sentence about what is deleted, when the kind of layering is known. */
export function removalSentence(preview: RequestPreview): string | undefined {
  const removes = preview.removes;
  if (!removes) return undefined;
  if (removes.kind === 'MachineOSConfig') {
    return `Reverts pool ${preview.pool} by removing ${
      removes.name ? `MachineOSConfig ${removes.name}` : 'its MachineOSConfig'
    }; the MCO deletes its builds.`;
  }
  return `Reverts pool ${preview.pool} by removing ${
    removes.name
      ? `MachineConfig ${removes.name}, which sets`
      : 'the MachineConfig that sets'
  } its osImageURL.`;
}

/** The sentence about reboots. */
export function rebootSentence(preview: RequestPreview): string {
  const count = preview.nodes.length || preview.machineCount;
  const nodes = plural(count, 'node');
  const reboot = count === 1 ? 'reboots' : 'reboot';
  const into = preview.operation === 'revert' ? 'back into the base image' : '';
  if (preview.unchanged) {
    return `No node of pool ${preview.pool} reboots.`;
  }
  if (preview.pending) {
    return pauseResumeRebootSentence(preview, preview.pending);
  }
  if (preview.deferredBecause === 'build-first') {
    return `No node reboots now: pool ${preview.pool} is paused first; its ${nodes} ${reboot} once it is resumed.`;
  }
  if (preview.deferredBecause === 'paused') {
    return `No node reboots now: pool ${
      preview.pool
    } is paused; its ${nodes} ${reboot}${
      into ? ` ${into}` : ''
    } once it is resumed.`;
  }
  return `${nodes} of pool ${preview.pool} ${reboot} ${
    into || 'into the new image'
  }, one at a time.`;
}

/** The sentence about custom pools that get a worker change, if any. */
export function inheritSentence(preview: RequestPreview): string | undefined {
  const inheriting = preview.inheriting;
  if (!inheriting || inheriting.pools.length === 0) return undefined;
  const names = inheriting.pools.join(', ');
  if (!inheriting.known) {
    return `Custom pools inherit worker MachineConfigs (their selector includes role worker); this cluster's custom pools: ${names}.`;
  }
  return preview.operation === 'revert'
    ? `Custom pools that inherit this worker MachineConfig revert too and reboot: ${names}.`
    : `Custom pools that inherit this worker change and reboot too: ${names}.`;
}

/** The short text kept as the field's value, so the review step shows it. */
export function previewSummary(preview: RequestPreview): string {
  const removal = removalSentence(preview);
  const parts = removal ? [removal] : [];
  parts.push(rebootSentence(preview));
  const pending = pendingSentence(preview);
  if (pending) parts.push(pending);
  const inherit = inheritSentence(preview);
  if (inherit) parts.push(inherit);
  if (preview.warnings.length > 0) {
    parts.push(
      `${plural(preview.warnings.length, 'warning')}: ${preview.warnings
        .map(w => w.message)
        .join(' ')}`,
    );
  }
  return parts.join(' ');
}
