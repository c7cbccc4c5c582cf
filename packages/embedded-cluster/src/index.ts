/**
 * An embedded OpenShift cluster: a Kubernetes API server that behaves like the Machine Config
 * Operator, with an OCI registry.
 *
 * @packageDocumentation
 */

export * from './store/types';
export {
  InMemoryObjectStore,
  type InMemoryObjectStoreOptions,
  type StoreWriteOptions,
  type ObjectValidator,
  type ValidationCause,
  type StoreSnapshot,
  type HistoryEntry,
} from './store/ObjectStore';
export {
  RESOURCES,
  resourceInfo,
  resourceForKind,
  RBAC_GROUP,
  type ResourceInfo,
} from './store/resources';
export {
  InMemoryImageCatalog,
  parseImageReference,
  buildImageContent,
  releasePayloadFiles,
  RELEASE_VERSION_LABEL,
  type ImageContent,
  type ImageInput,
  type ImageReference,
} from './registry/ImageCatalog';
export {
  startEmbeddedCluster,
  type EmbeddedCluster,
  type EmbeddedClusterOptions,
} from './cluster';
export {
  assembleCluster,
  type AssembleOptions,
  type AssembledCluster,
} from './assemble';
export {
  SchemaValidator,
  type SchemaValidatorOptions,
  type UnenforcedRule,
} from './schema/SchemaValidator';
export type { CrdVersion, JSONSchemaProps, PrinterColumn } from './schema/crds';
export { ApiServer, type ApiServerOptions } from './server/ApiServer';
export { ApiError, type StatusCause } from './server/status';
export type { ServiceAccountToken } from './server/auth';
export type { AuditEvent } from './server/audit';
export {
  accessTokenObjectName,
  type EmbeddedOAuthOptions,
  type EmbeddedOAuthUser,
  type EmbeddedOAuthClient,
} from './oauth/OAuthServer';
export {
  authorize,
  forbidden,
  ruleAllows,
  rulesFor,
  serviceAccountUser,
  type Decision,
  type PolicyRule,
  type UserInfo,
} from './rbac/RbacAuthorizer';
export { requestAttributes, type RequestAttributes } from './rbac/requestInfo';
export { validateRbacObject } from './rbac/validate';
export {
  DEFAULT_RBAC_DIR,
  READER_SERVICE_ACCOUNT,
  WRITER_SERVICE_ACCOUNT,
  loadRbacManifests,
} from './rbac/manifests';
export {
  loadStateDir,
  machineOSApiVersionFor,
  machineOSApiVersionForRelease,
  type LoadedState,
} from './state/loadState';
export {
  parseAnchor,
  shiftStateTimes,
  type StateClock,
} from './state/anchor';
export {
  startWatchCountingProxy,
  type WatchCountingProxy,
} from './watchCountingProxy';
