import type { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { assertError } from '@backstage/errors';
import type {
  ClusterView,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringClustersService } from '@rhcos-layering/plugin-layering-node';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterSpec } from '../kubernetes/clusterConfig';
import type { FleetService } from '../services/FleetService';
import type {
  ClusterRelease,
  FleetChange,
  FleetPoolFilter,
  FleetPoolsResponse,
  LayeringFleetService,
} from '../services/fleetTypes';
import { ClusterLeases } from './ClusterLeases';
import { readPoolSettings } from './remoteSettings';
import { SharedViewStore, type SharedPool } from './SharedViewStore';
import { ensureScaleTables } from './tables';
import { fleetFilterKey, rememberFleetAnswer } from '../services/fleetAnswers';

/** Settings of the replicas (`layering.replicas`). */
export interface ReplicaSettings {
  replicaId: string;
  leaseTtlMs: number;
  renewIntervalMs: number;
  viewPollIntervalMs: number;
  writeDebounceMs: number;
  /** How often the clusters service is asked for the cluster list again. */
  clusterRefreshMs: number;
}

/**
 * Reads `layering.replicas`; every key is optional.
 *
 * @remarks
 * Default lease timing: renewed every 5 s, valid 15 s. A holder that misses renewals stops
 * watching after 10 s (TTL minus one interval), so the TTL must leave room for a stalled event
 * loop or a slow database under load (stalls of several seconds were seen on a loaded 2-core
 * machine, and a shorter TTL let leases move back and forth between live replicas). A killed
 * replica's clusters are claimed when its leases end (10 to 15 s after the kill) and served from
 * its last shared views, marked stale, until the new owner's watches have listed.
 */
export function readReplicaSettings(config: Config): ReplicaSettings {
  const c = config.getOptionalConfig('layering.replicas');
  const renewIntervalMs = (c?.getOptionalNumber('renewIntervalSeconds') ?? 5) * 1000;
  return {
    replicaId:
      c?.getOptionalString('id') ??
      `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    renewIntervalMs,
    leaseTtlMs: Math.max(
      (c?.getOptionalNumber('leaseTtlSeconds') ?? 15) * 1000,
      renewIntervalMs * 2,
    ),
    viewPollIntervalMs: c?.getOptionalNumber('viewPollIntervalMs') ?? 1000,
    writeDebounceMs: c?.getOptionalNumber('viewWriteDebounceMs') ?? 250,
    clusterRefreshMs: 60_000,
  };
}

/** What this replica serves of one cluster. */
interface Held {
  /** `local`: views of our own watches; `shared`: views the owner wrote to the database. */
  source: 'local' | 'shared';
  /**
   * Shared views of a cluster whose lease this replica now holds while its own watches still
   * list: the previous owner's last views, served with every pool marked stale (as a watch that
   * re-lists marks its pools), so the cluster is never shown empty during a takeover.
   */
  stale?: boolean;
  cluster: ClusterView;
  release: ClusterRelease;
  pools: Map<string, SharedPool>;
  details: Map<string, string>;
  version: string;
  updatedAt: number;
}

/** The held views of a cluster with every pool view marked stale. */
function staleHeld(held: Held): Held {
  const pools = new Map<string, SharedPool>();
  for (const [name, pool] of held.pools) {
    if (pool.view.stale) {
      pools.set(name, pool);
    } else {
      const view = { ...pool.view, stale: true };
      pools.set(name, { view, json: JSON.stringify(view) });
    }
  }
  return { ...held, pools, stale: true };
}

/** Options of {@link ScaledFleetService.create}. */
export interface ScaledFleetOptions {
  config: Config;
  logger: LoggerService;
  clusters: LayeringClustersService;
  database: DatabaseService;
  /** Builds the watching fleet over the clusters this replica owns (`FleetService.fromClustersService`). */
  createFleet(owned: LayeringClustersService): Promise<FleetService>;
  settings?: Partial<ReplicaSettings>;
}

/**
 * The fleet of one replica among several on one database: it watches only the clusters whose
 * lease it holds ({@link ClusterLeases}), shares their views through the database, and serves
 * every other cluster from the views their owners shared, so any replica answers for all.
 * Alone (or on SQLite) it owns every cluster.
 */
export class ScaledFleetService implements LayeringFleetService {
  readonly #logger: LoggerService;
  readonly #settings: ReplicaSettings;
  readonly #clustersService: LayeringClustersService;
  readonly #store: SharedViewStore;
  readonly #held = new Map<string, Held>();
  readonly #listeners = new Set<(change: FleetChange) => void>();
  readonly #answers = new Map<string, FleetPoolsResponse>();
  readonly #pendingWrites = new Map<string, Set<string> | 'all'>();
  #specs: ClusterSpec[] = [];
  #byName = new Map<string, ClusterSpec>();
  #fleet: FleetService | undefined;
  #leases!: ClusterLeases;
  /** Increases whenever what this replica holds changes (views, statuses, clusters, owners). */
  #generation = 0;
  #readyWaiters: Array<() => void> = [];
  #writeTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #touchRound = 0;
  #stopped = false;
  #writing: Promise<void> = Promise.resolve();

  private constructor(options: ScaledFleetOptions, store: SharedViewStore, settings: ReplicaSettings) {
    this.#logger = options.logger;
    this.#settings = settings;
    this.#clustersService = options.clusters;
    this.#store = store;
  }

  /** Takes the leases it can, starts watching those clusters and reading the others' views. */
  static async create(options: ScaledFleetOptions): Promise<ScaledFleetService> {
    const settings = { ...readReplicaSettings(options.config), ...options.settings };
    const db = await options.database.getClient();
    await ensureScaleTables(db);
    const service = new ScaledFleetService(options, new SharedViewStore(db, settings.replicaId), settings);
    await service.#loadSpecs();
    if (service.#specs.length === 0) {
      options.logger.warn(
        'No cluster is configured for the layering plugins (kubernetes.clusterLocatorMethods); the layering API lists no clusters',
      );
    }
    service.#leases = new ClusterLeases({
      db,
      replicaId: settings.replicaId,
      logger: options.logger,
      ttlMs: settings.leaseTtlMs,
      renewIntervalMs: settings.renewIntervalMs,
      clusters: () => service.#specs.map(s => s.name),
      onOwnershipChange: owned => service.#ownershipChanged(owned),
    });
    // The first round settles what we own before the watching fleet starts on it.
    await service.#leases.round();
    service.#fleet = await options.createFleet({
      getClusters: async () => service.#ownedSpecs(),
    });
    service.#fleet.subscribe(change => service.#localChange(change));
    await service.#leases.start();
    await service.#poll();
    service.#schedulePoll();
    service.#scheduleRefresh();
    options.logger.info('Layering replica started', {
      replica: settings.replicaId,
      owned: service.#leases.owned.size,
      clusters: service.#specs.length,
    });
    return service;
  }

  /** This replica's id and the clusters it watches (tests, benchmark). */
  get replica(): { id: string; owned: string[]; stats: ClusterLeases['stats'] } {
    return {
      id: this.#settings.replicaId,
      owned: [...this.#leases.owned].sort(),
      stats: this.#leases.stats,
    };
  }

  /** Where this replica's answer about a cluster comes from (benchmark, diagnostics). */
  describe(name: string): { owned: boolean; source: string; status: string; watchedStatus?: string } {
    return {
      owned: this.#leases.owned.has(name),
      source: this.#held.get(name)?.source ?? 'none',
      status: this.getCluster(name)?.status ?? 'unknown',
      watchedStatus: this.#fleet?.getCluster(name)?.status,
    };
  }

  /**
   * Whether this replica serves `name` from its own watches: it holds the cluster's lease and
   * its watches have synced (until then it serves the views the previous owner shared).
   */
  watches(name: string): boolean {
    return this.#local(name);
  }

  /** The watching fleet of the owned clusters (benchmark counters). */
  get fleet(): FleetService | undefined {
    return this.#fleet;
  }

  #ownedSpecs(): ClusterSpec[] {
    const owned = this.#leases?.owned;
    return owned ? this.#specs.filter(s => owned.has(s.name)) : [];
  }

  async #loadSpecs(): Promise<void> {
    let specs: ClusterSpec[];
    try {
      specs = await this.#clustersService.getClusters();
    } catch (error) {
      assertError(error);
      this.#logger.warn('Cannot list the layering clusters; keeping the current ones', error);
      return;
    }
    const names = (list: ClusterSpec[]) => list.map(s => s.name).join('\n');
    if (names(specs) !== names(this.#specs)) this.#generation += 1;
    this.#specs = specs;
    this.#byName = new Map(specs.map(s => [s.name, s]));
    let dropped = false;
    for (const name of [...this.#held.keys()]) {
      if (!this.#byName.has(name)) {
        this.#held.delete(name);
        dropped = true;
      }
    }
    if (dropped) this.#invalidate();
  }

  #scheduleRefresh() {
    if (this.#stopped) return;
    this.#refreshTimer = setTimeout(async () => {
      await this.#loadSpecs();
      // Settings of an owned cluster may have changed: the fleet restarts what changed.
      await this.#fleet?.setClusters(this.#ownedSpecs()).catch(error => {
        assertError(error);
        this.#logger.warn('Cannot update the watched clusters', error);
      });
      this.#scheduleRefresh();
    }, this.#settings.clusterRefreshMs);
    this.#refreshTimer.unref?.();
  }

  async #ownershipChanged(owned: ReadonlySet<string>): Promise<void> {
    // Whose watches answer for a cluster (and so its status) may have moved.
    this.#generation += 1;
    // Taken over: until our own watches have listed, the previous owner's last views are
    // served, marked stale (nobody watches the cluster for them any more).
    let marked = false;
    for (const name of owned) {
      const held = this.#held.get(name);
      if (held?.source === 'shared' && !held.stale) {
        this.#held.set(name, staleHeld(held));
        marked = true;
      }
    }
    if (marked) this.#invalidate();
    if (this.#fleet) {
      await this.#fleet.setClusters(this.#specs.filter(s => owned.has(s.name)));
    }
    for (const [name, held] of this.#held) {
      if (!owned.has(name) && held.source === 'local') {
        // Served from the database again once the new owner writes; until then as last seen.
        held.source = 'shared';
        held.version = '';
        this.#generation += 1;
      }
    }
  }

  #invalidate() {
    this.#generation += 1;
    this.#answers.clear();
    this.#checkReady();
  }

  #localChange(change: FleetChange) {
    const fleet = this.#fleet;
    if (!fleet || !this.#leases.owned.has(change.cluster)) return;
    const cluster = fleet.getCluster(change.cluster);
    if (cluster) {
      const previous = this.#held.get(change.cluster);
      // A cluster just taken over keeps the previous owner's views until ours are complete.
      const keepShared =
        cluster.status === 'syncing' && previous?.source === 'shared' && previous.cluster.status !== 'syncing';
      if (!keepShared) {
        const pools = new Map<string, SharedPool>();
        for (const view of fleet.listPools(change.cluster) ?? []) {
          pools.set(view.name, { view, json: JSON.stringify(view) });
        }
        this.#held.set(change.cluster, {
          source: 'local',
          cluster,
          release: fleet.getRelease(change.cluster)!,
          pools,
          details: new Map(),
          version: '',
          updatedAt: 0,
        });
        this.#invalidate();
        if (cluster.status !== 'syncing') {
          const pending = this.#pendingWrites.get(change.cluster);
          const initial = change.initial || previous?.source !== 'local';
          if (initial || pending === 'all') {
            this.#pendingWrites.set(change.cluster, 'all');
          } else {
            const set = pending ?? new Set<string>();
            change.pools.forEach(p => set.add(p));
            this.#pendingWrites.set(change.cluster, set);
          }
          this.#scheduleWrite();
        }
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        assertError(error);
        this.#logger.error('Fleet change listener failed', error);
      }
    }
  }

  #scheduleWrite() {
    if (this.#writeTimer || this.#stopped) return;
    this.#writeTimer = setTimeout(() => {
      this.#writeTimer = undefined;
      this.#writing = this.#writing.then(() => this.#flushWrites());
    }, this.#settings.writeDebounceMs);
  }

  async #flushWrites(): Promise<void> {
    const fleet = this.#fleet;
    const pending = [...this.#pendingWrites.entries()];
    this.#pendingWrites.clear();
    for (const [name, which] of pending) {
      if (!fleet || !this.#leases.owned.has(name)) continue;
      const cluster = fleet.getCluster(name);
      const release = fleet.getRelease(name);
      const views = fleet.listPools(name);
      if (!cluster || !release || !views) continue;
      const names = views.map(v => v.name);
      const changed = which === 'all' ? names : names.filter(n => which.has(n));
      const pools = changed.flatMap(pool => {
        const detail = fleet.getPool(name, pool);
        return detail
          ? [{ name: pool, view: JSON.stringify(views.find(v => v.name === pool)), detail: JSON.stringify(detail) }]
          : [];
      });
      try {
        await this.#store.write(name, { cluster, release, pools, allPools: names });
      } catch (error) {
        assertError(error);
        this.#logger.warn('Cannot share the views of a cluster; retrying', { cluster: name, error: error.message });
        this.#pendingWrites.set(name, 'all');
        this.#scheduleWrite();
      }
    }
  }

  #schedulePoll() {
    if (this.#stopped) return;
    this.#pollTimer = setTimeout(async () => {
      await this.#poll();
      this.#schedulePoll();
    }, this.#settings.viewPollIntervalMs);
    this.#pollTimer.unref?.();
  }

  async #poll(): Promise<void> {
    try {
      await this.#touchOwned();
      const owned = this.#leases.owned;
      const changed = await this.#store.poll(
        name => this.#held.get(name),
        name => !this.#byName.has(name) || (owned.has(name) && this.#held.get(name)?.source === 'local'),
      );
      if (changed.length === 0) return;
      let poolsChanged = false;
      for (const shared of changed) {
        const previous = this.#held.get(shared.cluster.name);
        if (owned.has(shared.cluster.name) && previous?.source === 'local') continue;
        if (!shared.poolsIncluded) {
          if (!previous) continue;
          this.#held.set(shared.cluster.name, {
            ...previous,
            cluster: shared.cluster,
            release: shared.release,
            updatedAt: shared.updatedAt,
          });
          // Only the cluster's view moved (its lastSync, every few seconds, or its status): the
          // fleet answers hold pools only and stay as they are.
          continue;
        }
        const held: Held = { ...shared, source: 'shared' };
        // Ours now, but our watches have not listed yet: what the previous owner left is stale.
        this.#held.set(shared.cluster.name, owned.has(shared.cluster.name) ? staleHeld(held) : held);
        poolsChanged = true;
      }
      if (poolsChanged) {
        this.#invalidate();
      } else {
        this.#generation += 1;
        this.#checkReady();
      }
    } catch (error) {
      assertError(error);
      this.#logger.warn('Cannot read the views other replicas shared', error);
    }
  }

  /** Every few polls, the owned clusters' views are rewritten for their fresh `lastSync`. */
  async #touchOwned(): Promise<void> {
    this.#touchRound += 1;
    const every = Math.max(1, Math.round(10_000 / this.#settings.viewPollIntervalMs));
    const fleet = this.#fleet;
    if (this.#touchRound % every !== 0 || !fleet) return;
    const views = [...this.#leases.owned].flatMap(name => {
      const cluster = fleet.getCluster(name);
      const release = fleet.getRelease(name);
      return cluster && release && cluster.status !== 'syncing' ? [{ cluster, release }] : [];
    });
    await this.#store.touch(views);
  }

  /** Whether this replica answers for `name` from its own watches. */
  #local(name: string): boolean {
    return this.#leases.owned.has(name) && this.#held.get(name)?.source === 'local';
  }

  #syncing(name: string): ClusterView {
    return {
      name,
      status: 'syncing',
      lastSync: null,
      release: { version: null, baseImage: null, rhcosVersion: null },
      machineOSConfigApiVersion: null,
      singleNode: false,
    };
  }

  listClusters(): ClusterView[] {
    return this.#specs.map(spec => this.getCluster(spec.name)!);
  }

  getCluster(name: string): ClusterView | undefined {
    if (!this.#byName.has(name)) return undefined;
    if (this.#local(name)) return this.#fleet!.getCluster(name);
    return this.#held.get(name)?.cluster ?? this.#syncing(name);
  }

  listPools(name: string): PoolView[] | undefined {
    if (!this.#byName.has(name)) return undefined;
    if (this.#local(name)) return this.#fleet!.listPools(name);
    return [...(this.#held.get(name)?.pools.values() ?? [])].map(p => p.view);
  }

  getPool(name: string, pool: string): PoolDetail | undefined {
    if (!this.#byName.has(name)) return undefined;
    if (this.#local(name)) return this.#fleet!.getPool(name, pool);
    const held = this.#held.get(name);
    const view = held?.pools.get(pool)?.view;
    if (!held || !view) return undefined;
    const detail = held.details.get(pool);
    if (!detail) return { ...view, nodes: [], builds: [] };
    const parsed = JSON.parse(detail) as PoolDetail;
    return held.stale ? { ...parsed, stale: true } : parsed;
  }

  async getPoolLayering(name: string, pool: string): Promise<PoolLayeringSettings | undefined> {
    const spec = this.#byName.get(name);
    if (!spec) return undefined;
    if (this.#local(name)) return this.#fleet!.getPoolLayering(name, pool);
    const held = this.#held.get(name);
    const view = held?.pools.get(pool)?.view;
    if (!held || !view) return undefined;
    return readPoolSettings({ spec, view, apiVersion: held.cluster.machineOSConfigApiVersion });
  }

  listFleetPools(filter: FleetPoolFilter = {}): PoolView[] {
    const out: PoolView[] = [];
    const drift = filter.drift?.length ? new Set(filter.drift) : undefined;
    const clusters = filter.clusters?.length ? new Set(filter.clusters) : undefined;
    for (const spec of this.#specs) {
      if (clusters && !clusters.has(spec.name)) continue;
      for (const { view } of this.#held.get(spec.name)?.pools.values() ?? []) {
        if (!drift || drift.has(view.drift.status)) out.push(view);
      }
    }
    return out;
  }

  listFleetPoolsResponse(filter: FleetPoolFilter = {}): FleetPoolsResponse {
    const { key, drift, clusters } = fleetFilterKey(filter);
    const cached = this.#answers.get(key);
    if (cached) return cached;
    const parts: string[] = [];
    for (const spec of this.#specs) {
      if (clusters && !clusters.includes(spec.name)) continue;
      for (const { view, json } of this.#held.get(spec.name)?.pools.values() ?? []) {
        if (!drift || drift.includes(view.drift.status)) parts.push(json);
      }
    }
    // The body's own hash: replicas holding the same views give the same ETag.
    return rememberFleetAnswer(
      this.#answers,
      key,
      parts,
      body => `"fleet-${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`,
    );
  }

  viewsVersion(): number {
    // Both only ever grow (the watching fleet is never replaced), so the sum moves with either.
    return this.#generation + (this.#fleet?.viewsVersion() ?? 0);
  }

  getRelease(name: string): ClusterRelease | undefined {
    if (!this.#byName.has(name)) return undefined;
    if (this.#local(name)) return this.#fleet!.getRelease(name);
    return (
      this.#held.get(name)?.release ?? {
        cluster: name,
        version: null,
        baseImage: null,
        rhcosVersion: null,
        status: 'syncing',
        stale: true,
        history: [],
      }
    );
  }

  /**
   * The provenance of a pool's objects, when the watching fleet offers it: only for clusters this
   * replica watches (provenance is read from the caches and is not shared).
   */
  getPoolProvenance(cluster: string, pool: string): unknown {
    if (!this.#local(cluster)) return undefined;
    const fleet = this.#fleet as unknown as {
      getPoolProvenance?: (cluster: string, pool: string) => unknown;
    };
    return fleet.getPoolProvenance?.(cluster, pool);
  }

  subscribe(listener: (change: FleetChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #isReady(): boolean {
    return this.#specs.every(spec => {
      const held = this.#held.get(spec.name);
      return held !== undefined && held.cluster.status !== 'syncing';
    });
  }

  #checkReady() {
    if (this.#readyWaiters.length && this.#isReady()) {
      const waiters = this.#readyWaiters;
      this.#readyWaiters = [];
      waiters.forEach(resolve => resolve());
    }
  }

  ready(): Promise<void> {
    if (this.#isReady() || this.#stopped) return Promise.resolve();
    return new Promise(resolve => this.#readyWaiters.push(resolve));
  }

  /**
   * Stops watching and gives up this replica's leases, so the others take its clusters over at
   * their next round. With `release: false` the leases are left to expire (a crash, in tests).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    for (const timer of [this.#writeTimer, this.#pollTimer, this.#refreshTimer]) {
      if (timer) clearTimeout(timer);
    }
    await this.#leases.stop({ release: false });
    await this.#fleet?.stop();
    await this.#writing;
    if (options.release !== false) await this.#leases.stop({ release: true });
    this.#readyWaiters.forEach(resolve => resolve());
    this.#readyWaiters = [];
  }
}
