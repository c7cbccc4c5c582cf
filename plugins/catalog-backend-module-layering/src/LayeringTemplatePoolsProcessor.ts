import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import type { LayeringFleetSource } from './fleetSource';

/**
 * The pools of every cluster, by cluster name; `undefined` for a cluster whose pools are not
 * known right now (not read yet, unreachable), which then accepts any pool name.
 *
 * @public
 */
export type LayeringPoolsByCluster = ReadonlyMap<string, readonly string[] | undefined>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON schema of a `{ cluster, pool }` field narrowed to what exists: `cluster` gets an
 * `enum` of the cluster names, and a chain of `if`/`then`/`else` gives each cluster whose pools
 * are known its own `pool` enum. The scaffolder's validation then names the exact field
 * (`instance.target.pool is not one of enum values: infra,master,worker`).
 */
function narrowTarget(target: JsonRecord, pools: LayeringPoolsByCluster): JsonRecord {
  const properties = isRecord(target.properties) ? target.properties : {};
  const cluster = isRecord(properties.cluster) ? properties.cluster : { type: 'string' };
  const clusters = [...pools.keys()].sort();
  let conditional: JsonRecord | undefined;
  for (const name of [...clusters].reverse()) {
    const known = pools.get(name);
    if (!known) {
      continue;
    }
    conditional = {
      if: { properties: { cluster: { const: name } } },
      then: { properties: { pool: { enum: [...known].sort() } } },
      ...(conditional ? { else: conditional } : {}),
    };
  }
  const { if: _if, then: _then, else: _else, ...rest } = target;
  return {
    ...rest,
    properties: { ...properties, cluster: { ...cluster, enum: clusters } },
    ...(conditional ?? {}),
  };
}

/**
 * The parameters of a layering template with every pool field (`ui:field: LayeringPoolPicker`)
 * narrowed to the clusters and pools that exist; other parameters are returned as they are.
 *
 * @public
 */
export function withPoolChoices(parameters: unknown, pools: LayeringPoolsByCluster): unknown {
  const narrowStep = (step: unknown): unknown => {
    if (!isRecord(step) || !isRecord(step.properties)) {
      return step;
    }
    const properties: JsonRecord = {};
    for (const [name, schema] of Object.entries(step.properties)) {
      properties[name] =
        isRecord(schema) && schema['ui:field'] === 'LayeringPoolPicker'
          ? narrowTarget(schema, pools)
          : schema;
    }
    return { ...step, properties };
  };
  return Array.isArray(parameters) ? parameters.map(narrowStep) : narrowStep(parameters);
}

/**
 * Narrows the pool field of every layering template (`spec.type: layering-request`) to the
 * clusters and pools that exist, so that the scaffolder's own parameter validation at task
 * creation (`POST /v2/tasks`) answers 400 naming the field (`target.pool`, `target.cluster`) for
 * a pool or cluster that does not exist, before any step runs.
 *
 * @remarks
 * Without pools (`pools` answers undefined) a template stays as written, and the actions' own
 * checks still refuse a missing pool before writing anything. The lists are as fresh as the
 * template's last processing.
 *
 * @public
 */
export class LayeringTemplatePoolsProcessor implements CatalogProcessor {
  readonly #pools: () => Promise<LayeringPoolsByCluster | undefined>;

  constructor(options: { pools: () => Promise<LayeringPoolsByCluster | undefined> }) {
    this.#pools = options.pools;
  }

  getProcessorName(): string {
    return 'LayeringTemplatePoolsProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (entity.kind !== 'Template' || entity.spec?.type !== 'layering-request') {
      return entity;
    }
    const pools = await this.#pools();
    if (!pools) {
      return entity;
    }
    return {
      ...entity,
      spec: {
        ...entity.spec,
        parameters: withPoolChoices(entity.spec.parameters, pools) as Entity['spec'],
      },
    } as Entity;
  }
}

/**
 * The pools of every cluster as the layering backend reports them, read at most every
 * `maxAgeMs` (default 30 s). A cluster that is not `ok` keeps its pools unknown (any pool name
 * passes), and a failed read answers undefined (no narrowing), so an outage never turns into
 * "no such pool".
 *
 * @public
 */
export function fleetPools(
  source: LayeringFleetSource,
  options: { logger: LoggerService; maxAgeMs?: number },
): () => Promise<LayeringPoolsByCluster | undefined> {
  let cached: { at: number; pools: Promise<LayeringPoolsByCluster | undefined> } | undefined;
  const read = async (): Promise<LayeringPoolsByCluster | undefined> => {
    const snapshot = await source.read();
    const pools = new Map<string, string[] | undefined>();
    for (const cluster of snapshot.clusters) {
      pools.set(cluster.name, cluster.status === 'ok' ? [] : undefined);
    }
    for (const pool of snapshot.pools) {
      pools.get(pool.cluster)?.push(pool.name);
    }
    return pools;
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > (options.maxAgeMs ?? 30_000)) {
      cached = {
        at: now,
        pools: read().catch(error => {
          options.logger.warn('Could not read the pools for the layering templates', {
            error: String(error),
          });
          return undefined;
        }),
      };
    }
    return cached.pools;
  };
}
