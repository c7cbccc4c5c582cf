/**
 * Catalog module of the OpenShift RHCOS image layering plugins: a Resource
 * entity per MachineConfigPool and per cluster, or adoption of the cluster
 * entities another provider keeps.
 *
 * @packageDocumentation
 */

export { catalogModuleLayeringEntityProvider as default } from './module';
export { LayeringEntityProvider } from './LayeringEntityProvider';
export type {
  LayeringCatalogLookup,
  LayeringEntityProviderOptions,
} from './LayeringEntityProvider';
export {
  LayeringClusterAdoptionProcessor,
  LayeringKnownClusters,
} from './LayeringClusterAdoptionProcessor';
export { readClusterEntitiesOptions } from './adoption';
export type { ClusterEntitiesOptions } from './adoption';
export { LayeringHttpFleetSource } from './fleetSource';
export {
  fleetPools,
  LayeringTemplatePoolsProcessor,
  withPoolChoices,
} from './LayeringTemplatePoolsProcessor';
export type { LayeringPoolsByCluster } from './LayeringTemplatePoolsProcessor';
export type { LayeringFleetSnapshot, LayeringFleetSource } from './fleetSource';
export { entityName } from './entities';
