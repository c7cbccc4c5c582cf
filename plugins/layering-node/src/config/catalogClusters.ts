import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { LayeringClusterDetails } from '../types';
import {
  applyClusterOptions,
  isClusterIncluded,
  type LayeringClusterSettings,
} from './readClusters';
import { serviceAccountReader } from './credentials';

/** The Kubernetes plugin's cluster annotations (`@backstage/plugin-kubernetes-common`). */
export const KUBERNETES_API_SERVER_ANNOTATION = 'kubernetes.io/api-server';
/** Base64 PEM of the API server's CA. */
export const KUBERNETES_API_SERVER_CA_ANNOTATION = 'kubernetes.io/api-server-certificate-authority';
/** `'true'` to skip TLS verification. */
export const KUBERNETES_SKIP_TLS_VERIFY_ANNOTATION = 'kubernetes.io/skip-tls-verify';
/** The auth provider the Kubernetes plugin uses for the cluster. */
export const KUBERNETES_AUTH_PROVIDER_ANNOTATION = 'kubernetes.io/auth-provider';

/** One `kubernetes.clusterLocatorMethods` entry of type `catalog`. */
export interface CatalogLocatorSettings {
  /** Extra entity filter fields (the locator's `filter` block), added to kind and type. */
  filter: Record<string, string>;
}

/**
 * Reads the clusters the catalog holds as `Resource` entities of `spec.type: kubernetes-cluster`
 * with an `kubernetes.io/api-server` annotation, as the Kubernetes plugin's catalog locator does.
 * The catalog is read with the plugin's own service credentials.
 *
 * @remarks
 * Entities without an API server annotation (such as the cluster entities the layering catalog
 * module emits for clusters it already knows) are skipped. A catalog cluster has no token in the
 * catalog: with `authProvider: serviceAccount` it is read with the pod's token file, or with
 * `layering.clusters.options.<cluster>.reader`.
 */
export async function readCatalogClusters(options: {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  locators: CatalogLocatorSettings[];
  settings: LayeringClusterSettings;
  podTokenPath: string;
}): Promise<LayeringClusterDetails[]> {
  const { catalog, auth, logger, locators, settings, podTokenPath } = options;
  const credentials = await auth.getOwnServiceCredentials();
  const out: LayeringClusterDetails[] = [];
  const seen = new Set<string>();
  for (const locator of locators) {
    const { items } = await catalog.getEntities(
      { filter: { ...locator.filter, kind: 'Resource', 'spec.type': 'kubernetes-cluster' } },
      { credentials },
    );
    for (const entity of items) {
      const details = toClusterDetails(entity, settings, podTokenPath);
      if (!details || seen.has(details.name)) {
        continue;
      }
      seen.add(details.name);
      if (details.configError) {
        logger.warn('Catalog cluster has no service credential the layering plugins can use', {
          cluster: details.name,
        });
      }
      out.push(details);
    }
  }
  return out;
}

function toClusterDetails(
  entity: Entity,
  settings: LayeringClusterSettings,
  podTokenPath: string,
): LayeringClusterDetails | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const url = annotations[KUBERNETES_API_SERVER_ANNOTATION];
  const name = entity.metadata.name;
  if (!url || !isClusterIncluded(settings, name)) {
    return undefined;
  }
  const authProvider = annotations[KUBERNETES_AUTH_PROVIDER_ANNOTATION] ?? 'serviceAccount';
  return applyClusterOptions(
    {
      name,
      title: entity.metadata.title,
      url,
      caData: annotations[KUBERNETES_API_SERVER_CA_ANNOTATION],
      skipTLSVerify: annotations[KUBERNETES_SKIP_TLS_VERIFY_ANNOTATION] === 'true',
      authMetadata: { ...annotations },
      reader:
        authProvider === 'serviceAccount'
          ? serviceAccountReader(undefined, podTokenPath)
          : undefined,
      configError: `Catalog cluster "${name}" uses authProvider "${authProvider}"; the layering plugins watch with a service credential: set layering.clusters.options.${name}.reader`,
      source: 'catalog',
    },
    settings,
  );
}
