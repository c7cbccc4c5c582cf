/**
 * Backend for the OpenShift RHCOS image layering plugins: the `layering`
 * plugin (REST API over watch caches of every cluster, request records, live
 * signals) and the `catalog` module that keeps a Resource per cluster and pool.
 *
 * @packageDocumentation
 */

export { layeringPlugin as default } from './plugin';
export { catalogModuleLayeringEntityProvider } from './providers/module';
export { LayeringEntityProvider } from './providers/LayeringEntityProvider';
export type { LayeringEntityProviderOptions } from './providers/LayeringEntityProvider';
export { layeringFleetServiceRef } from './services/FleetService';
export type {
  ClusterRelease,
  FleetChange,
  FleetPoolFilter,
  FleetPoolsResponse,
  LayeringFleetService,
export { OUTCOME_TRANSITIONS } from './services/RequestStore';
export {
  createLayeringPoolConditionalDecision,
  hasLayeringMode,
  isInCluster,
  isPoolOwner,
  layeringPoolConditions,
  layeringPoolPermissionResourceRef,
  layeringPoolPermissionRules,
} from './permissions';
export type { LayeringPoolQuery, LayeringPoolResource } from './permissions';
} from './services/FleetService';
export { layeringRequestStoreServiceRef } from './services/RequestStore';
export type { LayeringRequestStore, NewLayeringRequest } from './services/RequestStore';
