import {
  BuildView,
  ClusterView,
  computeDrift,
  DriftHistoryEntry,
  DriftTargetSource,
  LayeringMode,
  NodeView,
  PoolDetail,
  PoolView,
  ReleaseView,
  derivePoolRollout,
  ImageOsFacts,
  nodeRhcosHistogram,
  resolveBaseRhcosVersion,
  rhcosVersionFromOsImage,
} from '@rhcos-layering/plugin-layering-common';
import type { ClusterHealth, ClusterSnapshot } from '../kubernetes/ClusterCache';
import type { NodeProjection, PoolProjection } from '../kubernetes/projections';
import { selectorMatches } from '../kubernetes/projections';
import type { MachineOSConfigProjection } from '../kubernetes/layeringProjections';

/**
 * What the view builder knows about images, from the registry. `undefined`
 * means "not known yet" (a lookup may be under way), `null` "cannot be known".
 */
export interface ImageFacts {
  /** RHCOS build of an image, read from its config labels. */
  rhcosOfImage(image: string): string | null | undefined;
  /** RHCOS build of a release payload's `rhel-coreos` image. */
  rhcosOfRelease(releaseImage: string): string | null | undefined;
  /** OS name (`com.coreos.osname`) and OCP release (`releaseversion`) an image's labels name. */
  osOfImage?(image: string): ImageOsFacts | null | undefined;
}

/** Offered updates whose RHCOS build is looked up: each costs one release payload read. */
const MAX_UPDATE_LOOKUPS = 10;

/** Everything computed for one cluster, ready to serve. */
export interface ClusterViews {
  cluster: ClusterView;
  pools: Map<string, PoolView>;
  /** Inputs kept for pool details (nodes and builds are built on request). */
  membership: Map<string, NodeProjection[]>;
  /** Release history with RHCOS builds, for `/release`. */
  history: Array<DriftHistoryEntry & { image: string | null }>;
}

const MASTER = 'master';
const WORKER = 'worker';

/** Resolves which pool a node belongs to. */
function poolOfNode(
  node: NodeProjection,
  renderOwner: Map<string, string>,
  pools: ReadonlyMap<string, PoolProjection>,
): string | null {
  // The node controller points desiredConfig at a render of the node's pool, so its owner is
  // the most direct answer; the selector is the fallback for nodes not yet handled by the MCO.
  for (const config of [node.desiredConfig, node.currentConfig]) {
    const owner = config ? renderOwner.get(config) : undefined;
    if (owner && pools.has(owner)) {
      return owner;
    }
  }
  const matches: string[] = [];
  for (const pool of pools.values()) {
    if (selectorMatches(pool.nodeSelector, node.roleLabels)) {
      matches.push(pool.name);
    }
  }
  // MCO resolution: master wins over everything, a custom pool over worker.
  if (matches.includes(MASTER)) return MASTER;
  const custom = matches.filter(name => name !== WORKER);
  if (custom.length === 1) return custom[0];
  if (custom.length > 1) return null;
  return matches.includes(WORKER) ? WORKER : null;
}

/** The build most nodes report (layering-common's histogram), or null. */
function mostReported(versions: Array<string | null>): string | null {
  const [top] = nodeRhcosHistogram(versions.map(rhcosVersion => ({ rhcosVersion })));
  return top?.rhcosVersion ?? null;
}

/**
 * RHCOS builds that nodes report, by the render image they boot: nodes done on a render, without
 * an on-cluster layered image, report the RHCOS their render's `osImageURL` was built from.
 */
function nodeRhcosByImage(snapshot: ClusterSnapshot): (image: string) => string | null {
  const seen = new Map<string, Array<string | null>>();
  for (const node of snapshot.nodes.values()) {
    if (node.state !== 'Done' || node.currentImage || !node.currentConfig) continue;
    const image = snapshot.machineConfigs.get(node.currentConfig)?.osImageURL;
    if (!image) continue;
    let list = seen.get(image);
    if (!list) {
      list = [];
      seen.set(image, list);
    }
    list.push(rhcosVersionFromOsImage(node.osImage));
  }
  const cache = new Map<string, string | null>();
  return image => {
    if (!cache.has(image)) cache.set(image, mostReported(seen.get(image) ?? []));
    return cache.get(image)!;
  };
}

function releaseOf(
  snapshot: ClusterSnapshot,
  facts: ImageFacts,
  rhcosFromNodes: (image: string) => string | null,
): ReleaseView {
  const cv = snapshot.clusterVersion;
  const cm = snapshot.osImageUrl;
  const completed = cv?.history[0]?.state === 'Completed' ? cv.history[0].version : null;
  const version = cm?.releaseVersion ?? completed ?? cv?.desiredVersion ?? null;
  const baseImage = cm?.baseOSContainerImage ?? null;
  // The image's labels first; else what the nodes that boot the release default report.
  const rhcosVersion = baseImage
    ? facts.rhcosOfImage(baseImage) ?? rhcosFromNodes(baseImage)
    : null;
  return { version, baseImage, rhcosVersion };
}

/**
 * The RHCOS build of every release of the update history: through the release
 * payload's `rhel-coreos` reference when the registry serves it, otherwise
 * from rendered configs of that release that still use the release default
 * (`release-image-version` annotation, no osImageURL override).
 */
function historyOf(
  snapshot: ClusterSnapshot,
  release: ReleaseView,
  facts: ImageFacts,
  rhcosFromNodes: (image: string) => string | null,
): Array<DriftHistoryEntry & { image: string | null }> {
  const fromRenders = new Map<string, string>();
  for (const mc of snapshot.machineConfigs.values()) {
    if (!mc.ownerPool || !mc.releaseImageVersion || mc.osImageUrlOverridden || !mc.osImageURL) {
      continue;
    }
    if (fromRenders.has(mc.releaseImageVersion)) continue;
    const rhcos = facts.rhcosOfImage(mc.osImageURL) ?? rhcosFromNodes(mc.osImageURL);
    if (rhcos) fromRenders.set(mc.releaseImageVersion, rhcos);
  }
  if (release.version && release.rhcosVersion) {
    fromRenders.set(release.version, release.rhcosVersion);
  }
  const history = snapshot.clusterVersion?.history ?? [];
  return history.map(entry => ({
    version: entry.version,
    image: entry.image,
    state: entry.state ?? undefined,
    rhcosVersion:
      (entry.image ? facts.rhcosOfRelease(entry.image) : null) ??
      fromRenders.get(entry.version) ??
      null,
  }));
}

function outOfClusterSource(
  pool: PoolProjection,
  image: string,
  snapshot: ClusterSnapshot,
): { name: string; inherited: boolean } | null {
  let own: string | null = null;
  let inherited: string | null = null;
  for (const mc of snapshot.machineConfigs.values()) {
    if (mc.generated || mc.ownerPool || mc.osImageURL !== image) continue;
    if (mc.role === pool.name) {
      if (!own || mc.name > own) own = mc.name;
    } else if (mc.role === WORKER && pool.name !== MASTER) {
      if (!inherited || mc.name > inherited) inherited = mc.name;
    }
  }
  if (own) return { name: own, inherited: false };
  if (inherited) return { name: inherited, inherited: true };
  return null;
}

function moscOfPool(
  snapshot: ClusterSnapshot,
  pool: string,
): MachineOSConfigProjection | undefined {
  for (const mosc of snapshot.machineOSConfigs.values()) {
    if (mosc.pool === pool) return mosc;
  }
  return undefined;
}

/** Builds the cluster view and every pool view of one cluster. */
export function buildClusterViews(
  name: string,
  health: ClusterHealth,
  snapshot: ClusterSnapshot,
  facts: ImageFacts,
): ClusterViews {
  const rhcosFromNodes = nodeRhcosByImage(snapshot);
  const release = releaseOf(snapshot, facts, rhcosFromNodes);
  const history = historyOf(snapshot, release, facts, rhcosFromNodes);
  // The update graph names more releases, so RHEL-style builds of those get an OCP minor too.
  const updates: DriftHistoryEntry[] = (snapshot.clusterVersion?.updates ?? [])
    .slice(0, MAX_UPDATE_LOOKUPS)
    .map(update => ({ version: update.version, rhcosVersion: facts.rhcosOfRelease(update.image) ?? null }));
  const stale = health.stale;

  const renderOwner = new Map<string, string>();
  for (const mc of snapshot.machineConfigs.values()) {
    if (mc.ownerPool) renderOwner.set(mc.name, mc.ownerPool);
  }
  const membership = new Map<string, NodeProjection[]>();
  let singleNode = false;
  for (const node of snapshot.nodes.values()) {
    if (node.controlPlaneTopology === 'SingleReplica') singleNode = true;
    const pool = poolOfNode(node, renderOwner, snapshot.pools);
    if (!pool) continue;
    let list = membership.get(pool);
    if (!list) {
      list = [];
      membership.set(pool, list);
    }
    list.push(node);
  }

  const pools = new Map<string, PoolView>();
  const names = [...snapshot.pools.keys()].sort();
  for (const poolName of names) {
    const pool = snapshot.pools.get(poolName)!;
    const nodes = membership.get(poolName) ?? [];
    const render = pool.targetConfig ? snapshot.machineConfigs.get(pool.targetConfig) : undefined;
    const mosc = moscOfPool(snapshot, poolName);
    const build = mosc?.currentBuild ? snapshot.machineOSBuilds.get(mosc.currentBuild) : undefined;

    let mode: LayeringMode = 'none';
    let source: string | undefined;
    let layeredImage: string | null | undefined;
    let targetImage: string | null;
    let targetSource: DriftTargetSource = { kind: 'default' };
    if (mosc) {
      mode = 'on-cluster';
      source = mosc.name;
      layeredImage = mosc.currentImage;
      targetImage = mosc.currentImage;
      targetSource = { kind: 'machine-os-config', name: mosc.name };
    } else {
      targetImage = render?.osImageURL ?? null;
      // Out-of-cluster layering: the render says its image is overridden, or a user
      // MachineConfig of this pool sets the render's image. Comparing with the release default
      // alone would mislabel renders of the previous release during an upgrade.
      const mc = targetImage ? outOfClusterSource(pool, targetImage, snapshot) : null;
      if (targetImage && (render?.osImageUrlOverridden || mc)) {
        mode = 'out-of-cluster';
        source = mc?.name;
        layeredImage = targetImage;
        if (mc) targetSource = { kind: 'machine-config', name: mc.name, inherited: mc.inherited };
      }
    }

    // Base RHCOS of the target: its labels, else the nodes that already boot it.
    let baseRhcosVersion: string | null = null;
    let baseRhcosSource: 'labels' | 'nodes' | null = null;
    const onTarget = (node: NodeProjection) =>
      targetImage !== null &&
      (mode === 'on-cluster'
        ? node.currentImage === targetImage
        : node.currentConfig === pool.targetConfig && node.state === 'Done');
    const imageOs = targetImage ? facts.osOfImage?.(targetImage) ?? null : null;
    if (targetImage) {
      const running = nodes.filter(onTarget);
      const base = resolveBaseRhcosVersion(
        facts.rhcosOfImage(targetImage),
        running.map(node => ({ rhcosVersion: rhcosVersionFromOsImage(node.osImage) })),
      );
      baseRhcosVersion = base.rhcosVersion;
      baseRhcosSource = base.source;
    }

    const drift = computeDrift({
      release: {
        version: release.version,
        rhcosVersion: release.rhcosVersion,
        defaultImage: release.baseImage,
      },
      targetImage,
      targetSource,
      baseRhcosVersion,
      baseRhcosSource,
      baseOcpVersion: imageOs?.ocpVersion ?? null,
      baseOsName: imageOs?.osName ?? null,
      history,
      updates,
      nodes: nodes.map(node => ({ name: node.name, osImage: node.osImage, onTarget: onTarget(node) })),
      pool: {
        paused: pool.paused,
        // The MCO flips Updating when a paused pool has work it will not do: that is when it stopped.
        pausedSince: pool.paused
          ? pool.conditions.find(c => c.type === 'Updating')?.lastTransitionTime ?? null
          : null,
      },
      stale,
    });

    const view: PoolView = {
      cluster: name,
      name: poolName,
      paused: pool.paused,
      machineCount: pool.machineCount,
      readyMachineCount: pool.readyMachineCount,
      updatedMachineCount: pool.updatedMachineCount,
      degradedMachineCount: pool.degradedMachineCount,
      conditions: pool.conditions,
      renderedConfig: pool.targetConfig,
      layering: {
        mode,
        ...(source ? { source } : {}),
        ...(layeredImage !== undefined ? { image: layeredImage } : {}),
      },
      build: build ? { name: build.name, state: build.state } : null,
      image: { target: targetImage, baseRhcosVersion },
      release: { version: release.version, rhcosVersion: release.rhcosVersion },
      drift,
      rollout: derivePoolRollout(pool, { buildState: build?.state ?? null, stale }),
      nodeRhcosVersions: nodeRhcosHistogram(
        nodes.map(node => ({ rhcosVersion: rhcosVersionFromOsImage(node.osImage) })),
      ),
      stale,
    };
    if (!mosc) {
      // Only on-cluster layered pools have builds; the field is left out for the others.
      delete view.build;
    }
    pools.set(poolName, view);
  }

  const cluster: ClusterView = {
    name,
    status: health.status,
    ...(health.error ? { error: health.error } : {}),
    lastSync: health.lastSync === null ? null : new Date(health.lastSync).toISOString(),
    release,
    machineOSConfigApiVersion: health.machineOSConfigApiVersion,
    singleNode,
  };
  return { cluster, pools, membership, history };
}

/** Node views of a pool, by name. */
export function nodeViews(nodes: NodeProjection[]): NodeView[] {
  return nodes
    .map(node => ({
      name: node.name,
      currentConfig: node.currentConfig,
      desiredConfig: node.desiredConfig,
      state: node.state,
      reason: node.reason,
      currentImage: node.currentImage,
      desiredImage: node.desiredImage,
      rhcosVersion: rhcosVersionFromOsImage(node.osImage),
      ready: node.ready,
      unschedulable: node.unschedulable,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The detail of one pool: its view, its nodes and its builds (newest first). */
export function poolDetail(
  view: PoolView,
  nodes: NodeProjection[],
  snapshot: ClusterSnapshot,
): PoolDetail {
  const builds: BuildView[] = [];
  const mosc = moscOfPool(snapshot, view.name);
  for (const build of snapshot.machineOSBuilds.values()) {
    if (build.pool !== view.name && (!mosc || build.machineOSConfig !== mosc.name)) continue;
    builds.push({
      name: build.name,
      state: build.state,
      start: build.start,
      end: build.end,
      image: build.image,
      renderedConfig: build.renderedConfig,
    });
  }
  builds.sort((a, b) => (b.start ?? '').localeCompare(a.start ?? '') || a.name.localeCompare(b.name));
  return { ...view, nodes: nodeViews(nodes), builds };
}
