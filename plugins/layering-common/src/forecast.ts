import type { BuildView, DriftView, LayeringMode } from './types';
import type {
  LayeringForecastOutcome,
  LayeringForecastPool,
  LayeringForecastResponse,
} from './wire';
import { computeDrift, type DriftHistoryEntry } from './drift';
import { compareRhcosVersions, parseRhcosVersion } from './rhcos';

/**
 * The upgrade forecast: what each pool does when its cluster moves to another release. Plain
 * data in, plain data out; the backend feeds it from its caches and the registry.
 */

/** What {@link forecastPool} reads from a pool (a `PoolView` fits). @public */
export interface ForecastPoolInput {
  name: string;
  paused: boolean;
  machineCount: number;
  layering: { mode: LayeringMode; source?: string };
  /** The pool's target image and the RHCOS build it was built FROM. */
  image: { target: string | null; baseRhcosVersion: string | null };
  /** RHCOS builds the pool's nodes boot now. */
  nodeRhcosVersions: Array<{ rhcosVersion: string | null; count: number }>;
}

/** The release a forecast moves the cluster to. @public */
export interface ForecastTargetRelease {
  version: string;
  /** RHCOS build of the release's `rhel-coreos` image; null when the registry could not tell. */
  rhcosVersion: string | null;
  /** The release's `rhel-coreos` image; null when the payload could not be read. */
  rhcosImage: string | null;
}

/** Everything {@link forecastPool} needs besides the pool. @public */
export interface ForecastContext {
  target: ForecastTargetRelease;
  /** The cluster's update history as drift reads it, newest first. */
  history: DriftHistoryEntry[];
  /** The cluster's data is stale: drift is never predicted as in sync. */
  stale: boolean;
  /** Durations of the pool's past successful builds, in ms (see {@link buildDurationsMs}). */
  buildDurationsMs: number[];
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * Decides a pool's outcome: a paused pool is `held` whatever its layering; otherwise on-cluster
 * layering `rebuilds`, an out-of-cluster `osImageURL` `stays-pinned`, and the default image `follows`.
 *
 * @public
 */
export function forecastOutcome(
  pool: Pick<ForecastPoolInput, 'paused' | 'layering'>,
): LayeringForecastOutcome {
  if (pool.paused) return 'held';
  switch (pool.layering.mode) {
    case 'on-cluster':
      return 'rebuilds';
    case 'out-of-cluster':
      return 'stays-pinned';
    default:
      return 'follows';
  }
}

type Parsed = NonNullable<ReturnType<typeof parseRhcosVersion>>;

/** Release-aware order: the OCP minor first when both IDs encode it, then the build itself. */
function olderFirst(a: Parsed, b: Parsed): number {
  if (a.ocp && b.ocp) {
    const minor = a.ocp.major - b.ocp.major || a.ocp.minor - b.ocp.minor;
    if (minor !== 0) return minor;
  }
  return compareRhcosVersions(a, b);
}

/**
 * The oldest RHCOS build among the nodes' reported builds (the histogram of a `PoolView`);
 * null when no node reports a build ID.
 *
 * @public
 */
export function oldestRhcosVersion(
  versions: Array<{ rhcosVersion: string | null }>,
): string | null {
  let oldest: Parsed | null = null;
  for (const entry of versions) {
    const parsed = parseRhcosVersion(entry.rhcosVersion);
    if (parsed && (!oldest || olderFirst(parsed, oldest) < 0)) {
      oldest = parsed;
    }
  }
  return oldest?.raw ?? null;
}

/**
 * Durations in ms of the successful builds among `builds` (both times known, end after start).
 *
 * @public
 */
export function buildDurationsMs(
  builds: Array<Pick<BuildView, 'state' | 'start' | 'end'>>,
): number[] {
  const out: number[] = [];
  for (const build of builds) {
    if (build.state !== 'Succeeded' || !build.start || !build.end) continue;
    const ms = Date.parse(build.end) - Date.parse(build.start);
    if (Number.isFinite(ms) && ms > 0) out.push(ms);
  }
  return out;
}

/**
 * The median of `durationsMs` in whole minutes (at least 1); null for an empty list.
 *
 * @public
 */
export function medianMinutes(durationsMs: number[]): number | null {
  if (durationsMs.length === 0) return null;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Math.max(1, Math.round(median / 60_000));
}

type ForecastDrift = LayeringForecastPool['drift'];

function pick(drift: DriftView): ForecastDrift {
  return {
    status: drift.status,
    minorVersionsBehind: drift.minorVersionsBehind,
    releasesBehind: drift.releasesBehind,
    reason: drift.reason,
  };
}

/** A pool that boots the new release's default image, or an image built FROM it, is in sync. */
function inSyncWith(target: ForecastTargetRelease, stale: boolean, how: string): ForecastDrift {
  if (stale) {
    return {
      status: 'unknown',
      minorVersionsBehind: null,
      releasesBehind: null,
      reason: "The cluster's data is stale, so the forecast cannot be confirmed; wait for the backend to reconnect.",
    };
  }
  const build = target.rhcosVersion ? ` (RHCOS ${target.rhcosVersion})` : '';
  return {
    status: 'in-sync',
    minorVersionsBehind: 0,
    releasesBehind: 0,
    reason: `${how} ${target.version}'s rhel-coreos image${build}.`,
  };
}

/** Drift of `baseRhcosVersion` against the target release, with the history the update leaves. */
function driftAgainstTarget(
  context: ForecastContext,
  targetImage: string | null,
  baseRhcosVersion: string | null,
  source: { kind: 'default' } | { kind: 'machine-config'; name: string },
): DriftView {
  const { target, history, stale } = context;
  return computeDrift({
    release: {
      version: target.version,
      rhcosVersion: target.rhcosVersion,
      defaultImage: target.rhcosImage,
    },
    targetImage,
    targetSource: source,
    baseRhcosVersion,
    baseRhcosSource: baseRhcosVersion ? 'nodes' : null,
    history: [
      { version: target.version, rhcosVersion: target.rhcosVersion, state: 'Completed' },
      ...history,
    ],
    stale,
  });
}

/**
 * Forecasts one pool: its outcome, its drift once the update has completed, the nodes that
 * reboot and the builds it starts.
 *
 * @remarks
 * - `follows`: nodes move to the new release's default image, so the predicted drift is in sync;
 *   every node reboots.
 * - `rebuilds`: a new build FROM the new release's base, then a rollout: in sync once rolled out;
 *   one build (median of the pool's past build times), every node reboots.
 * - `stays-pinned`: the nodes keep the pinned image; its base is compared with the new release;
 *   no reboot for the image.
 * - `held`: nothing rolls out while the pool is paused; the oldest RHCOS its nodes boot (or its
 *   target's base when it has no node) is compared with the new release; no reboot. An
 *   on-cluster pool still builds while paused.
 *
 * @public
 */
export function forecastPool(
  pool: ForecastPoolInput,
  context: ForecastContext,
): LayeringForecastPool {
  const outcome = forecastOutcome(pool);
  const { target, stale } = context;
  const minutes = medianMinutes(context.buildDurationsMs);
  const builds = (count: number) => ({
    count,
    estimatedMinutes: count > 0 ? minutes : null,
  });
  const buildTime =
    minutes === null
      ? 'no past build tells how long it takes'
      : `past builds took about ${plural(minutes, 'minute')}`;
  switch (outcome) {
    case 'follows':
      return {
        name: pool.name,
        outcome,
        drift: inSyncWith(target, stale, 'Will boot'),
        reboots: pool.machineCount,
        builds: builds(0),
        reason: `Uses the release's default image: its ${plural(pool.machineCount, 'node')} move to ${target.version}'s RHCOS.`,
      };
    case 'rebuilds':
      return {
        name: pool.name,
        outcome,
        drift: inSyncWith(target, stale, 'Will boot a new build FROM'),
        reboots: pool.machineCount,
        builds: builds(1),
        reason: `Layered on-cluster${
          pool.layering.source ? ` by MachineOSConfig ${pool.layering.source}` : ''
        }: the MCO builds the image again FROM ${target.version}'s RHCOS (${buildTime}), then rolls it out to ${plural(
          pool.machineCount,
          'node',
        )}.`,
      };
    case 'stays-pinned': {
      const drift = driftAgainstTarget(
        context,
        pool.image.target,
        pool.image.baseRhcosVersion,
        pool.layering.source
          ? { kind: 'machine-config', name: pool.layering.source }
          : { kind: 'default' },
      );
      return {
        name: pool.name,
        outcome,
        drift: pick(drift),
        reboots: 0,
        builds: builds(0),
        reason: `Pinned by ${
          pool.layering.source ? `MachineConfig ${pool.layering.source}` : 'an osImageURL override'
        }: its nodes keep their image, built FROM ${
          pool.image.baseRhcosVersion ? `RHCOS ${pool.image.baseRhcosVersion}` : 'an unknown RHCOS'
        }; rebuild it FROM ${target.version}'s rhel-coreos image to follow.`,
      };
    }
    case 'held':
    default: {
      const running =
        oldestRhcosVersion(pool.nodeRhcosVersions) ?? pool.image.baseRhcosVersion;
      const drift = driftAgainstTarget(
        context,
        pool.image.target ?? `nodes of ${pool.name}`,
        running,
        { kind: 'default' },
      );
      const build = running ? `RHCOS ${running}` : 'an RHCOS build no node reports';
      const heldReason =
        drift.status === 'unknown'
          ? drift.reason
          : `Paused: until the pool is resumed, its nodes keep booting ${build}: ${describeDrift(
              drift,
            )} compared with ${target.version}.`;
      return {
        name: pool.name,
        outcome: 'held',
        drift: { ...pick(drift), reason: heldReason },
        reboots: 0,
        builds: builds(pool.layering.mode === 'on-cluster' ? 1 : 0),
        reason: `The pool is paused: nothing rolls out to its ${plural(
          pool.machineCount,
          'node',
        )} until it is resumed${
          pool.layering.mode === 'on-cluster' ? ' (its new image is still built)' : ''
        }.`,
      };
    }
  }
}

/**
 * Words for a predicted drift: `in sync`, `2 minors behind`, `3 releases behind`, `ahead`,
 * `of unknown drift`.
 *
 * @public
 */
export function describeDrift(
  drift: Pick<DriftView, 'status' | 'minorVersionsBehind' | 'releasesBehind'>,
): string {
  switch (drift.status) {
    case 'in-sync':
      return 'in sync';
    case 'ahead':
      return 'ahead';
    case 'behind':
      if (drift.minorVersionsBehind && drift.minorVersionsBehind > 0) {
        return `${plural(drift.minorVersionsBehind, 'minor')} behind`;
      }
      if (drift.releasesBehind && drift.releasesBehind > 0) {
        return `${plural(drift.releasesBehind, 'release')} behind`;
      }
      return 'behind';
    default:
      return 'of unknown drift';
  }
}

/** The drift phrase of the worst pool of a group ("up to" when they differ). */
function groupDrift(pools: LayeringForecastPool[]): string {
  const phrases = [...new Set(pools.map(p => describeDrift(p.drift)))];
  if (phrases.length === 1) return phrases[0];
  const minors = Math.max(...pools.map(p => p.drift.minorVersionsBehind ?? 0));
  if (minors > 0) return `up to ${plural(minors, 'minor')} behind`;
  const releases = Math.max(...pools.map(p => p.drift.releasesBehind ?? 0));
  if (releases > 0) return `up to ${plural(releases, 'release')} behind`;
  return 'behind or of unknown drift';
}

function buildPhrase(pools: LayeringForecastPool[]): string {
  const known = pools
    .map(p => p.builds.estimatedMinutes)
    .filter((m): m is number => m !== null);
  // Pools build in parallel: the longest build decides.
  const time = known.length ? `about ${Math.max(...known)} min` : 'build time unknown';
  const reboots = pools.reduce((sum, p) => sum + p.reboots, 0);
  return `${time}, ${plural(reboots, 'reboot')}`;
}

function groupPhrase(outcome: LayeringForecastOutcome, pools: LayeringForecastPool[]): string {
  const n = pools.length;
  const count = n === 1 ? '1 pool' : `${n} pools`;
  const reboots = pools.reduce((sum, p) => sum + p.reboots, 0);
  switch (outcome) {
    case 'follows':
      return `${count} ${n === 1 ? 'follows' : 'follow'} (${plural(reboots, 'reboot')})`;
    case 'rebuilds':
      return `${n} ${n === 1 ? 'rebuilds' : 'rebuild'} (${buildPhrase(pools)})`;
    case 'stays-pinned':
      return `${n} ${n === 1 ? 'stays' : 'stay'} pinned and will be ${groupDrift(pools)}`;
    case 'held':
    default:
      return `${n} ${n === 1 ? 'is' : 'are'} held (paused) and will be ${groupDrift(
        pools,
      )} until resumed`;
  }
}

const OUTCOME_ORDER: LayeringForecastOutcome[] = ['follows', 'rebuilds', 'stays-pinned', 'held'];

/**
 * One sentence for a cluster's forecast, e.g. "If you update to 4.18.33: 3 pools follow
 * (6 reboots), 1 rebuilds (about 14 min, 2 reboots), 1 stays pinned and will be 2 minors behind".
 *
 * @public
 */
export function forecastSentence(
  forecast: Pick<LayeringForecastResponse, 'to' | 'pools'>,
): string {
  const parts = OUTCOME_ORDER.map(outcome => ({
    outcome,
    pools: forecast.pools.filter(p => p.outcome === outcome),
  }))
    .filter(group => group.pools.length > 0)
    .map(group => groupPhrase(group.outcome, group.pools));
  if (parts.length === 0) {
    return `If you update to ${forecast.to}: no pool you may read is affected.`;
  }
  return `If you update to ${forecast.to}: ${parts.join(', ')}.`;
}

/**
 * One sentence for one pool, e.g. "If you update to 4.18.33, this pool rebuilds (about 14 min,
 * 2 reboots)".
 *
 * @public
 */
export function forecastPoolSentence(to: string, pool: LayeringForecastPool): string {
  let what: string;
  switch (pool.outcome) {
    case 'follows':
      what = `follows (${plural(pool.reboots, 'reboot')})`;
      break;
    case 'rebuilds':
      what = `rebuilds (${buildPhrase([pool])})`;
      break;
    case 'stays-pinned':
      what = `stays pinned and will be ${describeDrift(pool.drift)}`;
      break;
    case 'held':
    default:
      what = `is held (paused) and will be ${describeDrift(pool.drift)} until resumed`;
  }
  return `If you update to ${to}, this pool ${what}.`;
}
