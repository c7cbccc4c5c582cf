import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_ENTITY_TYPES,
  LAYERING_POOL_ANNOTATION,
  poolEntityName,
} from '@rhcos-layering/plugin-layering-common';
import { createHash, randomUUID } from 'node:crypto';
import type { LayeringFleetService } from '../services/FleetService';

const MAX_NAME = 63;

/** A catalog-safe entity name: at most 63 characters, with a hash suffix when cut. */
export function entityName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-');
  if (cleaned.length <= MAX_NAME) {
    return cleaned;
  }
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, MAX_NAME - 9).replace(/[-._]+$/, '')}-${hash}`;
}

/** Options of {@link LayeringEntityProvider}. @public */
export interface LayeringEntityProviderOptions {
  fleet: LayeringFleetService;
  logger: LoggerService;
  /** Runs the periodic full refresh. */
  taskRunner: SchedulerServiceTaskRunner;
  /** Owner of every entity, e.g. `group:default/platform`. */
  owner: string;
  /** System the entities belong to, when set. */
  system?: string;
  /** Delay that coalesces pool additions/removals before an extra refresh, in ms. */
  debounceMs?: number;
}

/**
 * Keeps one `Resource` entity per cluster (`spec.type: kubernetes-cluster`)
 * and one per MachineConfigPool (`spec.type: openshift-machine-config-pool`,
 * named `<cluster>-<pool>`), from the layering backend's watch caches.
 *
 * @remarks
 * Each refresh applies a full mutation, so pools that disappear from a
 * cluster leave the catalog. A refresh runs on the schedule and, debounced,
 * whenever pools appear or disappear.
 *
 * @public
 */
export class LayeringEntityProvider implements EntityProvider {
  readonly #options: LayeringEntityProviderOptions;
  #connection: EntityProviderConnection | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastKeys = '';

  constructor(options: LayeringEntityProviderOptions) {
    this.#options = options;
  }

  getProviderName(): string {
    return 'LayeringEntityProvider:fleet';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        const logger = this.#options.logger.child({
          class: LayeringEntityProvider.name,
          taskId: `${this.getProviderName()}:refresh`,
          taskInstanceId: randomUUID(),
        });
        try {
          await this.refresh(logger);
        } catch (error) {
          logger.error('Layering entity refresh failed', error as Error);
        }
      },
    });
    this.#options.fleet.subscribe(change => {
      if (change.pools.length === 0 && !change.clusterChanged) return;
      if (this.#timer) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        const keys = this.#entityKeys();
        if (keys !== this.#lastKeys) {
          this.refresh(this.#options.logger).catch(error =>
            this.#options.logger.error('Layering entity refresh failed', error as Error),
          );
        }
      }, this.#options.debounceMs ?? 5000);
      this.#timer.unref?.();
    });
  }

  #entityKeys(): string {
    const keys: string[] = [];
    for (const cluster of this.#options.fleet.listClusters()) {
      keys.push(cluster.name);
      for (const pool of this.#options.fleet.listPools(cluster.name) ?? []) {
        keys.push(`${cluster.name}/${pool.name}`);
      }
    }
    return keys.join('\n');
  }

  /** The entities the provider emits now. */
  entities(): DeferredEntity[] {
    const { fleet, owner, system } = this.#options;
    const out: DeferredEntity[] = [];
    for (const cluster of fleet.listClusters()) {
      const clusterName = entityName(cluster.name);
      const locationKey = `layering-provider:${cluster.name}`;
      const location = `layering:cluster/${cluster.name}`;
      const common = {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [LAYERING_CLUSTER_ANNOTATION]: cluster.name,
      };
      const clusterEntity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: clusterName,
          title: cluster.name,
          description: `OpenShift cluster ${cluster.name}${
            cluster.release.version ? ` (${cluster.release.version})` : ''
          }`,
          annotations: { ...common, [KUBERNETES_CLUSTER_ANNOTATION]: cluster.name },
          tags: ['openshift'],
        },
        spec: {
          type: LAYERING_ENTITY_TYPES.cluster,
          owner,
          ...(system ? { system } : {}),
        },
      };
      out.push({ entity: clusterEntity, locationKey });
      for (const pool of fleet.listPools(cluster.name) ?? []) {
        out.push({
          locationKey,
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: entityName(poolEntityName(cluster.name, pool.name)),
              title: `${pool.name} (${cluster.name})`,
              description: `MachineConfigPool ${pool.name} of cluster ${cluster.name}`,
              annotations: { ...common, [LAYERING_POOL_ANNOTATION]: pool.name },
              tags: ['openshift', 'machine-config-pool'],
            },
            spec: {
              type: LAYERING_ENTITY_TYPES.pool,
              owner,
              dependsOn: [`resource:${clusterName}`],
              ...(system ? { system } : {}),
            },
          },
        });
      }
    }
    return out;
  }

  /** Applies a full mutation with the current entities. */
  async refresh(logger: LoggerService): Promise<void> {
    if (!this.#connection) {
      throw new Error('LayeringEntityProvider is not connected yet');
    }
    const entities = this.entities();
    this.#lastKeys = this.#entityKeys();
    await this.#connection.applyMutation({ type: 'full', entities });
    logger.info('Refreshed layering entities', { count: entities.length });
  }
}
