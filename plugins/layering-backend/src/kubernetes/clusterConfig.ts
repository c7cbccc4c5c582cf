import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** Credentials for one registry (or mirror). */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  token?: string;
}

/** One entry of `layering.registries` (or of a cluster's own `registries`). */
export interface RegistryConfigEntry {
  /** Registry host the image references name, `*` for every host. */
  host: string;
  /** Endpoint to read from instead, e.g. `https://mirror.example.com`. */
  mirror?: string;
  auth?: RegistryAuthConfig;
  /** Accept content that does not hash to its digest (development registries only). */
  dangerouslySkipDigestVerification?: boolean;
}

/** A cluster the backend watches, as read from configuration. */
export interface ClusterSpec {
  name: string;
  title?: string;
  url: string;
  /** Bearer token (the service account token of the Kubernetes plugin's config). */
  token?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  /** Registries tried before the global ones for images of this cluster. */
  registries: RegistryConfigEntry[];
  /** Set when the cluster cannot be connected as configured; reported as the cluster's error. */
  configError?: string;
}

/** What {@link readClusterSpecs} found. */
export interface ClusterConfigResult {
  clusters: ClusterSpec[];
  registries: RegistryConfigEntry[];
}

const SUPPORTED_AUTH_PROVIDERS = new Set(['serviceAccount']);

function readRegistries(config: Config | undefined, key: string): RegistryConfigEntry[] {
  const entries = config?.getOptionalConfigArray(key) ?? [];
  return entries.map(entry => {
    const auth = entry.getOptionalConfig('auth');
    const skip = entry.getOptionalBoolean('dangerouslySkipDigestVerification');
    return {
      host: entry.getString('host'),
      mirror: entry.getOptionalString('mirror'),
      ...(skip !== undefined ? { dangerouslySkipDigestVerification: skip } : {}),
      auth: auth
        ? {
            username: auth.getOptionalString('username'),
            password: auth.getOptionalString('password'),
            token: auth.getOptionalString('token'),
          }
        : undefined,
    };
  });
}

function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some(pattern => {
    if (pattern === '*') {
      return true;
    }
    if (pattern.endsWith('*')) {
      return name.startsWith(pattern.slice(0, -1));
    }
    return pattern === name;
  });
}

/**
 * Reads the clusters from the Kubernetes plugin's configuration
 * (`kubernetes.clusterLocatorMethods` entries of type `config`), filtered and
 * completed by `layering.clusters`, and the registries from `layering.registries`.
 *
 * @remarks
 * Clusters whose auth provider this backend cannot use are kept, with a
 * `configError` and a startup warning, so they show up as errored entries
 * instead of silently missing or crashing the backend.
 */
export function readClusterSpecs(config: Config, logger: LoggerService): ClusterConfigResult {
  const layering = config.getOptionalConfig('layering');
  const registries = readRegistries(layering, 'registries');
  const include = layering?.getOptionalStringArray('clusters.include') ?? ['*'];
  const exclude = layering?.getOptionalStringArray('clusters.exclude') ?? [];
  const perCluster = layering?.getOptionalConfig('clusters.options');

  const clusters: ClusterSpec[] = [];
  const seen = new Set<string>();
  const methods = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type !== 'config') {
      logger.info('Layering ignores a Kubernetes cluster locator that is not of type config', {
        type,
      });
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      if (!matchesAny(name, include) || matchesAny(name, exclude)) {
        logger.info('Cluster left out by layering.clusters include/exclude', { cluster: name });
        continue;
      }
      if (seen.has(name)) {
        logger.warn('Duplicate Kubernetes cluster name; the layering backend keeps the first', {
          cluster: name,
        });
        continue;
      }
      seen.add(name);
      const authProvider = cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      const token = cluster.getOptionalString('serviceAccountToken');
      let configError: string | undefined;
      if (!SUPPORTED_AUTH_PROVIDERS.has(authProvider)) {
        configError = `Auth provider "${authProvider}" is not supported by the layering backend; configure the cluster with authProvider serviceAccount and a serviceAccountToken`;
        logger.warn('Cluster uses an auth provider the layering backend cannot use; it is reported as errored', {
          cluster: name,
          authProvider,
        });
      } else if (!token) {
        configError = 'No serviceAccountToken is configured for this cluster';
        logger.warn('Cluster has no serviceAccountToken; it is reported as errored', { cluster: name });
      }
      clusters.push({
        name,
        title: cluster.getOptionalString('title'),
        url: cluster.getString('url'),
        token,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        registries: readRegistries(perCluster?.getOptionalConfig(name), 'registries'),
        configError,
      });
    }
  }
  return { clusters, registries };
}

/** Whether the embedded cluster may be started when no cluster is configured. */
export function embeddedClusterEnabled(config: Config): boolean {
  const value = config.getOptional('layering.embeddedCluster');
  if (value === undefined) {
    return true;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  return config.getOptionalBoolean('layering.embeddedCluster.enabled') ?? true;
}
