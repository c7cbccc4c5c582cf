import {
  runPreflight,
  type ClusterView,
  type IssueSeverity,
  type PoolDetail,
  type PoolView,
} from '@internal/plugin-layering-common';
import { isClusterDown } from '../../lib/presentation';

/** The two ways a pool gets a layered image. */
export type LayeringChangeMode = 'on-cluster' | 'out-of-cluster';

/** What a template does to the pool's layered image. */
export type LayeringOperation = 'create' | 'modify' | 'revert';

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
   * go back to the base image.
   */
  operation?: LayeringOperation;
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

/** What a layering request will do to a pool, as far as the portal can tell. */
export interface RequestPreview {
  cluster: string;
  pool: string;
  operation: LayeringOperation;
  /** The kind of layering the request is about: the pool's own for a revert of a layered pool. */
  mode?: LayeringChangeMode;
  /** Revert: the object the request deletes (name unknown when the pool does not report it). */
  removes?: { kind: 'MachineOSConfig' | 'MachineConfig'; name?: string };
  /** Revert of a pool that has no layered image: nothing changes. */
  unchanged?: boolean;
  /** True when nodes reboot as soon as the change lands (not build-first, pool not paused, something changes). */
  rebootsNow: boolean;
  /** Why nothing reboots now, when `rebootsNow` is false. */
  deferredBecause?: 'build-first' | 'paused';
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

const BUILT_IN_POOLS = ['master', 'worker', 'arbiter'];

/** Custom pools of a cluster that inherit worker MachineConfigs. */
export function inheritingPools(pools: PoolView[]): InheritingPools {
  const custom = pools.filter(p => !BUILT_IN_POOLS.includes(p.name));
  const known = custom.every(p => Array.isArray(p.selectedRoles));
  return {
    known,
    pools: custom
      .filter(p => !known || (p.selectedRoles ?? []).includes('worker'))
      .map(p => p.name),
  };
}

/**
 * The preview of a request on `pool`: its nodes, whether they reboot now,
 * the custom pools a worker change reaches, and the pre-flight findings that
 * depend only on the pool and cluster (not on the fields of later pages).
 */
export function buildPreview(input: {
  pool: PoolDetail;
  cluster: ClusterView & { pools: PoolView[] };
  /** The kind of change the template or the form names. */
  mode?: LayeringChangeMode;
  operation?: LayeringOperation;
  rollout?: string;
}): RequestPreview {
  const { pool, cluster } = input;
  const operation = input.operation ?? 'create';
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
  const warnings: RequestPreview['warnings'] = [];
  if (preflightMode) {
    // The pool's detail is read alongside the cluster view; it stands for the pool in both.
    const pools = cluster.pools.some(p => p.name === pool.name)
      ? cluster.pools.map(p => (p.name === pool.name ? pool : p))
      : [...cluster.pools, pool];
    const result = runPreflight({
      mode: preflightMode,
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
    // Only the rules about the pool and the cluster: secrets, push spec and
    // Containerfile are checked by their own fields and by the action.
    for (const found of result.issues) {
      if (found.field === 'pool' || found.field === 'cluster') {
        warnings.push({ severity: found.severity, message: found.message });
      }
    }
  }

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
