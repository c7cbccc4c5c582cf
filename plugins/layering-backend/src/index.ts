/**
 * Backend for the OpenShift RHCOS image layering plugins: the `layering`
 * plugin (REST API over watch caches of every cluster, request records, live
 * signals). The catalog entities come from the separate catalog module package.
 *
 * @packageDocumentation
 */

export { layeringPlugin as default } from './plugin';
export { layeringFleetServiceRef } from './services/FleetService';
export type {
  ClusterRelease,
  FleetChange,
  FleetPoolFilter,
  FleetPoolsResponse,
  LayeringFleetService,
} from './services/FleetService';
export { layeringForecastServiceRef } from './services/forecast/ForecastService';
export type { LayeringForecastService } from './services/forecast/ForecastService';
export { layeringRequestStoreServiceRef } from './services/RequestStore';
export type {
  LayeringRequestChange,
  LayeringRequestListener,
  LayeringRequestStore,
  NewLayeringRequest,
} from './services/RequestStore';
export { parsePullRequestUrl, samePullRequest } from './forge/pullRequestRef';
export type { PullRequestRef } from './forge/pullRequestRef';
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
