import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createClusterAccess,
  type LayeringClusterDetails,
  type LayeringClustersService,
} from '@rhcos-layering/plugin-layering-node';
import { ClusterClient, RetryPolicy } from './ClusterClient';

/**
 * Options of {@link ClusterClients}.
 *
 * @public
 */
export interface ClusterClientsOptions {
  logger: LoggerService;
  retry?: Partial<RetryPolicy>;
}

/**
 * The clusters the actions may talk to, from the layering clusters service
 * (`@rhcos-layering/plugin-layering-node`): per cluster a reader {@link ClusterClient} for reads
 * and a writer {@link ClusterClient} for writes.
 *
 * @remarks
 * The writer is the cluster's `layering.clusters.options.<cluster>.writer`; without one, asking for
 * a writer fails naming that key (the reader is never used to write). A writer with
 * `authProvider: user` acts with the task secret `openshiftToken`: its client is built per call
 * and not kept, so the person's token lives no longer than the action.
 *
 * @public
 */
export class ClusterClients {
  readonly #clusters: LayeringClustersService;
  readonly #readers = new Map<string, Promise<ClusterClient>>();
  readonly #writers = new Map<string, Promise<ClusterClient>>();
  readonly #logger: LoggerService;
  readonly #retry?: Partial<RetryPolicy>;

  constructor(
    clusters: LayeringClustersService | LayeringClusterDetails[],
    options: ClusterClientsOptions,
  ) {
    this.#clusters = Array.isArray(clusters)
      ? { getClusters: async () => clusters }
      : clusters;
    this.#logger = options.logger;
    this.#retry = options.retry;
  }

  /** Names of the clusters the actions know. */
  async names(): Promise<string[]> {
    return (await this.#clusters.getClusters()).map(c => c.name);
  }

  async #details(name: string): Promise<LayeringClusterDetails> {
    const clusters = await this.#clusters.getClusters();
    const cluster = clusters.find(c => c.name === name);
    if (!cluster) {
      throw new InputError(
        `cluster: "${name}" is not a configured cluster (configured: ${
          clusters.map(c => c.name).join(', ') || 'none'
        })`,
      );
    }
    return cluster;
  }

  #create(access: Parameters<typeof ClusterClient.create>[0]) {
    return ClusterClient.create(access, {
      logger: this.#logger.child({ cluster: access.cluster.name, credential: access.role }),
      retry: this.#retry,
    });
  }

  /**
   * The read-only client of a cluster, for pre-flight reads; an `InputError` on `cluster` for a
   * name the actions do not know.
   */
  async reader(name: string): Promise<ClusterClient> {
    const cluster = await this.#details(name);
    const key = JSON.stringify(cluster);
    let client = this.#readers.get(key);
    if (!client) {
      client = this.#create(createClusterAccess(cluster, { role: 'reader' }));
      this.#readers.set(key, client);
    }
    return client;
  }

  /**
   * The writer client of a cluster. `secrets` are the task secrets (`ctx.secrets`): a writer with
   * `authProvider: user` takes the person's token from `openshiftToken`, and fails with an
   * `InputError` on `secrets.openshiftToken` when it is missing.
   */
  async writer(
    name: string,
    options: { secrets?: Record<string, string | undefined> } = {},
  ): Promise<ClusterClient> {
    const cluster = await this.#details(name);
    if (cluster.writer?.type === 'user') {
      return this.#create(
        createClusterAccess(cluster, { role: 'writer', secrets: options.secrets }),
      );
    }
    const key = JSON.stringify(cluster);
    let client = this.#writers.get(key);
    if (!client) {
      // Throws (no writer configured) before anything is cached.
      client = this.#create(createClusterAccess(cluster, { role: 'writer' }));
      this.#writers.set(key, client);
    }
    return client;
  }
}
