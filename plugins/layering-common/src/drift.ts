import type {
  DriftView,
  NodeView,
  PoolCondition,
  RolloutState,
  BuildState,
} from './types';
import {
  compareRhcosVersions,
  parseOcpVersion,
  parseRhcosVersion,
  RhcosVersion,
  sameRhcosBuild,
} from './rhcos';
import { imageDigest } from './validation';

/**
 * Where a pool's target image comes from, so the drift reason can name it.
 * @public
 */
export type DriftTargetSource =
  | { kind: 'default' }
  /** A user MachineConfig sets `osImageURL` (out-of-cluster layering); `inherited` when it is a worker config inherited by a custom pool. */
  | { kind: 'machine-config'; name: string; inherited?: boolean }
  /** On-cluster layering: the MachineOSConfig's current image. */
  | { kind: 'machine-os-config'; name: string };

/** One entry of `ClusterVersion.status.history`, newest first. @public */
export interface DriftHistoryEntry {
  version: string;
  /** The RHCOS build of that release's `rhel-coreos` image, when known. */
  rhcosVersion: string | null;
  state?: string;
}

/** Everything {@link computeDrift} looks at; plain data, no I/O. @public */
export interface DriftInput {
  release: {
    /** OCP version of the cluster, e.g. `4.18.21`. */
    version: string | null;
    /** RHCOS build of the release's default image (its labels). */
    rhcosVersion: string | null;
    /** The release's default RHCOS image (`baseOSContainerImage`), by digest. */
    defaultImage: string | null;
  };
  /** The pool's target image: the rendered config's `osImageURL`, or the MachineOSConfig's current image. */
  targetImage: string | null;
  targetSource?: DriftTargetSource;
  /** RHCOS build the target image was built FROM, when it could be determined. */
  baseRhcosVersion: string | null;
  /** How {@link DriftInput.baseRhcosVersion} was learnt; used in the explanation only. */
  baseRhcosSource?: 'labels' | 'nodes' | null;
  /** `ClusterVersion.status.history`, newest first, each with its RHCOS build when known. */
  history: DriftHistoryEntry[];
  /** The cluster's data is stale or missing. A stale pool is never reported in sync. */
  stale: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The start of a drift sentence, up to "built from". */
function subject(source: DriftTargetSource | undefined): string {
  switch (source?.kind) {
    case 'machine-config':
      return source.inherited
        ? `Pinned by the inherited worker MachineConfig ${source.name} to an image built from`
        : `Pinned by MachineConfig ${source.name} to an image built from`;
    case 'machine-os-config':
      return `Built on-cluster by MachineOSConfig ${source.name} from`;
    default:
      return 'Uses an image built from';
  }
}

function remedy(source: DriftTargetSource | undefined): string {
  switch (source?.kind) {
    case 'machine-config':
      return source.inherited
        ? `rebuild ${source.name} FROM the current rhel-coreos image, or override it in this pool`
        : 'rebuild it FROM the current rhel-coreos image';
    case 'machine-os-config':
      return 'remove or rebuild the osImageURL override its render inherits, so the next build starts FROM the current rhel-coreos image';
    default:
      return 'rebuild it FROM the current rhel-coreos image';
  }
}

function unknown(reason: string, partial: Partial<DriftView> = {}): DriftView {
  return {
    status: 'unknown',
    minorVersionsBehind: null,
    releasesBehind: null,
    ageDays: null,
    matchedRelease: null,
    ...partial,
    reason,
  };
}

function minorGap(
  releaseVersion: string | null,
  releaseBuild: RhcosVersion | null,
  base: RhcosVersion,
): number | null {
  if (!base.ocp) {
    return null;
  }
  const release = parseOcpVersion(releaseVersion) ?? releaseBuild?.ocp ?? null;
  if (!release || release.major !== base.ocp.major) {
    return null;
  }
  return release.minor - base.ocp.minor;
}

/** Index in the history (newest first) of the first release whose RHCOS build is `build`. */
function historyMatch(
  history: DriftHistoryEntry[],
  build: string,
): { index: number; version: string } | null {
  const index = history.findIndex(entry =>
    sameRhcosBuild(entry.rhcosVersion, build),
  );
  return index < 0 ? null : { index, version: history[index].version };
}

/**
 * Computes a pool's drift: how the RHCOS its target image was built FROM
 * compares with the RHCOS of the cluster's release.
 *
 * @remarks
 * Rules, in order:
 *
 * 1. No target image, or no release information → `unknown`.
 * 2. The target image's digest equals the release default's → `in-sync`.
 * 3. The base build cannot be determined → `unknown`, with the reason.
 * 4. The base build equals the release's build → `in-sync`.
 * 5. Otherwise `behind` or `ahead` by build date, then serial.
 *
 * Stale data always yields `unknown`: the figures of the last known state are
 * still filled in, but the status never claims the pool is in sync.
 *
 * @public
 */
export function computeDrift(input: DriftInput): DriftView {
  const result = computeFreshDrift(input);
  if (!input.stale) {
    return result;
  }
  const last =
    result.status === 'unknown'
      ? ''
      : ` The last known state was ${result.status}: ${lowerFirst(
          result.reason,
        )}`;
  return {
    ...result,
    status: 'unknown',
    reason: `The cluster's data is stale, so drift cannot be confirmed; wait for the backend to reconnect.${last}`,
  };
}

function lowerFirst(text: string): string {
  return text.length ? text[0].toLowerCase() + text.slice(1) : text;
}

function computeFreshDrift(input: DriftInput): DriftView {
  const { release, targetImage, targetSource, history } = input;
  const releaseName = release.version ?? 'the current release';

  if (!targetImage) {
    return unknown(
      "The pool has no target image yet (no rendered config or published build): drift appears once the MCO renders the pool's config.",
    );
  }
  if (!release.defaultImage && !release.rhcosVersion) {
    return unknown(
      "The cluster's release image is unknown (machine-config-osimageurl not read): check the backend's access to openshift-machine-config-operator.",
    );
  }

  const targetDigest = imageDigest(targetImage);
  const defaultDigest = release.defaultImage
    ? imageDigest(release.defaultImage)
    : null;
  if (targetDigest && defaultDigest && targetDigest === defaultDigest) {
    return {
      status: 'in-sync',
      minorVersionsBehind: 0,
      releasesBehind: 0,
      ageDays: 0,
      matchedRelease: release.version,
      reason: `On ${releaseName}'s default rhel-coreos image.`,
    };
  }

  const baseRaw = input.baseRhcosVersion;
  const base = parseRhcosVersion(baseRaw);
  if (!base) {
    const why = baseRaw
      ? `reports "${baseRaw}", which is not an RHCOS build ID`
      : 'has no RHCOS version label and no node runs it yet';
    return unknown(
      `The base RHCOS of ${targetImage} cannot be determined: the image ${why}. Check the backend's registry access, or wait for a node to boot the image.`,
    );
  }

  const releaseBuild = parseRhcosVersion(release.rhcosVersion);
  const match = historyMatch(history, base.raw);
  const releasesBehind = match ? match.index : null;
  const matchedRelease = match ? match.version : null;
  const minorVersionsBehind = minorGap(release.version, releaseBuild, base);

  if (!releaseBuild) {
    return unknown(
      `The RHCOS build of ${releaseName}'s default image cannot be read, so the base ${base.raw} cannot be compared: check the backend's registry access.`,
      { releasesBehind, matchedRelease, minorVersionsBehind },
    );
  }

  const ageDays = Math.round(
    (releaseBuild.buildTime - base.buildTime) / DAY_MS,
  );
  const order = compareRhcosVersions(base, releaseBuild);

  if (sameRhcosBuild(base.raw, releaseBuild.raw) || order === 0) {
    return {
      status: 'in-sync',
      minorVersionsBehind: minorVersionsBehind ?? 0,
      releasesBehind: releasesBehind ?? 0,
      ageDays: 0,
      matchedRelease: matchedRelease ?? release.version,
      reason: `${subject(targetSource)} ${releaseName}'s RHCOS (${base.raw}).`,
    };
  }

  const from = match
    ? `${match.version}'s RHCOS (${base.raw})`
    : `RHCOS ${base.raw}`;
  if (order < 0) {
    let gap: string;
    if (match) {
      gap = `${plural(match.index, 'release')} behind ${releaseName}`;
    } else if (minorVersionsBehind !== null && minorVersionsBehind > 0) {
      gap = `${plural(
        minorVersionsBehind,
        'minor version',
      )} behind ${releaseName} and older than any release in this cluster's history`;
    } else {
      gap = `${
        ageDays > 0 ? `${plural(ageDays, 'day')} ` : ''
      }older than ${releaseName}'s and matching no release in this cluster's history`;
    }
    return {
      status: 'behind',
      minorVersionsBehind,
      releasesBehind,
      ageDays,
      matchedRelease,
      reason: `${subject(targetSource)} ${from}, ${gap}: ${remedy(
        targetSource,
      )}.`,
    };
  }
  return {
    status: 'ahead',
    minorVersionsBehind,
    releasesBehind,
    ageDays,
    matchedRelease,
    reason: `${subject(targetSource)} RHCOS ${base.raw}, ${
      ageDays < 0 ? `${plural(-ageDays, 'day')} ` : ''
    }newer than ${releaseName}'s ${
      releaseBuild.raw
    }: make sure it was built FROM this cluster's rhel-coreos image, or upgrade the cluster.`,
  };
}

/** What {@link derivePoolRollout} reads from a pool. @public */
export interface RolloutPoolInput {
  paused: boolean;
  machineCount: number;
  updatedMachineCount: number;
  degradedMachineCount: number;
  conditions: PoolCondition[];
}

function conditionTrue(conditions: PoolCondition[], type: string): boolean {
  return conditions.some(c => c.type === type && c.status === 'True');
}

/**
 * Derives a pool's rollout state from its status, the state of its newest
 * build (on-cluster layering) and whether the data is stale.
 *
 * @remarks
 * Precedence: `unknown` (stale) → `degraded` (a degraded condition or node) →
 * `building` (newest build prepared or running) → `paused` (paused with work
 * pending) → `rolling` (nodes not yet on the target, or `Updating=True`) →
 * `idle`. A paused pool with nothing pending is `idle`; `PoolView.paused`
 * still says it is paused.
 *
 * @public
 */
export function derivePoolRollout(
  pool: RolloutPoolInput,
  options: { buildState?: BuildState | null; stale?: boolean } = {},
): { state: RolloutState; updated: number; total: number } {
  const updated = pool.updatedMachineCount;
  const total = pool.machineCount;
  let state: RolloutState;
  const pending = updated < total || conditionTrue(pool.conditions, 'Updating');
  if (options.stale) {
    state = 'unknown';
  } else if (
    pool.degradedMachineCount > 0 ||
    ['Degraded', 'NodeDegraded', 'RenderDegraded', 'ImageBuildDegraded'].some(
      type => conditionTrue(pool.conditions, type),
    )
  ) {
    state = 'degraded';
  } else if (
    options.buildState === 'Building' ||
    options.buildState === 'Prepared'
  ) {
    state = 'building';
  } else if (pool.paused && pending) {
    state = 'paused';
  } else if (pending) {
    state = 'rolling';
  } else {
    state = 'idle';
  }
  return { state, updated, total };
}

/**
 * Counts the nodes of a pool per RHCOS build (`status.nodeInfo.osImage`), so a
 * half-rolled pool shows both builds. Most common build first; ties by build
 * ID, newest first; nodes whose build is unknown come last.
 *
 * @public
 */
export function nodeRhcosHistogram(
  nodes: Array<Pick<NodeView, 'rhcosVersion'>>,
): Array<{ rhcosVersion: string | null; count: number }> {
  const counts = new Map<string | null, number>();
  for (const node of nodes) {
    const key = node.rhcosVersion ?? null;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([rhcosVersion, count]) => ({ rhcosVersion, count }))
    .sort((a, b) => {
      if (a.rhcosVersion === null) {
        return b.rhcosVersion === null ? 0 : 1;
      }
      if (b.rhcosVersion === null) {
        return -1;
      }
      if (a.count !== b.count) {
        return b.count - a.count;
      }
      const pa = parseRhcosVersion(a.rhcosVersion);
      const pb = parseRhcosVersion(b.rhcosVersion);
      if (pa && pb) {
        return compareRhcosVersions(pb, pa);
      }
      return a.rhcosVersion.localeCompare(b.rhcosVersion);
    });
}

/** Pool counters as the MCO computes them. @public */
export interface PoolCounters {
  machineCount: number;
  updatedMachineCount: number;
  readyMachineCount: number;
  unavailableMachineCount: number;
  degradedMachineCount: number;
}

/**
 * Recomputes a pool's machine counters from its nodes the way the MCO does
 * (see FACTS.md, "MachineConfigPool" status).
 *
 * @param nodes - the pool's nodes; `ready` means the Node is Ready with no
 *   disk pressure or network problem (schedulability is read separately)
 * @param target - the pool's `spec.configuration.name` and, for on-cluster
 *   layering, the MachineOSConfig's current image
 * @public
 */
export function poolCountersFromNodes(
  nodes: Array<
    Pick<
      NodeView,
      | 'currentConfig'
      | 'desiredConfig'
      | 'state'
      | 'currentImage'
      | 'desiredImage'
      | 'ready'
      | 'unschedulable'
    >
  >,
  target: { renderedConfig: string | null; layeredImage?: string | null },
): PoolCounters {
  let updated = 0;
  let ready = 0;
  let unavailable = 0;
  let degraded = 0;
  for (const node of nodes) {
    const imagesMatch =
      (node.currentImage ?? null) === (node.desiredImage ?? null);
    const done =
      node.currentConfig !== null &&
      node.currentConfig === node.desiredConfig &&
      imagesMatch &&
      node.state === 'Done';
    const onTarget =
      node.desiredConfig === target.renderedConfig &&
      (!target.layeredImage || node.desiredImage === target.layeredImage);
    const isUpdated = done && onTarget;
    const isReady = isUpdated && node.ready && !node.unschedulable;
    if (isUpdated) updated += 1;
    if (isReady) ready += 1;
    if (node.state === 'Degraded' || node.state === 'Unreconcilable')
      degraded += 1;
    const working = !done;
    if (!node.ready || node.unschedulable || working) unavailable += 1;
  }
  return {
    machineCount: nodes.length,
    updatedMachineCount: updated,
    readyMachineCount: ready,
    unavailableMachineCount: unavailable,
    degradedMachineCount: degraded,
  };
}

/**
 * Decides the RHCOS build a pool's target image was built FROM: the image's
 * labels when they name a build, otherwise what the nodes already running
 * that image report in `status.nodeInfo.osImage` (a derived image keeps its
 * base's os-release), otherwise unknown.
 *
 * @param labelsBuild - build ID read from the target image's labels, if any
 * @param nodesOnTarget - the pool's nodes that currently run the target image
 * @returns the build and where it came from; when the nodes disagree, the
 *   build most of them report
 * @public
 */
export function resolveBaseRhcosVersion(
  labelsBuild: string | null | undefined,
  nodesOnTarget: Array<Pick<NodeView, 'rhcosVersion'>>,
): { rhcosVersion: string | null; source: 'labels' | 'nodes' | null } {
  if (parseRhcosVersion(labelsBuild)) {
    return { rhcosVersion: labelsBuild!.trim(), source: 'labels' };
  }
  const known = nodeRhcosHistogram(nodesOnTarget).filter(
    (entry): entry is { rhcosVersion: string; count: number } =>
      entry.rhcosVersion !== null &&
      parseRhcosVersion(entry.rhcosVersion) !== null,
  );
  if (known.length) {
    return { rhcosVersion: known[0].rhcosVersion, source: 'nodes' };
  }
  return { rhcosVersion: null, source: null };
}
