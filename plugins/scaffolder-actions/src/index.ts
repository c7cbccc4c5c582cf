/**
 * Scaffolder actions that compose, render, apply, pause, rebuild and revert RHCOS layered images
 * on OpenShift clusters (`layering:<noun>:<verb>`).
 *
 * @packageDocumentation
 */

export { scaffolderModuleLayering as default } from './module';
export * from './actions';
export {
  ClusterClient,
  type RetryPolicy,
  type WriteOptions,
} from './kubernetes/ClusterClient';
export type { KubeObject, ObjectMeta, ObjectRef } from './kubernetes/types';
export type { FormFieldMap } from './kubernetes/errors';
export { ClusterClients, type ClusterClientsOptions } from './kubernetes/ClusterClients';
export {
  LayeringBackendClient,
  type LayeringBackendApi,
  type ClusterReleaseInfo,
  type LayeringRequestInput,
} from './services/LayeringBackendClient';
export {
  readLayeringActionsConfig,
  DEFAULT_ACTION_TIMEOUTS,
  type LayeringActionsConfig,
  type LayeringActionsTimeouts,
} from './config';
