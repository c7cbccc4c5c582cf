import type { DriftStatus } from './types';
import {
  compareOcpVersions,
  compareRhcosVersions,
  parseOcpVersion,
  parseRhcosVersion,
  RhcosVersion,
  sameRhcosBuild,
} from './rhcos';

/**
 * One OCP release whose RHCOS build is known: an entry of
 * `ClusterVersion.status.history` (newest first), or an update the cluster is
 * offered (`status.availableUpdates` / `conditionalUpdates`).
 *
 * @public
 */
export interface DriftHistoryEntry {
  version: string;
  /** The RHCOS build of that release's `rhel-coreos` image, when known. */
  rhcosVersion: string | null;
  /** `Completed` or `Partial` for history entries; absent for offered updates. */
  state?: string;
}

/** What a build is compared with: the cluster's release and what is known of other releases. @public */
export interface ReleaseContext {
  /** OCP version of the cluster, e.g. `4.18.21`. */
  version: string | null;
  /** RHCOS build of the release's default image. */
  rhcosVersion: string | null;
  /** Update history, newest first. */
  history: DriftHistoryEntry[];
  /** Releases of the update graph whose RHCOS build is known. */
  updates: DriftHistoryEntry[];
}

type Ocp = { major: number; minor: number; patch: number | null };

/** Where a build sits among OCP releases. */
interface Placement {
  build: RhcosVersion;
  /** The release whose RHCOS this build is, when one source names it. */
  release: string | null;
  /** OCP version of the build: from the build ID, the release it matches, or image labels. */
  ocp: Ocp | null;
  /** Index in the history of the matching entry, when it matches one. */
  historyIndex: number | null;
}

function place(
  build: RhcosVersion,
  context: ReleaseContext,
  labelOcpVersion?: string | null,
): Placement {
  const historyIndex = context.history.findIndex(entry =>
    sameRhcosBuild(entry.rhcosVersion, build.raw),
  );
  let release: string | null =
    historyIndex >= 0 ? context.history[historyIndex].version : null;
  if (!release && sameRhcosBuild(context.rhcosVersion, build.raw)) {
    release = context.version;
  }
  if (!release) {
    release =
      context.updates.find(entry => sameRhcosBuild(entry.rhcosVersion, build.raw))
        ?.version ?? null;
  }
  const fromRelease = parseOcpVersion(release) ?? parseOcpVersion(labelOcpVersion);
  let ocp: Ocp | null = fromRelease;
  if (build.ocp && (!ocp || ocp.major !== build.ocp.major || ocp.minor !== build.ocp.minor)) {
    // The build ID is authoritative for the minor; a release or label of another minor is ignored.
    ocp = { ...build.ocp, patch: null };
  }
  return {
    build,
    release,
    ocp,
    historyIndex: historyIndex >= 0 ? historyIndex : null,
  };
}

/**
 * Orders two placed builds: OCP minor first when both are known, then the
 * z-stream when both match a release of the same minor, then build date and
 * serial. Returns how the order was decided, for the explanation.
 */
function compareReleaseAware(
  a: Placement,
  b: Placement,
): { order: number; by: 'minor' | 'z-stream' | 'build' } {
  if (a.ocp && b.ocp && (a.ocp.major !== b.ocp.major || a.ocp.minor !== b.ocp.minor)) {
    return {
      order: compareOcpVersions({ ...a.ocp, patch: 0 }, { ...b.ocp, patch: 0 }),
      by: 'minor',
    };
  }
  const ra = parseOcpVersion(a.release);
  const rb = parseOcpVersion(b.release);
  if (ra && rb && ra.patch !== null && rb.patch !== null && compareOcpVersions(ra, rb) !== 0) {
    return { order: compareOcpVersions(ra, rb), by: 'z-stream' };
  }
  return { order: compareRhcosVersions(a.build, b.build), by: 'build' };
}

/**
 * Orders two RHCOS builds release-aware (OCP minor, then z-stream, then build
 * date): an older minor is older whatever its build date.
 *
 * @returns a negative number when `a` is older, positive when newer, 0 when equal
 * @public
 */
export function compareBuildsInContext(
  a: string,
  b: string,
  context: ReleaseContext,
): number {
  const pa = parseRhcosVersion(a);
  const pb = parseRhcosVersion(b);
  if (!pa || !pb) {
    // A build ID that does not parse sorts first: it cannot be shown to be newer.
    return Number(Boolean(pa)) - Number(Boolean(pb));
  }
  return compareReleaseAware(place(pa, context), place(pb, context)).order;
}

/** The result of comparing one build with the cluster's release. */
export type BuildComparison =
  | { status: 'unknown'; reason: string; partial: ComparisonFigures }
  | ({
      status: Exclude<DriftStatus, 'unknown'>;
      /** e.g. "4.16.45's RHCOS (416.94.202509101010-0)" or "RHCOS 9.6.20251023-0". */
      from: string;
      /** e.g. "2 minor versions behind 4.18.21"; empty when in sync. */
      gap: string;
    } & ComparisonFigures);

/** The figures of a drift, whatever its status. */
export interface ComparisonFigures {
  minorVersionsBehind: number | null;
  releasesBehind: number | null;
  ageDays: number | null;
  matchedRelease: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `n word(s)`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Counts the history entries newer than `index` that completed: a `Partial`
 * entry (an update in progress, or one that never finished) is not a release
 * the cluster reached. Entries without a state are counted (older clients).
 */
function completedBefore(history: DriftHistoryEntry[], index: number): number {
  let count = 0;
  for (let i = 0; i < index; i++) {
    const state = history[i].state;
    if (state === undefined || state === 'Completed') count += 1;
  }
  return count;
}

/**
 * Compares one RHCOS build (a node's, or a target image's base) with the
 * cluster's release, release-aware: the OCP minor decides first, then the
 * z-stream, then the build date.
 *
 * @param raw - the build ID
 * @param context - the cluster's release, history and update graph
 * @param labelOcpVersion - the OCP release the image's labels name, if any
 */
export function compareBuildWithRelease(
  raw: string,
  context: ReleaseContext,
  labelOcpVersion?: string | null,
): BuildComparison {
  const releaseName = context.version ?? 'the current release';
  const empty: ComparisonFigures = {
    minorVersionsBehind: null,
    releasesBehind: null,
    ageDays: null,
    matchedRelease: null,
  };
  const build = parseRhcosVersion(raw);
  if (!build) {
    return {
      status: 'unknown',
      reason: `"${raw}" is not an RHCOS build ID`,
      partial: empty,
    };
  }
  const base = place(build, context, labelOcpVersion);
  const releaseBuild = parseRhcosVersion(context.rhcosVersion);
  const releaseOcp = parseOcpVersion(context.version);
  const releasePlace: Placement | null = releaseBuild
    ? place(releaseBuild, context)
    : null;
  const clusterOcp: Ocp | null =
    releaseOcp ?? (releaseBuild?.ocp ? { ...releaseBuild.ocp, patch: null } : null);

  const minorVersionsBehind =
    base.ocp && clusterOcp && base.ocp.major === clusterOcp.major
      ? clusterOcp.minor - base.ocp.minor
      : null;
  const releasesBehind =
    base.historyIndex !== null ? completedBefore(context.history, base.historyIndex) : null;
  const ageDays = releaseBuild
    ? Math.round((releaseBuild.buildTime - build.buildTime) / DAY_MS)
    : null;
  const figures: ComparisonFigures = {
    minorVersionsBehind,
    releasesBehind,
    ageDays,
    matchedRelease: base.release,
  };
  const from = base.release
    ? `${base.release}'s RHCOS (${build.raw})`
    : `RHCOS ${build.raw}${
        base.ocp && !build.ocp ? ` (OCP ${base.ocp.major}.${base.ocp.minor})` : ''
      }`;

  // Minors decide even when the release's own build cannot be read.
  const minorsDiffer =
    base.ocp !== null &&
    clusterOcp !== null &&
    (base.ocp.major !== clusterOcp.major || base.ocp.minor !== clusterOcp.minor);
  let order: number;
  let by: 'minor' | 'z-stream' | 'build';
  if (minorsDiffer) {
    order = compareOcpVersions({ ...base.ocp!, patch: 0 }, { ...clusterOcp!, patch: 0 });
    by = 'minor';
  } else if (!releasePlace) {
    return {
      status: 'unknown',
      reason: `the RHCOS build of ${releaseName}'s default image cannot be read, so ${from} cannot be compared with it: check the backend's registry access`,
      partial: figures,
    };
  } else if (sameRhcosBuild(build.raw, releaseBuild!.raw)) {
    order = 0;
    by = 'build';
  } else {
    ({ order, by } = compareReleaseAware(base, {
      ...releasePlace,
      release: releasePlace.release ?? context.version,
    }));
  }

  if (order === 0) {
    return {
      status: 'in-sync',
      from: base.release ? from : `${releaseName}'s RHCOS (${build.raw})`,
      gap: '',
      minorVersionsBehind: minorVersionsBehind ?? 0,
      releasesBehind: releasesBehind ?? 0,
      ageDays: 0,
      matchedRelease: base.release ?? context.version,
    };
  }

  if (order < 0) {
    let gap: string;
    if (by === 'minor' && minorVersionsBehind !== null) {
      const minors = plural(minorVersionsBehind, 'minor version');
      gap =
        releasesBehind !== null
          ? `${minors} and ${plural(releasesBehind, 'release')} behind ${releaseName}`
          : `${minors} behind ${releaseName} and older than any release in this cluster's history`;
    } else if (releasesBehind !== null) {
      gap =
        releasesBehind > 0
          ? `${plural(releasesBehind, 'release')} behind ${releaseName}`
          : `behind ${releaseName}, whose update has not completed yet`;
    } else if (base.release) {
      gap = `an older z-stream than ${releaseName}`;
    } else {
      gap = `${
        ageDays !== null && ageDays > 0 ? `${plural(ageDays, 'day')} ` : ''
      }older than ${releaseName}'s and matching no release in this cluster's history`;
      if (!base.ocp) {
        gap += ' (no release payload or image label names its OCP release, so it is ordered by build date)';
      }
    }
    return { status: 'behind', from, gap, ...figures };
  }

  let gap: string;
  if (by === 'minor' && minorVersionsBehind !== null) {
    gap = `${plural(-minorVersionsBehind, 'minor version')} newer than ${releaseName}`;
  } else {
    gap = `${
      ageDays !== null && ageDays < 0 ? `${plural(-ageDays, 'day')} ` : ''
    }newer than ${releaseName}'s ${releaseBuild?.raw ?? 'RHCOS'}`;
  }
  return { status: 'ahead', from, gap, ...figures };
}
