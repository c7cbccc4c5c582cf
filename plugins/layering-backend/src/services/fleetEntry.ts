import type { ClusterView } from '@rhcos-layering/plugin-layering-common';
import type { ClusterCache } from '../kubernetes/ClusterCache';
import type { ClusterSpec } from '../kubernetes/clusterConfig';
import type { ClusterRelease } from './fleetTypes';
import type { ImageLabelCache } from './ImageLabelCache';
import type { ClusterViews } from './viewBuilder';

/** One watched cluster of the fleet: its cache, its image labels and the views built from them. */
export interface ClusterEntry {
  cache: ClusterCache;
  images: ImageLabelCache;
  views: ClusterViews | undefined;
  /** JSON of each pool view, to tell which ones changed. */
  fingerprints: Map<string, string>;
  clusterFingerprint: string;
  timer: NodeJS.Timeout | undefined;
}

/** What changed when a cluster's views were replaced by new ones. */
export interface ViewsChange {
  /** Pools whose view changed, was added or was removed. */
  pools: string[];
  /** The cluster view changed (its last sync time aside). */
  clusterChanged: boolean;
  /** These are the cluster's first views. */
  initial: boolean;
}

/**
 * Puts `views` in the entry and tells which pools changed, by comparing each pool view's JSON with
 * the one it had before.
 */
export function replaceViews(entry: ClusterEntry, views: ClusterViews): ViewsChange {
  const initial = entry.views === undefined;
  entry.views = views;
  const pools: string[] = [];
  const seen = new Set<string>();
  for (const [name, view] of views.pools) {
    seen.add(name);
    const fingerprint = JSON.stringify(view);
    if (entry.fingerprints.get(name) !== fingerprint) {
      entry.fingerprints.set(name, fingerprint);
      pools.push(name);
    }
  }
  for (const name of [...entry.fingerprints.keys()]) {
    if (!seen.has(name)) {
      entry.fingerprints.delete(name);
      pools.push(name);
    }
  }
  const { lastSync: _ignored, ...stable } = views.cluster;
  const clusterFingerprint = JSON.stringify(stable);
  const clusterChanged = clusterFingerprint !== entry.clusterFingerprint;
  entry.clusterFingerprint = clusterFingerprint;
  return { pools, clusterChanged, initial };
}

/** Who a direct apply to the cluster writes as, from its writer credential (never the credential). */
function directApplyAs(spec: ClusterSpec): ClusterView['directApplyAs'] {
  if (!spec.writer) return 'none';
  return spec.writer.type === 'user' ? 'person' : 'service';
}

/**
 * The cluster view with the cache's current health (status, error, last sync) over the release
 * and topology of the last views built.
 */
export function freshClusterView(name: string, entry: ClusterEntry): ClusterView {
  const health = entry.cache.health();
  const base = entry.views?.cluster;
  return {
    name,
    // Until the first views exist the cluster is still syncing, whatever the caches say.
    status: base ? health.status : 'syncing',
    ...(health.error ? { error: health.error } : {}),
    lastSync: health.lastSync === null ? null : new Date(health.lastSync).toISOString(),
    release: base?.release ?? { version: null, baseImage: null, rhcosVersion: null },
    machineOSConfigApiVersion: health.machineOSConfigApiVersion,
    singleNode: base?.singleNode ?? false,
    directApplyAs: directApplyAs(entry.cache.spec),
  };
}

/** The cluster's release, its update history and the updates it offers. */
export function clusterRelease(cluster: string, entry: ClusterEntry): ClusterRelease {
  const view = freshClusterView(cluster, entry);
  return {
    cluster,
    ...view.release,
    status: view.status,
    stale: entry.cache.health().stale,
    history: (entry.views?.history ?? []).map(h => ({
      version: h.version,
      image: h.image,
      state: h.state ?? null,
      rhcosVersion: h.rhcosVersion,
    })),
    updates: entry.cache.snapshot().clusterVersion?.updates ?? [],
  };
}
