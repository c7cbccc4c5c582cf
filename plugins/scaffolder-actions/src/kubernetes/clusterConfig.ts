import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * How to reach one cluster, read from `kubernetes.clusterLocatorMethods` (type `config`).
 *
 * @public
 */
export interface ClusterConnectionOptions {
  /** Cluster name, as used in the catalog and in action inputs. */
  name: string;
  /** API server URL. */
  url: string;
  /** Bearer token of the service account the actions act as. Never logged. */
  serviceAccountToken?: string;
  /** Base64 PEM of the API server's CA. */
  caData?: string;
  /** Skip TLS verification (only for development clusters). */
  skipTLSVerify: boolean;
}

/**
 * Reads the clusters the Kubernetes plugin is configured with. Only the `config` locator and the
 * `serviceAccount` auth provider can be used by the actions (they act as the portal, not as the
 * user); other clusters are skipped with a warning so that a mixed configuration still starts.
 *
 * @public
 */
export function readClusterConnections(
  config: Config,
  logger?: LoggerService,
): ClusterConnectionOptions[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const result: ClusterConnectionOptions[] = [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') {
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider = cluster.getString('authProvider');
      if (authProvider !== 'serviceAccount') {
        logger?.warn(
          'Skipping cluster for layering actions: only the serviceAccount auth provider is supported',
          { cluster: name, authProvider },
        );
        continue;
      }
      result.push({
        name,
        url: cluster.getString('url'),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  return result;
}
