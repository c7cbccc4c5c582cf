import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  ClusterView,
  PoolDetail,
  PoolLayeringSettings,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type {
  ClusterRelease,
  FleetChange,
  FleetPoolFilter,
  FleetPoolsResponse,
  LayeringFleetService,
} from './fleetTypes';
import { assertError } from '@backstage/errors';
import { ClusterCache, InformerTuning } from '../kubernetes/ClusterCache';
import {
  DEFAULT_LIST_CONCURRENCY,
  DEFAULT_LIST_CONCURRENCY_PER_CLUSTER,
  ListLimiter,
} from '../kubernetes/ListLimiter';
import {
  ClusterSpec,
  readGlobalRegistries,
  RegistryConfigEntry,
} from '../kubernetes/clusterConfig';
import {
  layeringClustersServiceRef,
  type LayeringClustersService,
} from '@rhcos-layering/plugin-layering-node';
import { ImageLabelCache, ImageLabelSource } from './ImageLabelCache';
import { buildClusterViews, poolDetail } from './viewBuilder';
import { createRegistrySource } from './registrySource';
import { clusterRelease, ClusterEntry, freshClusterView, replaceViews } from './fleetEntry';
import { filterFleetPools, fleetPoolsAnswer } from './fleetListing';
import { readPoolLayering } from './poolLayering';
import { clusterSpecLoader, readInformerTuning } from './fleetClusterSource';
import { poolProvenance, type PoolProvenance } from '../provenance/poolProvenance';
import { assertRegistryEntries } from '../registry';
import { ScaledFleetService } from '../scale/ScaledFleetService';

export type {
  ClusterRelease,
  FleetChange,
  FleetPoolFilter,
  FleetPoolsResponse,
  LayeringFleetService,
} from './fleetTypes';

/** Options of {@link FleetService.create}. */
export interface FleetServiceOptions {
  clusters: ClusterSpec[];
  registries: RegistryConfigEntry[];
  logger: LoggerService;
  tuning?: InformerTuning;
  /** Delay that coalesces cache changes before views are rebuilt, in ms. */
  debounceMs?: number;
  /** List requests that may run at once over all clusters. Default 32. */
  listConcurrency?: number;
  /** List requests that may run at once against one cluster. Default 2. */
  listConcurrencyPerCluster?: number;
  /** Replaces the registry client (tests, benchmark). */
  imageSource?(cluster: ClusterSpec): ImageLabelSource;
  /** Called on stop, after the caches stopped. */
  onStop?(): Promise<void>;
}

/** Options of {@link FleetService.fromClustersService}. */
export interface FleetServiceFromClustersOptions {
  config: Config;
  logger: LoggerService;
  clusters: LayeringClustersService;
  /**
   * How often the cluster list is asked for again (catalog clusters come and go). Default 60 s;
   * 0: never (the caller sets the clusters, as a replica does with the clusters it leases).
   */
  refreshIntervalMs?: number;
  /** Delay that coalesces cache changes before views are rebuilt, in ms. */
  debounceMs?: number;
  /** Replaces the registry client (tests). */
  imageSource?(cluster: ClusterSpec): ImageLabelSource;
}

/** Implementation of {@link LayeringFleetService}. */
export class FleetService implements LayeringFleetService {
  readonly #clusters = new Map<string, ClusterEntry>();
  readonly #listeners = new Set<(change: FleetChange) => void>();
  readonly #logger: LoggerService;
  readonly #debounceMs: number;
  readonly #onStop?: () => Promise<void>;
  #readyWaiters: Array<() => void> = [];
  #stopped = false;
  /** Increases whenever a pool view of any cluster changes; keys the fleet answers. */
  #fleetGeneration = 0;
  /**
   * Increases whenever a cluster's health changes (its caches say so at once) or its views are
   * rebuilt with another status or release; with `#fleetGeneration`, the fleet's views version.
   */
  #statusGeneration = 0;
  readonly #fleetAnswers = new Map<string, FleetPoolsResponse>();

  readonly #tuning: InformerTuning;
  readonly #registries: RegistryConfigEntry[];
  readonly #imageSource?: (cluster: ClusterSpec) => ImageLabelSource;
  /** Clusters with the same registries share one registry client, and so its label cache. */
  readonly #sources = new Map<string, ImageLabelSource>();
  /** What each cluster was started with, to tell a changed cluster from an unchanged one. */
  readonly #specKeys = new Map<string, string>();
  #refreshTimer: NodeJS.Timeout | undefined;

  private constructor(options: FleetServiceOptions) {
    this.#logger = options.logger;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#onStop = options.onStop;
    this.#registries = options.registries;
    this.#imageSource = options.imageSource;
    this.#tuning = {
      ...options.tuning,
      listLimiter:
        options.tuning?.listLimiter ??
        new ListLimiter(options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY, {
          perCluster: options.listConcurrencyPerCluster ?? DEFAULT_LIST_CONCURRENCY_PER_CLUSTER,
        }),
    };
    for (const spec of options.clusters) {
      this.#addCluster(spec);
    }
  }

  #addCluster(spec: ClusterSpec): ClusterEntry {
    const entry: Partial<ClusterEntry> = {
      views: undefined,
      fingerprints: new Map(),
      clusterFingerprint: '',
      timer: undefined,
    };
    entry.cache = new ClusterCache({
      spec,
      logger: this.#logger,
      // The cluster's lists count against its own bound as well as the global one.
      tuning: { ...this.#tuning, listLimiter: this.#tuning.listLimiter?.forCluster(spec.name) },
      onChange: () => this.#schedule(spec.name),
      // A cluster going stale must not leave pools reported in sync for a debounce period.
      onHealthChange: () => {
        this.#statusGeneration += 1;
        this.#schedule(spec.name, true);
      },
    });
    const registries = [...spec.registries, ...this.#registries];
    const sourceKey = JSON.stringify(registries);
    let source = this.#imageSource ? this.#imageSource(spec) : this.#sources.get(sourceKey);
    if (!source) {
      source = createRegistrySource(registries, this.#logger);
      this.#sources.set(sourceKey, source);
    }
    entry.images = new ImageLabelCache({
      source,
      logger: this.#logger.child({ cluster: spec.name }),
      onResolved: () => this.#schedule(spec.name),
    });
    this.#clusters.set(spec.name, entry as ClusterEntry);
    this.#specKeys.set(spec.name, JSON.stringify(spec));
    return entry as ClusterEntry;
  }

  #startCache(entry: ClusterEntry) {
    entry.cache.start().catch(error =>
      this.#logger.error('Cluster cache failed to start', error as Error),
    );
  }

  /**
   * Makes the watched clusters those of `specs`: new clusters start, removed ones stop, and a
   * cluster whose settings changed is restarted with them.
   */
  async setClusters(specs: ClusterSpec[]): Promise<void> {
    if (this.#stopped) return;
    const wanted = new Map(specs.map(spec => [spec.name, spec]));
    const removed: string[] = [];
    for (const [name, entry] of [...this.#clusters]) {
      const spec = wanted.get(name);
      if (spec && JSON.stringify(spec) === this.#specKeys.get(name)) continue;
      if (entry.timer) clearTimeout(entry.timer);
      this.#clusters.delete(name);
      this.#specKeys.delete(name);
      removed.push(name);
      await entry.cache.stop();
    }
    const added: string[] = [];
    for (const spec of specs) {
      if (this.#clusters.has(spec.name)) continue;
      this.#startCache(this.#addCluster(spec));
      added.push(spec.name);
    }
    if (removed.length || added.length) {
      this.#fleetGeneration += 1;
      this.#fleetAnswers.clear();
      this.#logger.info('The watched clusters changed', {
        added: added.join(', '),
        removed: removed.join(', '),
      });
      for (const name of removed.filter(n => !wanted.has(n))) {
        for (const listener of this.#listeners) {
          try {
            listener({ cluster: name, pools: [], clusterChanged: true, initial: false });
          } catch (error) {
            this.#logger.error('Fleet change listener failed', error as Error);
          }
        }
      }
      this.#checkReady();
    }
  }

  /** Creates the service and starts watching every cluster. */
  static create(options: FleetServiceOptions): FleetService {
    const service = new FleetService(options);
    for (const entry of service.#clusters.values()) {
      service.#startCache(entry);
    }
    return service;
  }

  /**
   * Starts watching the clusters of the clusters service (`@rhcos-layering/plugin-layering-node`),
   * and asks it again every `refreshIntervalMs`, so clusters found in the catalog are picked up
   * once the catalog answers. With no cluster at all the fleet is empty and a warning says so.
   */
  static async fromClustersService(
    options: FleetServiceFromClustersOptions,
  ): Promise<FleetService> {
    const { config, logger, clusters } = options;
    const registries = readGlobalRegistries(config);
    // Refuse registry credentials that could leak to any host before anything starts.
    assertRegistryEntries(registries, 'layering.registries');
    const listConcurrency = config.getOptionalNumber('layering.informers.listConcurrency');
    const listConcurrencyPerCluster = config.getOptionalNumber(
      'layering.informers.listConcurrencyPerCluster',
    );
    const tuning = readInformerTuning(config);
    const load = clusterSpecLoader(clusters, logger);
    const specs = (await load()) ?? [];
    if (specs.length === 0 && options.refreshIntervalMs !== 0) {
      logger.warn(
        'No cluster is configured for the layering plugins (kubernetes.clusterLocatorMethods); the layering API lists no clusters',
      );
    } else {
      logger.info('Watching clusters', { clusters: specs.map(c => c.name).join(', ') });
    }
    const fleet = FleetService.create({
      clusters: specs,
      registries,
      logger,
      tuning,
      listConcurrency,
      listConcurrencyPerCluster,
      imageSource: options.imageSource,
      debounceMs: options.debounceMs,
    });
    const interval = options.refreshIntervalMs ?? 60_000;
    const refresh = () => {
      fleet.#refreshTimer = setTimeout(async () => {
        try {
          const next = await load();
          if (next) await fleet.setClusters(next);
        } catch (error) {
          assertError(error);
          logger.warn('Cannot update the watched clusters', error);
        }
        if (!fleet.#stopped) refresh();
      }, interval);
      fleet.#refreshTimer.unref?.();
    };
    if (interval > 0) refresh();
    return fleet;
  }

  /** Caches of each cluster (benchmark and tests read their counters). */
  get caches(): ClusterCache[] {
    return [...this.#clusters.values()].map(e => e.cache);
  }

  /** Registry lookups made so far, over all clusters. */
  get imageLookups(): number {
    let total = 0;
    for (const entry of this.#clusters.values()) total += entry.images.lookups;
    return total;
  }

  #schedule(cluster: string, now = false) {
    const entry = this.#clusters.get(cluster);
    if (!entry || this.#stopped) return;
    if (entry.timer) {
      if (!now) return;
      clearTimeout(entry.timer);
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      try {
        this.#rebuild(cluster, entry);
      } catch (error) {
        // The previous views stay served; the next change tries again.
        this.#logger
          .child({ cluster })
          .error('Cannot build the layering views of a cluster', error as Error);
      }
    }, now ? 0 : this.#debounceMs);
  }

  #rebuild(cluster: string, entry: ClusterEntry) {
    const health = entry.cache.health();
    const views = buildClusterViews(cluster, health, entry.cache.snapshot(), entry.images);
    const { pools: changed, clusterChanged, initial } = replaceViews(entry, views);
    if (changed.length > 0) {
      this.#fleetGeneration += 1;
      this.#fleetAnswers.clear();
    }
    if (clusterChanged || initial) {
      // The cluster's status (syncing until its first views) or release moved.
      this.#statusGeneration += 1;
    }
    if (changed.length > 0 || clusterChanged) {
      for (const listener of this.#listeners) {
        try {
          listener({ cluster, pools: changed, clusterChanged, initial });
        } catch (error) {
          this.#logger.error('Fleet change listener failed', error as Error);
        }
      }
    }
    this.#checkReady();
  }

  #isReady(): boolean {
    for (const entry of this.#clusters.values()) {
      if (!entry.views || entry.views.cluster.status === 'syncing') return false;
    }
    return true;
  }

  #checkReady() {
    if (this.#readyWaiters.length && this.#isReady()) {
      const waiters = this.#readyWaiters;
      this.#readyWaiters = [];
      waiters.forEach(resolve => resolve());
    }
  }

  ready(): Promise<void> {
    if (this.#isReady()) return Promise.resolve();
    return new Promise(resolve => this.#readyWaiters.push(resolve));
  }

  listClusters(): ClusterView[] {
    return [...this.#clusters.entries()].map(([name, entry]) => freshClusterView(name, entry));
  }

  getCluster(cluster: string): ClusterView | undefined {
    const entry = this.#clusters.get(cluster);
    return entry ? freshClusterView(cluster, entry) : undefined;
  }

  listPools(cluster: string): PoolView[] | undefined {
    const entry = this.#clusters.get(cluster);
    if (!entry) return undefined;
    return entry.views ? [...entry.views.pools.values()] : [];
  }

  getPool(cluster: string, pool: string): PoolDetail | undefined {
    const entry = this.#clusters.get(cluster);
    const view = entry?.views?.pools.get(pool);
    if (!entry || !view) return undefined;
    return poolDetail(view, entry.views!.membership.get(pool) ?? [], entry.cache.snapshot());
  }

  /** What the pool's objects say about the requests that rendered them (the provenance linker). */
  getPoolProvenance(cluster: string, pool: string): PoolProvenance | undefined {
    const entry = this.#clusters.get(cluster);
    const view = entry?.views?.pools.get(pool);
    if (!entry || !view) return undefined;
    return poolProvenance(entry.cache.snapshot(), pool, view.renderedConfig);
  }

  getPoolLayering(cluster: string, pool: string): Promise<PoolLayeringSettings | undefined> {
    return readPoolLayering(cluster, pool, this.#clusters.get(cluster));
  }

  listFleetPools(filter: FleetPoolFilter = {}): PoolView[] {
    return filterFleetPools(this.#clusters, filter);
  }

  listFleetPoolsResponse(filter: FleetPoolFilter = {}): FleetPoolsResponse {
    return fleetPoolsAnswer(this.#clusters, this.#fleetAnswers, this.#fleetGeneration, filter);
  }

  viewsVersion(): number {
    // Both only ever grow, so their sum changes whenever either does.
    return this.#fleetGeneration + this.#statusGeneration;
  }

  getRelease(cluster: string): ClusterRelease | undefined {
    const entry = this.#clusters.get(cluster);
    return entry ? clusterRelease(cluster, entry) : undefined;
  }

  subscribe(listener: (change: FleetChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Stops every cache. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    for (const entry of this.#clusters.values()) {
      if (entry.timer) clearTimeout(entry.timer);
    }
    await Promise.all([...this.#clusters.values()].map(e => e.cache.stop()));
    this.#readyWaiters.forEach(resolve => resolve());
    this.#readyWaiters = [];
    await this.#onStop?.();
  }
}

/**
 * The fleet's watch caches and views, for the `layering` plugin (REST API, signals). The default
 * factory watches the clusters of `layeringClustersServiceRef` (`@rhcos-layering/plugin-layering-node`)
 * with their read-only credentials.
 *
 * @public
 */
export const layeringFleetServiceRef = createServiceRef<LayeringFleetService>({
  id: 'layering.fleet',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        clusters: layeringClustersServiceRef,
        database: coreServices.database,
      },
      async factory({ config, logger, lifecycle, clusters, database }) {
        // Replicas on one database split the clusters by lease; alone, one replica owns all.
        const fleet = await ScaledFleetService.create({
          config,
          logger,
          clusters,
          database,
          createFleet: owned =>
            FleetService.fromClustersService({ config, logger, clusters: owned, refreshIntervalMs: 0 }),
        });
        lifecycle.addShutdownHook(() => fleet.stop());
        return fleet;
      },
    }),
});
