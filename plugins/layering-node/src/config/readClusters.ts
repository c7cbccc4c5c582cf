import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  LayeringClusterCredential,
  LayeringClusterDetails,
  RegistryConfigEntry,
} from '../types';
import { readCredentialBlock, serviceAccountReader } from './credentials';

/**
 * Reads a list of registry entries (`layering.registries`, or a cluster's `registries`).
 *
 * @public
 */
export function readRegistryEntries(
  config: Config | undefined,
  key: string,
): RegistryConfigEntry[] {
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

/** What `layering.clusters.options.<cluster>` says about one cluster. */
export interface ClusterOptions {
  reader?: LayeringClusterCredential;
  writer?: LayeringClusterCredential;
  registries: RegistryConfigEntry[];
}

/** `layering.clusters`: which clusters to use and what to add to each. */
export interface LayeringClusterSettings {
  include: string[];
  exclude: string[];
  options: Map<string, ClusterOptions>;
}

/**
 * Reads `layering.clusters` once, at start-up; a malformed credential block fails here with an
 * error naming its key.
 */
export function readLayeringClusterSettings(config: Config): LayeringClusterSettings {
  const clusters = config.getOptionalConfig('layering.clusters');
  const options = new Map<string, ClusterOptions>();
  const perCluster = clusters?.getOptionalConfig('options');
  for (const name of perCluster?.keys() ?? []) {
    const entry = perCluster!.getConfig(name);
    const key = `layering.clusters.options.${name}`;
    // A block left empty (its environment variables unset) counts as not configured.
    const block = (role: 'reader' | 'writer') => {
      const found = entry.getOptionalConfig(role);
      return found && found.keys().length > 0 ? found : undefined;
    };
    const reader = block('reader');
    const writer = block('writer');
    options.set(name, {
      reader: reader ? readCredentialBlock(reader, `${key}.reader`, 'reader') : undefined,
      writer: writer ? readCredentialBlock(writer, `${key}.writer`, 'writer') : undefined,
      registries: readRegistryEntries(entry, 'registries'),
    });
  }
  return {
    include: clusters?.getOptionalStringArray('include') ?? ['*'],
    exclude: clusters?.getOptionalStringArray('exclude') ?? [],
    options,
  };
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

/** Whether `layering.clusters.include`/`exclude` keep the cluster. */
export function isClusterIncluded(settings: LayeringClusterSettings, name: string): boolean {
  return matchesAny(name, settings.include) && !matchesAny(name, settings.exclude);
}

function readAuthMetadata(cluster: Config): Record<string, string> {
  // Read as a whole: its keys are annotation names (`kubernetes.io/...`), not config keys.
  const block = cluster.getOptional('authMetadata');
  const out: Record<string, string> = {};
  if (block && typeof block === 'object' && !Array.isArray(block)) {
    for (const [key, value] of Object.entries(block)) {
      if (typeof value === 'string') {
        out[key] = value;
      }
    }
  }
  return out;
}

/**
 * Completes a cluster with its `layering.clusters.options` entry: the reader override, the
 * writer and the registries. Without a usable reader the cluster carries a `configError`, so it
 * shows as an errored cluster instead of going missing.
 */
export function applyClusterOptions(
  base: Omit<LayeringClusterDetails, 'writer' | 'registries' | 'reader'> & {
    reader?: LayeringClusterCredential;
  },
  settings: LayeringClusterSettings,
): LayeringClusterDetails {
  const options = settings.options.get(base.name);
  const reader = options?.reader ?? base.reader;
  return {
    ...base,
    reader,
    writer: options?.writer,
    registries: options?.registries ?? [],
    configError: reader ? undefined : base.configError,
  };
}

/** Options of {@link readConfigClusters}. */
export interface ReadConfigClustersOptions {
  logger: LoggerService;
  /** Token file used when a `serviceAccount` cluster has no token (the pod's own). */
  podTokenPath: string;
  settings: LayeringClusterSettings;
}

/**
 * Reads the clusters of every `kubernetes.clusterLocatorMethods` entry of type `config`, in
 * order, with include/exclude and per-cluster options applied. Duplicate names keep the first.
 */
export function readConfigClusters(
  config: Config,
  options: ReadConfigClustersOptions,
): LayeringClusterDetails[] {
  const { logger, podTokenPath, settings } = options;
  const out: LayeringClusterDetails[] = [];
  const seen = new Set<string>();
  const methods = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  methods.forEach((method, index) => {
    if (method.getString('type') !== 'config') {
      return;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      if (!isClusterIncluded(settings, name)) {
        logger.info('Cluster left out by layering.clusters include/exclude', { cluster: name });
        continue;
      }
      if (seen.has(name)) {
        logger.warn('Duplicate Kubernetes cluster name; the layering plugins keep the first', {
          cluster: name,
        });
        continue;
      }
      seen.add(name);
      const url = cluster.getString('url');
      // Only the URL's shape is checked here; reaching it is the connection's job.
      if (!/^https?:\/\/[^/]/.test(url)) {
        throw new InputError(
          `kubernetes.clusterLocatorMethods[${index}].clusters (${name}).url: "${url}" is not an http(s) URL`,
        );
      }
      const authProvider = cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      const authMetadata = readAuthMetadata(cluster);
      const token =
        cluster.getOptionalString('serviceAccountToken') ?? authMetadata.serviceAccountToken;
      const reader =
        authProvider === 'serviceAccount' ? serviceAccountReader(token, podTokenPath) : undefined;
      const details = applyClusterOptions(
        {
          name,
          title: cluster.getOptionalString('title'),
          url,
          caData: cluster.getOptionalString('caData'),
          caFile: cluster.getOptionalString('caFile'),
          skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
          authMetadata: { ...authMetadata, 'kubernetes.io/auth-provider': authProvider },
          reader,
          configError: `Cluster "${name}" uses authProvider "${authProvider}", which signs in people, not the portal; the layering plugins watch with a service credential: use authProvider serviceAccount or set layering.clusters.options.${name}.reader`,
          source: 'config',
        },
        settings,
      );
      if (details.configError) {
        logger.warn('Cluster has no service credential the layering plugins can use; it is reported as errored', {
          cluster: name,
          authProvider,
        });
      }
      out.push(details);
    }
  });
  return out;
}
