/**
 * Contract between the API server (src/server, src/store) and the MCO simulation (src/mco).
 * The API server owns the implementation; the simulation only uses these interfaces.
 */

/**
 * Any Kubernetes object as served over the API.
 *
 * @public
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * Plural resource names the embedded cluster serves.
 *
 * @public
 */
export type ResourceName =
  | 'namespaces'
  | 'nodes'
  | 'configmaps'
  | 'secrets'
  | 'pods'
  | 'serviceaccounts'
  | 'clusterroles'
  | 'clusterrolebindings'
  | 'roles'
  | 'rolebindings'
  | 'clusterversions'
  | 'machineconfigs'
  | 'machineconfigpools'
  | 'machineosconfigs'
  | 'machineosbuilds';

/**
 * What happened to an object, in the words of a Kubernetes watch event.
 *
 * @public
 */
export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change of the store, as its subscribers and the API server's watches receive it.
 *
 * @public
 */
export interface StoreEvent {
  type: StoreEventType;
  resource: ResourceName;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: K8sObject;
  /** The object before the change, when there was one. */
  old?: K8sObject;
}

/**
 * Options of one write to the store.
 *
 * @public
 */
export interface WriteOptions {
  /** Write the status subresource: only `status` is taken from the given object. */
  subresource?: 'status';
  /** Reject with 409 when the given object's resourceVersion is not the current one. Default true for API writes, false for controllers. */
  checkResourceVersion?: boolean;
}

/**
 * The object store. All writes are validated against the CRD structural schemas (and CEL rules
 * where evaluated); invalid writes throw a `StoreError` with code 422 and causes.
 * Writes bump the global resourceVersion and notify subscribers synchronously, in order.
 *
 * @public
 */
export interface ObjectStore {
  /** A copy of one object (the caller may change it and write it back). */
  get(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): K8sObject | undefined;
  /** Copies of all objects of a resource, sorted by namespace/name. Copying 5,000 nodes takes ~100 ms: read-only callers should use `peekList`. */
  list(resource: ResourceName, namespace?: string): K8sObject[];
  /** Like `get` without the copy: the stored object itself, which must NOT be mutated (fast path for reads). */
  peek(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): Readonly<K8sObject> | undefined;
  /** Like `list` without the copies: the stored objects themselves, which must NOT be mutated (fast path for reads). */
  peekList(
    resource: ResourceName,
    namespace?: string,
  ): ReadonlyArray<Readonly<K8sObject>>;
  create(
    resource: ResourceName,
    object: K8sObject,
    options?: WriteOptions,
  ): K8sObject;
  update(
    resource: ResourceName,
    object: K8sObject,
    options?: WriteOptions,
  ): K8sObject;
  delete(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): K8sObject | undefined;
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** The API version served for a resource (MachineOSConfig/MachineOSBuild: 'machineconfiguration.openshift.io/v1alpha1' or '.../v1'). */
  servedApiVersion(resource: ResourceName): string;
  currentResourceVersion(): string;
}

/**
 * A rejected store operation: the HTTP status code, the Kubernetes `Status` reason and message,
 * and the field causes when there are any, which the API server passes on as they are.
 *
 * @public
 */
export class StoreError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly causes: Array<{
      field: string;
      message: string;
      reason?: string;
    }> = [],
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * An image the embedded registry knows.
 *
 * @public
 */
export interface ImageRecord {
  /** `host[:port]/path@sha256:<64 hex>` */
  image: string;
  /** Labels of the image config (after inheritance from `base`). */
  labels: Record<string, string>;
  /** Another image whose labels this one inherits unless overridden. */
  base?: string;
  /** Booting this image degrades the node. */
  broken?: boolean;
  /** Tags pointing at this image, as `host/path:tag`. */
  tags?: string[];
  /**
   * For a release payload image: the images its `release-manifests/image-references` names,
   * by tag (`rhel-coreos`, `rhel-coreos-extensions`, …). The registry serves such an image with a
   * layer holding that file.
   */
  references?: Record<string, string>;
}

/**
 * The registry's catalogue of images, shared by the registry HTTP API and the simulation.
 *
 * @public
 */
export interface ImageCatalog {
  /** Look an image up by digest reference `host/path@sha256:…` (or by tag reference `host/path:tag`). */
  resolve(reference: string): ImageRecord | undefined;
  /** Add an image (labels are inherited from `base` unless overridden). Returns the stored record. */
  add(image: {
    image: string;
    labels?: Record<string, string>;
    base?: string;
    broken?: boolean;
    tags?: string[];
  }): ImageRecord;
  /** Remove an image and its tags. */
  remove(reference: string): boolean;
  list(): ImageRecord[];
}

/**
 * An entry of the release catalogue (releases.yaml).
 *
 * @public
 */
export interface ReleaseRecord {
  version: string;
  /** Release payload image by digest. */
  image: string;
  /** The release's rhel-coreos image by digest (what `oc adm release info --image-for rhel-coreos` prints). */
  rhcosImage: string;
  extensionsImage?: string;
}

/**
 * The MCO simulation, started by the cluster assembly (src/cluster.ts).
 *
 * @public
 */
export interface McoSimulator {
  start(): void;
  /** Resolves when the simulation has no pending work (all timers drained) — for speed 0 tests. */
  settle(): Promise<void>;
  stop(): void;
}

/**
 * What the simulated Machine Config Operator works on: the store, the registry's images, the
 * release catalogue and how fast to go.
 *
 * @public
 */
export interface McoSimulatorOptions {
  store: ObjectStore;
  images: ImageCatalog;
  releases: ReleaseRecord[];
  /** host[:port] of this cluster's registry, for images the simulated builds push */
  registryHost: string;
  /** 0 = instant; 1 = demo pace, higher is faster (10 = ten times faster); below 1 is refused */
  speed: number;
  log?: (message: string, meta?: Record<string, unknown>) => void;
}
