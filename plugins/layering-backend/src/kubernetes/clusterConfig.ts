import type { Config } from '@backstage/config';
import {
  readRegistryEntries,
  type LayeringClusterDetails,
  type RegistryConfigEntry,
} from '@rhcos-layering/plugin-layering-node';

export type { RegistryAuthConfig, RegistryConfigEntry } from '@rhcos-layering/plugin-layering-node';

/**
 * A cluster the backend watches. Clusters are read by `@rhcos-layering/plugin-layering-node`
 * (the one reader of cluster configuration); the backend watches with the cluster's `reader`.
 */
export type ClusterSpec = LayeringClusterDetails;

/** The registries of `layering.registries`, tried after a cluster's own. */
export function readGlobalRegistries(config: Config): RegistryConfigEntry[] {
  return readRegistryEntries(config.getOptionalConfig('layering'), 'registries');
}
