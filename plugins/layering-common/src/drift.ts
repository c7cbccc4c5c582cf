import type { DriftView, NodeView, PoolCondition, PoolDriftView, RolloutState, BuildState } from './types';
import {
  compareRhcosVersions,
  osNameFromOsImage,
  parseRhcosVersion,
  rhcosVersionFromOsImage,
  sameRhcosBuild,
} from './rhcos';
import {
  compareBuildsInContext,
  compareBuildWithRelease,
  plural,
  type BuildComparison,
  type DriftHistoryEntry,
  type ReleaseContext,
} from './driftRelease';
import { imageDigest } from './validation';

export { compareBuildsInContext } from './driftRelease';
export type { DriftHistoryEntry, ReleaseContext } from './driftRelease';

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

/** One node of the pool, as {@link computeDrift} reads it. @public */
export interface DriftNodeInput {
  name: string;
  /** `status.nodeInfo.osImage`, e.g. `Red Hat Enterprise Linux CoreOS 416.94.202509101010-0`. */
  osImage: string | null;
  /** The node is done on the pool's target (rendered config and, on-cluster, image). */
  onTarget: boolean;
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
  /** The OCP release the target image's labels name (`releaseversion`), if any. */
  baseOcpVersion?: string | null;
  /** The target image's `com.coreos.osname` label, if any; anything but `rhcos` is not compared. */
  baseOsName?: string | null;
  /** `ClusterVersion.status.history`, newest first, each with its RHCOS build when known. */
  history: DriftHistoryEntry[];
  /** Releases the cluster is offered (`availableUpdates`, `conditionalUpdates`) with their RHCOS build when known. */
  updates?: DriftHistoryEntry[];
  /** The pool's nodes. None (or omitted): the drift is the target's. */
  nodes?: DriftNodeInput[];
  /** Whether the pool is paused, and since when (its `Updating` condition's transition time). */
  pool?: { paused: boolean; pausedSince?: string | null };
  /** The cluster's data is stale or missing. A stale pool is never reported in sync. */
  stale: boolean;
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

function lowerFirst(text: string): string {
  return text.length ? text[0].toLowerCase() + text.slice(1) : text;
}

function upperFirst(text: string): string {
  return text.length ? text[0].toUpperCase() + text.slice(1) : text;
}

function contextOf(input: DriftInput): ReleaseContext {
  return {
    version: input.release.version,
    rhcosVersion: input.release.rhcosVersion,
    history: input.history,
    updates: input.updates ?? [],
  };
}

function figures(c: BuildComparison): Omit<DriftView, 'status' | 'reason'> {
  const f = c.status === 'unknown' ? c.partial : c;
  return {
    minorVersionsBehind: f.minorVersionsBehind,
    releasesBehind: f.releasesBehind,
    ageDays: f.ageDays,
    matchedRelease: f.matchedRelease,
  };
}

function staleView(view: DriftView): DriftView {
  const last =
    view.status === 'unknown'
      ? ''
      : ` The last known state was ${view.status}: ${lowerFirst(view.reason)}`;
  return {
    ...view,
    status: 'unknown',
    reason: `The cluster's data is stale, so drift cannot be confirmed; wait for the backend to reconnect.${last}`,
  };
}

/**
 * Computes a pool's drift: how the oldest RHCOS its nodes boot compares with
 * the RHCOS of the cluster's release, and (`target`) how the RHCOS its target
 * image was built FROM compares with it.
 *
 * @remarks
 * Builds are ordered release-aware: the OCP minor first (from the build ID,
 * the release whose payload names the build, or the image's labels), then the
 * z-stream, then the build date. An older minor is `behind` whatever its
 * build date; `ahead` means newer than the cluster's own release.
 *
 * Target rules, in order: no target image or release information → `unknown`;
 * the target's digest equals the release default's → `in-sync`; a base that is
 * not RHCOS (`com.coreos.osname`) → `unknown`; the base build cannot be
 * determined → `unknown`; otherwise the release-aware comparison.
 *
 * Status rules: no nodes, or every node done on the target → the target's
 * drift; a node that boots another OS → `unknown`; otherwise the oldest build
 * a node reports, with the reason saying why the pool is not on its target
 * (paused, or rolling out).
 *
 * Stale data always yields `unknown`: the figures of the last known state are
 * still filled in, but the status never claims the pool is in sync.
 *
 * See `docs/DRIFT.md` for the table of rules.
 *
 * @public
 */
export function computeDrift(input: DriftInput): PoolDriftView {
  const target = computeTargetDrift(input);
  const running = computeRunningDrift(input, target);
  if (!input.stale) {
    return { ...running, target };
  }
  return { ...staleView(running), target: staleView(target) };
}

function computeTargetDrift(input: DriftInput): DriftView {
  const { release, targetImage, targetSource } = input;
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
  const defaultDigest = release.defaultImage ? imageDigest(release.defaultImage) : null;
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

  const osName = input.baseOsName?.trim();
  if (osName && osName !== 'rhcos') {
    return unknown(
      `The target image ${targetImage} is built from ${osName} (label com.coreos.osname), not RHCOS: its drift against ${releaseName}'s RHCOS cannot be measured.`,
    );
  }

  const baseRaw = input.baseRhcosVersion;
  if (!parseRhcosVersion(baseRaw)) {
    const why = baseRaw
      ? `reports "${baseRaw}", which is not an RHCOS build ID`
      : 'has no RHCOS version label and no node runs it yet';
    return unknown(
      `The base RHCOS of ${targetImage} cannot be determined: the image ${why}. Check the backend's registry access, or wait for a node to boot the image.`,
    );
  }

  const c = compareBuildWithRelease(baseRaw!, contextOf(input), input.baseOcpVersion);
  switch (c.status) {
    case 'unknown':
      return unknown(`${upperFirst(c.reason)}.`, figures(c));
    case 'in-sync':
      return { status: 'in-sync', ...figures(c), reason: `${subject(targetSource)} ${c.from}.` };
    case 'behind':
      return {
        status: 'behind',
        ...figures(c),
        reason: `${subject(targetSource)} ${c.from}, ${c.gap}: ${remedy(targetSource)}.`,
      };
    default:
      return {
        status: 'ahead',
        ...figures(c),
        reason: `${subject(targetSource)} ${c.from}, ${c.gap}: make sure it was built FROM this cluster's rhel-coreos image, or upgrade the cluster.`,
      };
  }
}

/** What the nodes run, compared with the release; the target's drift when they all run it. */
function computeRunningDrift(input: DriftInput, target: DriftView): DriftView {
  const nodes = input.nodes ?? [];
  if (!nodes.length) {
    return target;
  }
  const releaseName = input.release.version ?? 'the current release';
  const foreign = nodes
    .map(node => ({ node, os: osNameFromOsImage(node.osImage) }))
    .filter(entry => entry.os !== null && entry.os !== 'rhcos');
  if (foreign.length) {
    return unknown(
      `${plural(foreign.length, 'node')} of ${nodes.length} boot ${foreign[0].os} (${foreign[0].node.name} reports "${foreign[0].node.osImage}"), not RHCOS: drift against ${releaseName}'s RHCOS cannot be measured.`,
    );
  }
  const updated = nodes.filter(node => node.onTarget).length;
  if (updated === nodes.length) {
    return target;
  }
  const builds = nodes
    .map(node => rhcosVersionFromOsImage(node.osImage))
    .filter((build): build is string => build !== null);
  if (!builds.length) {
    return target;
  }
  const context = contextOf(input);
  const oldest = builds.reduce((a, b) => (compareBuildsInContext(b, a, context) < 0 ? b : a));
  const onOldest = builds.filter(build => sameRhcosBuild(build, oldest)).length;
  let why: string;
  if (!input.targetImage) {
    // Nothing to roll out to yet (e.g. the first on-cluster build has not published an image).
    why = 'No target image yet';
  } else if (input.pool?.paused) {
    const since = input.pool.pausedSince ? `Paused since ${input.pool.pausedSince}` : 'Paused';
    why = `${since}: ${updated} of ${nodes.length} updated`;
  } else {
    why = `Rolling out: ${updated} of ${nodes.length} updated`;
  }
  // The target's own reason is in drift.target; here only where the pool is going.
  const then = input.pool?.paused ? 'once resumed, it goes to its target' : 'it is going to its target';
  const where: Record<DriftView['status'], string> = {
    'in-sync': 'which is in sync',
    behind: 'which is behind',
    ahead: 'which is ahead',
    unknown: 'whose drift is unknown',
  };
  const targetNote = input.targetImage ? `; ${then}, ${where[target.status]}` : '';
  const c = compareBuildWithRelease(oldest, context);
  if (c.status === 'unknown') {
    return unknown(
      `${why}. The oldest RHCOS its nodes boot, ${oldest}, cannot be compared: ${c.reason}${targetNote}.`,
      figures(c),
    );
  }
  const nodesText = `${onOldest} of ${nodes.length} nodes ${c.status === 'behind' ? 'still ' : ''}boot ${c.from}`;
  const gap = c.status === 'in-sync' ? `in sync with ${releaseName}` : c.gap;
  return {
    status: c.status,
    ...figures(c),
    reason: `${why}; ${nodesText}, ${gap}${targetNote}.`,
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
