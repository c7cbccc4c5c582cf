import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { ClusterClients } from '../kubernetes/ClusterClients';
import { MCO_GROUP, type KubeObject } from '../kubernetes/types';
import { withPoolChoices, type LayeringPoolsByCluster } from './templatePoolChoices';

/** The parts of a catalog entity the processor reads. */
interface TemplateLike {
  kind: string;
  spec?: JsonObject;
}

/**
 * A catalog processor that narrows the pool field of every layering template (`spec.type:
 * layering-request`) to the clusters and pools that exist, so that the scaffolder refuses a task
 * for a pool the cluster does not have with a 400 naming the field (`target.pool`) at
 * `POST /v2/tasks`, before any step runs, instead of failing later in a step.
 *
 * @remarks
 * Register it with `catalogProcessingExtensionPoint.addProcessor`. Without pools (`pools`
 * answers undefined, e.g. a cluster could not be read yet) the template is left as written and
 * the actions' own checks still refuse a missing pool before writing anything. The list is as
 * fresh as the template's last processing (by default every few minutes).
 *
 * @public
 */
export class LayeringTemplatePoolsProcessor {
  readonly #pools: () => Promise<LayeringPoolsByCluster | undefined>;

  constructor(options: { pools: () => Promise<LayeringPoolsByCluster | undefined> }) {
    this.#pools = options.pools;
  }

  getProcessorName(): string {
    return 'LayeringTemplatePoolsProcessor';
  }

  async preProcessEntity<E extends TemplateLike>(entity: E): Promise<E> {
    if (entity.kind !== 'Template' || entity.spec?.type !== 'layering-request') {
      return entity;
    }
    const pools = await this.#pools();
    if (!pools) {
      return entity;
    }
    return {
      ...entity,
      spec: { ...entity.spec, parameters: withPoolChoices(entity.spec.parameters, pools) },
    };
  }
}

/**
 * The pools of every cluster the actions know, read live with each cluster's read credential
 * and kept for `maxAgeMs` (default 60 s). A cluster that cannot be read keeps the pools last
 * read; when one was never read, the answer is undefined (no narrowing) so that an outage never
 * turns into "no such pool".
 *
 * @public
 */
export function livePoolsOf(
  clusters: ClusterClients,
  options: { logger: LoggerService; maxAgeMs?: number },
): () => Promise<LayeringPoolsByCluster | undefined> {
  const lastRead = new Map<string, string[]>();
  let cached: { at: number; pools: Promise<LayeringPoolsByCluster | undefined> } | undefined;
  const read = async (): Promise<LayeringPoolsByCluster | undefined> => {
    const result = new Map<string, string[]>();
    for (const name of await clusters.names()) {
      try {
        const client = await clusters.reader(name);
        const pools = await client.list<KubeObject>(
          `${MCO_GROUP}/v1`,
          'MachineConfigPool',
        );
        lastRead.set(name, pools.map(p => p.metadata.name));
      } catch (error) {
        assertError(error);
        options.logger.warn('Could not list the pools of a cluster for the layering templates', {
          cluster: name,
          error: error.message,
        });
        if (!lastRead.has(name)) {
          return undefined;
        }
      }
      result.set(name, lastRead.get(name)!);
    }
    return result;
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > (options.maxAgeMs ?? 60_000)) {
      // Never fail the template's processing: without pools it stays as written.
      cached = {
        at: now,
        pools: read().catch(error => {
          options.logger.warn('Could not list the clusters for the layering templates', {
            error: String(error),
          });
          return undefined;
        }),
      };
    }
    return cached.pools;
  };
}
