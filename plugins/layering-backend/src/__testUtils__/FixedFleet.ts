import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type {
  ClusterView,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type {
  FleetChange,
  FleetPoolFilter,
  LayeringFleetService,
} from '../services/FleetService';

/** A minimal pool view for tests of code that only passes views around. */
export function testPoolView(
  cluster: string,
  name: string,
  drift: PoolView['drift']['status'] = 'in-sync',
): PoolView {
  return {
    cluster,
    name,
    paused: false,
    machineCount: 1,
    readyMachineCount: 1,
    updatedMachineCount: 1,
    degradedMachineCount: 0,
    conditions: [],
    renderedConfig: `rendered-${name}-0123456789abcdef0123456789abcdef`,
    layering: { mode: 'none' },
    image: { target: null, baseRhcosVersion: null },
    release: { version: '4.18.21', rhcosVersion: '418.94.202507221249-0' },
    drift: {
      status: drift,
      minorVersionsBehind: null,
      releasesBehind: null,
      ageDays: null,
      reason: 'test',
    },
    rollout: { state: 'idle', updated: 1, total: 1 },
    nodeRhcosVersions: [],
    stale: false,
  };
}

/**
 * A fleet with views set by the test, for the router and provider tests
 * (the real fleet is exercised against the embedded cluster in plugin.test.ts).
 */
export class FixedFleet implements LayeringFleetService {
  clusters: string[];
  pools: PoolView[];
  /** Layering settings by `cluster/pool`; pools without an entry answer `{ mode: 'none' }`. */
  readonly layering = new Map<string, PoolLayeringSettings>();
  readonly #listeners = new Set<(change: FleetChange) => void>();
  #version = 0;
  #versionOf: { clusters: string[]; pools: PoolView[] } | undefined;

  constructor(clusters: string[], pools: PoolView[]) {
    this.clusters = clusters;
    this.pools = pools;
  }

  #cluster(name: string): ClusterView {
    return {
      name,
      status: 'ok',
      lastSync: '2026-01-01T00:00:00.000Z',
      release: { version: '4.18.21', baseImage: null, rhcosVersion: null },
    };
  }

  /** Replaces the pools and tells subscribers. */
  setPools(pools: PoolView[]) {
    this.pools = pools;
    for (const cluster of this.clusters) {
      this.#listeners.forEach(l =>
        l({ cluster, pools: ['*'], clusterChanged: false, initial: false }),
      );
    }
  }

  listClusters() {
    return this.clusters.map(name => this.#cluster(name));
  }
  getCluster(name: string) {
    return this.clusters.includes(name) ? this.#cluster(name) : undefined;
  }
  listPools(cluster: string) {
    return this.clusters.includes(cluster)
      ? this.pools.filter(p => p.cluster === cluster)
      : undefined;
  }
  getPool(cluster: string, pool: string): PoolDetail | undefined {
    const view = this.pools.find(p => p.cluster === cluster && p.name === pool);
    return view ? { ...view, nodes: [], builds: [] } : undefined;
  }
  async getPoolLayering(cluster: string, pool: string): Promise<PoolLayeringSettings | undefined> {
    if (!this.getPool(cluster, pool)) return undefined;
    return this.layering.get(`${cluster}/${pool}`) ?? { mode: 'none' };
  }
  listFleetPools(filter: FleetPoolFilter = {}) {
    return this.pools.filter(
      p =>
        (!filter.drift || filter.drift.includes(p.drift.status)) &&
        (!filter.clusters || filter.clusters.includes(p.cluster)),
    );
  }
  listFleetPoolsResponse(filter: FleetPoolFilter = {}) {
    const body = Buffer.from(JSON.stringify({ items: this.listFleetPools(filter) }));
    return {
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
      body,
      gzipped: () => gzipSync(body),
    };
  }
  /** Moves when a test gives the fleet other clusters or pools (assigned or through setPools). */
  viewsVersion() {
    const seen = this.#versionOf;
    if (!seen || seen.clusters !== this.clusters || seen.pools !== this.pools) {
      this.#version += 1;
      this.#versionOf = { clusters: this.clusters, pools: this.pools };
    }
    return this.#version;
  }
  getRelease(cluster: string) {
    return this.clusters.includes(cluster)
      ? {
          cluster,
          version: '4.18.21',
          baseImage: null,
          rhcosVersion: null,
          status: 'ok' as const,
          stale: false,
          history: [],
        }
      : undefined;
  }
  subscribe(listener: (change: FleetChange) => void) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
  async ready() {}
}
