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
  type ObjectValidator,
  type ValidationCause,
  type StoreSnapshot,
  type HistoryEntry,
} from './store/ObjectStore';
export {
  RESOURCES,
  resourceInfo,
  resourceForKind,
  type ResourceInfo,
} from './store/resources';
export {
  InMemoryImageCatalog,
  parseImageReference,
  buildImageContent,
  type ImageInput,
  type ImageReference,
} from './registry/ImageCatalog';
