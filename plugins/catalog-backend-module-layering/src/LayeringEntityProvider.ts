import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { createHash, randomUUID } from 'node:crypto';
import { adoptionFilter, ClusterEntitiesOptions, pickAdopted } from './adoption';
import { layeringEntities } from './entities';
import type { LayeringFleetSource } from './fleetSource';
import { adoptionRefreshKey, LayeringKnownClusters } from './LayeringClusterAdoptionProcessor';

/**
 * Looks up catalog entities by a filter (the adopt mode's candidates).
 *
 * @public
 */
export type LayeringCatalogLookup = (filter: Record<string, string | string[]>) => Promise<Entity[]>;

/**
 * Options of {@link LayeringEntityProvider}.
 *
 * @public
 */
export interface LayeringEntityProviderOptions {
  source: LayeringFleetSource;
  logger: LoggerService;
  /** Runs the periodic refresh. */
  taskRunner: SchedulerServiceTaskRunner;
  /** Owner of every entity, e.g. `group:default/platform`. */
  owner: string;
  /** System the entities belong to, when set. */
  system?: string;
  /** Emit cluster entities, or adopt the existing ones. Default emit. */
  clusterEntities?: ClusterEntitiesOptions;
  /** Finds the adopted cluster entities; required in adopt mode. */
  catalogLookup?: LayeringCatalogLookup;
  /** Clusters the layering backend reported last, shared with the adoption processor. */
  knownClusters?: LayeringKnownClusters;
  /**
   * Delays of the extra refreshes after a refresh found a cluster still
   * syncing (or without an entity to adopt) or could not read the fleet, in ms. Default 1, 2, 4, 8, 16 seconds.
   */
  retryDelaysMs?: number[];
}

/**
 * Keeps one `Resource` entity per MachineConfigPool
 * (`spec.type: openshift-machine-config-pool`, named `<cluster>-<pool>`) and, unless it
 * adopts the cluster entities of another provider, one per cluster
 * (`spec.type: kubernetes-cluster`), from the layering backend's REST API.
 *
 * @remarks
 * Each refresh that changes anything applies a full mutation, so pools that
 * disappear from a cluster leave the catalog. Refreshes run on the schedule
 * and, while a cluster is still syncing or the backend does not answer, a few
 * more times soon after.
 *
 * @public
 */
export class LayeringEntityProvider implements EntityProvider {
  readonly #options: LayeringEntityProviderOptions;
  readonly #clusterEntities: ClusterEntitiesOptions;
  readonly #known: LayeringKnownClusters;
  #connection: EntityProviderConnection | undefined;
  #lastFingerprint: string | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retries = 0;
  #missing = new Set<string>();
  #closed = false;

  constructor(options: LayeringEntityProviderOptions) {
    this.#options = options;
    this.#clusterEntities = options.clusterEntities ?? { mode: 'emit' };
    this.#known = options.knownClusters ?? new LayeringKnownClusters();
    if (this.#clusterEntities.mode === 'adopt' && !options.catalogLookup) {
      throw new Error('LayeringEntityProvider needs catalogLookup to adopt cluster entities');
    }
  }

  getProviderName(): string {
    return 'LayeringEntityProvider:fleet';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.#options.taskRunner.run({
      id,
      fn: async signal => {
        const logger = this.#options.logger.child({ taskId: id, taskInstanceId: randomUUID() });
        await this.#refreshAndFollowUp(logger, signal);
      },
    });
  }

  /** Stops the extra refreshes (the scheduled task is the scheduler's). */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
  }

  async #refreshAndFollowUp(logger: LoggerService, signal?: AbortSignal): Promise<void> {
    let settled = false;
    try {
      settled = await this.refresh(logger, signal);
    } catch (error) {
      assertError(error);
      logger.warn('Layering entity refresh failed', error);
    }
    if (settled) {
      this.#retries = 0;
      return;
    }
    const delays = this.#options.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000];
    if (this.#closed || this.#retryTimer || this.#retries >= delays.length) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#refreshAndFollowUp(logger).catch(() => undefined);
    }, delays[this.#retries++]);
    this.#retryTimer.unref?.();
  }

  /**
   * Reads the fleet and applies a full mutation when the entities changed.
   * Resolves true when every cluster has finished its first sync (and, when
   * adopting, every cluster has an entity).
   */
  async refresh(logger: LoggerService, signal?: AbortSignal): Promise<boolean> {
    const connection = this.#connection;
    if (!connection) {
      throw new Error('LayeringEntityProvider is not connected yet');
    }
    const fleet = await this.#options.source.read(signal);
    const names = fleet.clusters.map(c => c.name);
    const changed = this.#known.update(names);

    const options = this.#clusterEntities;
    let clusterRef: (cluster: string) => 'emit' | string | undefined = () => 'emit';
    if (options.mode === 'adopt') {
      const candidates = names.length
        ? await this.#options.catalogLookup!(adoptionFilter(names, options))
        : [];
      const adopted = pickAdopted(names, candidates, options);
      for (const name of names) {
        if (!adopted.has(name) && !this.#missing.has(name)) {
          logger.warn('No catalog entity to adopt for a layering cluster; its pools depend on none', {
            cluster: name,
            match: options.match,
          });
        }
      }
      this.#missing = new Set(names.filter(n => !adopted.has(n)));
      clusterRef = cluster => adopted.get(cluster);
    }

    const entities = layeringEntities({
      fleet,
      owner: this.#options.owner,
      system: this.#options.system,
      clusterRef,
    });
    const fingerprint = createHash('sha256').update(JSON.stringify(entities)).digest('hex');
    if (fingerprint !== this.#lastFingerprint) {
      await connection.applyMutation({ type: 'full', entities });
      this.#lastFingerprint = fingerprint;
      logger.info('Refreshed layering entities', { count: entities.length });
    }
    if (options.mode === 'adopt' && changed.length > 0) {
      // Have the adopted entities processed again now, so they get (or lose) the layering annotation.
      await connection.refresh({ keys: changed.map(adoptionRefreshKey) });
    }
    // Another provider may still be filling the catalog with the entities to adopt.
    return fleet.clusters.every(c => c.status !== 'syncing') && this.#missing.size === 0;
  }
}
