import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RegistryConfigEntry } from '../kubernetes/clusterConfig';
import { RegistryClient } from '../registry';
import type { ImageLabelSource } from './ImageLabelCache';

/** Image facts of one cluster, read through the registry client with that cluster's registries. */
export function createRegistrySource(
  registries: RegistryConfigEntry[],
  logger: LoggerService,
): ImageLabelSource {
  const client = new RegistryClient({ registries, logger });
  return {
    getImageLabels: reference => client.getImageLabels(reference),
    getReleaseRhcosImage: releaseImage => client.getReleaseRhcosImage(releaseImage),
  };
}
