import {
  runPreflight,
  type ClusterView,
  type IssueSeverity,
  type PoolDetail,
  type PoolView,
} from '@internal/plugin-layering-common';
import { isClusterDown } from '../../lib/presentation';

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
  /** Form field holding the roll-out choice, `now` or `build-first` (default `rollout`). */
  rolloutField?: string;
  /** The kind of change the template makes; without it no pre-flight rule is run. */
  mode?: 'on-cluster' | 'out-of-cluster';
  /** `create` (default) for a new layer; `modify` for a template that changes the pool's existing one. */
  operation?: 'create' | 'modify';
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
  /** True when nodes reboot as soon as the change lands (not build-first, pool not paused). */
  rebootsNow: boolean;
  /** Why nothing reboots now, when `rebootsNow` is false. */
  deferredBecause?: 'build-first' | 'paused';
  /** Names of the pool's nodes; empty when the backend lists none. */
  nodes: string[];
  /** Number of machines in the pool. */
  machineCount: number;
  /** Set when the pool is `worker` and the change is out-of-cluster. */
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
  mode?: 'on-cluster' | 'out-of-cluster';
  operation?: 'create' | 'modify';
  rollout?: string;
}): RequestPreview {
  const { pool, cluster, mode } = input;
  let deferredBecause: RequestPreview['deferredBecause'];
  if (input.rollout === 'build-first') deferredBecause = 'build-first';
  else if (pool.paused) deferredBecause = 'paused';

  const warnings: RequestPreview['warnings'] = [];
  if (mode) {
    const pools = cluster.pools.some(p => p.name === pool.name)
      ? cluster.pools
      : [...cluster.pools, pool];
    const result = runPreflight({
      mode,
      operation: input.operation ?? 'create',
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

  return {
    cluster: cluster.name,
    pool: pool.name,
    rebootsNow: deferredBecause === undefined,
    deferredBecause,
    nodes: pool.nodes.map(n => n.name),
    machineCount: pool.machineCount,
    inheriting:
      pool.name === 'worker' && mode === 'out-of-cluster'
        ? inheritingPools(cluster.pools)
        : undefined,
    warnings,
    checked: mode !== undefined,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The sentence about reboots. */
export function rebootSentence(preview: RequestPreview): string {
  const count = preview.nodes.length || preview.machineCount;
  const nodes = plural(count, 'node');
  const reboot = count === 1 ? 'reboots' : 'reboot';
  if (preview.deferredBecause === 'build-first') {
    return `No node reboots now: pool ${preview.pool} is paused first; its ${nodes} ${reboot} once it is resumed.`;
  }
  if (preview.deferredBecause === 'paused') {
    return `No node reboots now: pool ${preview.pool} is paused; its ${nodes} ${reboot} once it is resumed.`;
  }
  return `${nodes} of pool ${preview.pool} ${reboot} into the new image, one at a time.`;
}

/** The sentence about custom pools that get a worker change, if any. */
export function inheritSentence(preview: RequestPreview): string | undefined {
  const inheriting = preview.inheriting;
  if (!inheriting || inheriting.pools.length === 0) return undefined;
  const names = inheriting.pools.join(', ');
  return inheriting.known
    ? `Custom pools that inherit this worker change and reboot too: ${names}.`
    : `Custom pools inherit worker MachineConfigs (their selector includes role worker); this cluster's custom pools: ${names}.`;
}

/** The short text kept as the field's value, so the review step shows it. */
export function previewSummary(preview: RequestPreview): string {
  const parts = [rebootSentence(preview)];
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
