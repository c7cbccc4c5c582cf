/**
 * Cluster access shared by the layering backend and the layering scaffolder actions: the one
 * place that reads cluster configuration and builds `@kubernetes/client-node` clients.
 *
 * @packageDocumentation
 */

export type {
  LayeringClusterCredential,
  LayeringClusterDetails,
  LayeringClusterSource,
  LayeringClustersService,
  RegistryAuthConfig,
  RegistryConfigEntry,
} from './types';
export {
  DefaultLayeringClustersService,
  layeringClustersServiceRef,
} from './service';
export type { DefaultLayeringClustersServiceOptions } from './service';
export { POD_SERVICE_ACCOUNT_TOKEN_PATH } from './config/credentials';
export { readRegistryEntries } from './config/readClusters';
export {
  createClusterAccess,
  OPENSHIFT_TOKEN_SECRET,
} from './access/clusterAccess';
export type {
  CreateClusterAccessOptions,
  LayeringClusterAccess,
  LayeringClusterRole,
  LayeringClusterTls,
} from './access/clusterAccess';
export { readTokenFile } from './access/tokenFile';
export { loadClientNode } from './access/loadClientNode';
export {
  layeringContentDigest,
  readLayeringProvenance,
  withLayeringProvenance,
} from './provenance/contentDigest';
export type { LayeringObjectProvenance } from './provenance/contentDigest';
