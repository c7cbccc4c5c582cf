import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_POOL_ANNOTATION,
  poolResourceRef,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringFleetService } from '../services/FleetService';
import type { LayeringPoolResource } from './resource';

const POOL_REF = /^resource:default\/([a-z0-9][a-z0-9.-]*)$/i;
const ENTITY_FIELDS = ['kind', 'metadata', 'spec.owner', 'relations'];

/** The owners of an entity, as lower-case entity refs. */
function ownersOf(entity: Entity): string[] {
  const fromRelations = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
  const owners = new Set(fromRelations);
  const specOwner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof specOwner === 'string' && specOwner) {
    try {
      owners.add(
        stringifyEntityRef(
          parseEntityRef(specOwner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
    } catch {
      // A malformed owner owns nothing.
    }
  }
  return [...owners].map(o => o.toLocaleLowerCase('en-US'));
}

/**
 * Loads pools as permission resources: where they are and how they are layered from the watch
 * caches, who owns them from their catalog entities.
 */
export class PoolResourceLoader {
  readonly #fleet: LayeringFleetService;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;

  constructor(options: {
    fleet: LayeringFleetService;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.#fleet = options.fleet;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
  }

  /** The pool entities of the given refs (undefined where the catalog has none). */
  async #entities(refs: string[]): Promise<Array<Entity | undefined>> {
    if (refs.length === 0) return [];
    try {
      const { items } = await this.#catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ENTITY_FIELDS },
        { credentials: await this.#auth.getOwnServiceCredentials() },
      );
      return items.map(item => item ?? undefined);
    } catch (error) {
      // Fail closed: without the catalog no pool has an owner, so owner rules allow nothing.
      this.#logger.warn('Could not read pool owners from the catalog', error as Error);
      return refs.map(() => undefined);
    }
  }

  /** The cluster and pool a ref names, from its entity's annotations or else the fleet. */
  #locate(ref: string, entity?: Entity): { cluster: string; pool: string } | undefined {
    const annotations = entity?.metadata.annotations ?? {};
    const cluster = annotations[LAYERING_CLUSTER_ANNOTATION];
    const pool = annotations[LAYERING_POOL_ANNOTATION];
    if (cluster && pool && poolResourceRef(cluster, pool) === ref) {
      return { cluster, pool };
    }
    const name = POOL_REF.exec(ref)?.[1];
    if (!name) return undefined;
    for (const c of this.#fleet.listClusters()) {
      if (!name.startsWith(`${c.name}-`)) continue;
      const candidate = name.slice(c.name.length + 1);
      if (this.#fleet.listPools(c.name)?.some(p => p.name === candidate)) {
        return { cluster: c.name, pool: candidate };
      }
    }
    return undefined;
  }

  #resource(cluster: string, pool: string, entity?: Entity): LayeringPoolResource {
    const view = this.#fleet.listPools(cluster)?.find(p => p.name === pool);
    return {
      ref: poolResourceRef(cluster, pool),
      cluster,
      pool,
      mode: view?.layering.mode,
      owners: entity ? ownersOf(entity) : [],
    };
  }

  /** The resources of the given refs (the permission framework's `getResources`). */
  async load(refs: string[]): Promise<Array<LayeringPoolResource | undefined>> {
    const normalized = refs.map(ref => ref.toLocaleLowerCase('en-US'));
    const entities = await this.#entities(normalized);
    return normalized.map((ref, i) => {
      const where = this.#locate(ref, entities[i]);
      return where ? this.#resource(where.cluster, where.pool, entities[i]) : undefined;
    });
  }

  /** The resources of pools the caller already has. */
  async forPools(pools: Array<Pick<PoolView, 'cluster' | 'name'>>): Promise<LayeringPoolResource[]> {
    const entities = await this.#entities(pools.map(p => poolResourceRef(p.cluster, p.name)));
    return pools.map((p, i) => this.#resource(p.cluster, p.name, entities[i]));
  }
}
