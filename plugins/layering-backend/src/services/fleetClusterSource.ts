import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { LayeringClustersService } from '@rhcos-layering/plugin-layering-node';
import type { InformerTuning } from '../kubernetes/ClusterCache';
import type { ClusterSpec } from '../kubernetes/clusterConfig';
import { assertRegistryEntries } from '../registry';

/** The informers' settings of `layering.informers` (the list limiter aside). */
export function readInformerTuning(config: Config): InformerTuning {
  return {
    pageSize: config.getOptionalNumber('layering.informers.pageSize'),
    watchTimeoutSeconds: config.getOptionalNumber('layering.informers.watchTimeoutSeconds'),
    requestTimeoutMs: config.getOptionalNumber('layering.informers.requestTimeoutMs'),
  };
}

/**
 * A function that asks the clusters service for the clusters, refusing registry credentials
 * that could leak to any host. When the service cannot answer it logs a warning and resolves to
 * undefined, so the caller keeps the clusters it has.
 */
export function clusterSpecLoader(
  clusters: LayeringClustersService,
  logger: LoggerService,
): () => Promise<ClusterSpec[] | undefined> {
  return async () => {
    let specs: ClusterSpec[];
    try {
      specs = await clusters.getClusters();
    } catch (error) {
      assertError(error);
      logger.warn('Cannot list the layering clusters; keeping the current ones', error);
      return undefined;
    }
    for (const spec of specs) {
      assertRegistryEntries(spec.registries, `layering.clusters.options.${spec.name}.registries`);
    }
    return specs;
  };
}
