import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ClusterClient, RetryPolicy } from './ClusterClient';
import { ClusterConnectionOptions, readClusterConnections } from './clusterConfig';

/**
 * The clusters the actions may talk to: one {@link ClusterClient} (one `KubeConfig`) per cluster
 * configured under `kubernetes.clusterLocatorMethods`, created on first use.
 *
 * @public
 */
export class ClusterClients {
  readonly #connections: Map<string, ClusterConnectionOptions>;
  readonly #clients = new Map<string, Promise<ClusterClient>>();
  readonly #logger: LoggerService;
  readonly #retry?: Partial<RetryPolicy>;

  /** Reads the cluster list from config. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; retry?: Partial<RetryPolicy> },
  ): ClusterClients {
    return new ClusterClients(readClusterConnections(config, options.logger), options);
  }

  constructor(
    connections: ClusterConnectionOptions[],
    options: { logger: LoggerService; retry?: Partial<RetryPolicy> },
  ) {
    this.#connections = new Map(connections.map(c => [c.name, c]));
    this.#logger = options.logger;
    this.#retry = options.retry;
  }

  /** Names of the configured clusters. */
  names(): string[] {
    return [...this.#connections.keys()];
  }

  /** The client of a configured cluster; an `InputError` for any other name. */
  get(name: string): Promise<ClusterClient> {
    const connection = this.#connections.get(name);
    if (!connection) {
      throw new InputError(
        `cluster: "${name}" is not a configured cluster (configured: ${
          this.names().join(', ') || 'none'
        })`,
      );
    }
    let client = this.#clients.get(name);
    if (!client) {
      client = ClusterClient.create(connection, {
        logger: this.#logger.child({ cluster: name }),
        retry: this.#retry,
      });
      this.#clients.set(name, client);
    }
    return client;
  }
}
