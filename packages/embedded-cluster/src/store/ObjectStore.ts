import { randomUUID } from 'node:crypto';
import { RESOURCES, resourceInfo, groupVersion } from './resources';
import {
  checkName,
  checkType,
  checkValid,
  clone,
  key,
  normalizeSecret,
  randomSuffix,
  specPart,
} from './ObjectStoreChecks';
import { EventHistory } from './ObjectStoreHistory';
import {
  K8sObject,
  ObjectStore,
  ResourceName,
  StoreError,
  StoreEvent,
  WriteOptions,
} from './types';

/**
 * A field-level problem found by a validator.
 *
 * @public
 */
export interface ValidationCause {
  field: string;
  message: string;
  reason?: string;
}

/**
 * Validates objects before the store accepts them. Returns the problems found (empty when valid).
 *
 * @public
 */
export interface ObjectValidator {
  validate(
    resource: ResourceName,
    object: K8sObject,
    old: K8sObject | undefined,
  ): ValidationCause[];
}

/**
 * One entry of the bounded event history used to resume watches.
 *
 * @public
 */
export interface HistoryEntry {
  rv: number;
  event: StoreEvent;
}

/**
 * Store write options: the contract's plus a dry run (all checks, nothing stored).
 *
 * @public
 */
export interface StoreWriteOptions extends WriteOptions {
  dryRun?: boolean;
  /**
   * `create` of an object loaded from a state directory: keep its `metadata.generation` (a
   * positive integer; 1 when absent) instead of starting at 1 as an API create does, so the
   * loaded `status.observedGeneration` values still compare with it. The resourceVersion is
   * assigned by the store all the same (a given one is replaced).
   */
  keepGeneration?: boolean;
  /**
   * Validating admission of an API write: called with the object about to be stored (and the
   * stored one on update) after the schema checks passed and before anything is stored (dry runs
   * included), as kube runs validating admission after validation; throws to refuse the write.
   */
  admit?: (object: K8sObject, old: K8sObject | undefined) => void;
}

/**
 * Options of {@link InMemoryObjectStore}.
 *
 * @public
 */
export interface InMemoryObjectStoreOptions {
  /** API version of MachineOSConfig / MachineOSBuild: `v1` (default) or `v1alpha1`. */
  machineOSApiVersion?: 'v1' | 'v1alpha1';
  /** Validation of every write; none when omitted. */
  validator?: ObjectValidator;
  /** Number of events kept for watch resumption (default 50,000). */
  historySize?: number;
  /** Called with every error a subscriber throws (subscribers must not break writes). */
  onSubscriberError?: (error: unknown) => void;
}

/**
 * Serialisable state of the store (persistence).
 *
 * @public
 */
export interface StoreSnapshot {
  resourceVersion: number;
  machineOSApiVersion: 'v1' | 'v1alpha1';
  objects: Array<{ resource: ResourceName; object: K8sObject }>;
}

/**
 * The embedded cluster's object store: all objects in memory, a global resourceVersion counter,
 * a bounded event history for watch resumption and synchronous subscribers.
 *
 * @remarks
 * Objects handed in are copied, objects handed out are copies: callers may mutate what they get
 * and write it back. Store-level writes are "raw": they keep `status` as given unless
 * `subresource: 'status'` is set (the HTTP layer implements the subresource rules for API clients).
 *
 * @public
 */
export class InMemoryObjectStore implements ObjectStore {
  readonly #objects = new Map<ResourceName, Map<string, K8sObject>>();
  readonly #subscribers = new Set<(event: StoreEvent) => void>();
  readonly #history: EventHistory;
  readonly #validator?: ObjectValidator;
  readonly #onSubscriberError: (error: unknown) => void;
  #machineOSApiVersion: 'v1' | 'v1alpha1';
  #rv = 1;

  constructor(options: InMemoryObjectStoreOptions = {}) {
    this.#machineOSApiVersion = options.machineOSApiVersion ?? 'v1';
    this.#validator = options.validator;
    this.#history = new EventHistory(options.historySize ?? 50_000);
    this.#onSubscriberError = options.onSubscriberError ?? (() => {});
    for (const r of RESOURCES) {
      this.#objects.set(r.resource, new Map());
    }
  }

  servedApiVersion(resource: ResourceName): string {
    const info = resourceInfo(resource);
    const version =
      info.versions.length > 1 ? this.#machineOSApiVersion : info.versions[0];
    return groupVersion(info.group, version);
  }

  /** The served version of MachineOSConfig / MachineOSBuild. */
  get machineOSApiVersion(): 'v1' | 'v1alpha1' {
    return this.#machineOSApiVersion;
  }

  currentResourceVersion(): string {
    return String(this.#rv);
  }

  get(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): K8sObject | undefined {
    const found = this.peek(resource, name, namespace);
    return found ? clone(found) : undefined;
  }

  /** Like `get`, without copying: the result must not be mutated. */
  peek(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): K8sObject | undefined {
    const info = resourceInfo(resource);
    return this.#map(resource).get(
      key(name, info.namespaced ? namespace : undefined),
    );
  }

  list(resource: ResourceName, namespace?: string): K8sObject[] {
    return this.peekList(resource, namespace).map(clone);
  }

  /** Like `list`, without copying, sorted by namespace/name: the results must not be mutated. */
  peekList(resource: ResourceName, namespace?: string): K8sObject[] {
    const map = this.#map(resource);
    const all = [...map.keys()].sort().map(k => map.get(k)!);
    return namespace
      ? all.filter(o => o.metadata.namespace === namespace)
      : all;
  }

  create(
    resource: ResourceName,
    object: K8sObject,
    options: StoreWriteOptions = {},
  ): K8sObject {
    const info = resourceInfo(resource);
    const obj = clone(object);
    obj.metadata = obj.metadata ?? ({} as K8sObject['metadata']);
    checkType(resource, obj, this.servedApiVersion(resource));
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string') {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix(5)}`;
    }
    if (info.namespaced) {
      if (!obj.metadata.namespace) {
        throw new StoreError(
          422,
          'Invalid',
          `${info.kind} "${obj.metadata.name}" is invalid: metadata.namespace: Required value`,
          [
            {
              field: 'metadata.namespace',
              message: 'Required value',
              reason: 'FieldValueRequired',
            },
          ],
        );
      }
      if (!this.peek('namespaces', obj.metadata.namespace)) {
        throw new StoreError(
          404,
          'NotFound',
          `namespaces "${obj.metadata.namespace}" not found`,
        );
      }
    } else {
      delete obj.metadata.namespace;
    }
    checkName(info.kind, resource, obj);
    const map = this.#map(resource);
    const k = key(obj.metadata.name, obj.metadata.namespace);
    if (map.has(k)) {
      throw new StoreError(
        409,
        'AlreadyExists',
        `${resource}${info.group ? `.${info.group}` : ''} "${
          obj.metadata.name
        }" already exists`,
      );
    }
    obj.apiVersion = this.servedApiVersion(resource);
    obj.kind = info.kind;
    obj.metadata.uid = obj.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp =
      obj.metadata.creationTimestamp ??
      new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (info.crd) {
      const given = obj.metadata.generation;
      if (options.keepGeneration && given !== undefined) {
        if (
          typeof given !== 'number' ||
          !Number.isSafeInteger(given) ||
          given < 1
        ) {
          throw new StoreError(
            422,
            'Invalid',
            `${info.kind} "${obj.metadata.name}" is invalid: metadata.generation: Invalid value: must be a positive integer`,
            [
              {
                field: 'metadata.generation',
                message: 'Invalid value: must be a positive integer',
                reason: 'FieldValueInvalid',
              },
            ],
          );
        }
      } else {
        obj.metadata.generation = 1;
      }
    }
    delete obj.metadata.deletionTimestamp;
    checkValid(this.#validator, resource, obj, undefined);
    options.admit?.(obj, undefined);
    normalizeSecret(resource, obj);
    if (options.dryRun) {
      delete obj.metadata.resourceVersion;
      return obj;
    }
    obj.metadata.resourceVersion = String(++this.#rv);
    map.set(k, obj);
    this.#emit({ type: 'ADDED', resource, object: obj });
    return clone(obj);
  }

  update(
    resource: ResourceName,
    object: K8sObject,
    options: StoreWriteOptions = {},
  ): K8sObject {
    const info = resourceInfo(resource);
    const incoming = clone(object);
    checkType(resource, incoming, this.servedApiVersion(resource));
    const name = incoming.metadata?.name;
    const namespace = info.namespaced
      ? incoming.metadata?.namespace
      : undefined;
    const map = this.#map(resource);
    const k = key(name, namespace);
    const old = map.get(k);
    if (!name || !old) {
      throw new StoreError(
        404,
        'NotFound',
        `${resource}${info.group ? `.${info.group}` : ''} "${
          name ?? ''
        }" not found`,
      );
    }
    const given = incoming.metadata.resourceVersion;
    if (
      options.checkResourceVersion &&
      given !== undefined &&
      given !== '' &&
      given !== old.metadata.resourceVersion
    ) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource}${
          info.group ? `.${info.group}` : ''
        } "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    let next: K8sObject;
    if (options.subresource === 'status') {
      next = clone(old);
      if (incoming.status === undefined) {
        delete next.status;
      } else {
        next.status = incoming.status;
      }
    } else {
      next = incoming;
    }
    next.apiVersion = this.servedApiVersion(resource);
    next.kind = info.kind;
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (info.namespaced) {
      next.metadata.namespace = old.metadata.namespace;
    } else {
      delete next.metadata.namespace;
    }
    if (info.crd) {
      const generation = old.metadata.generation ?? 1;
      next.metadata.generation =
        specPart(next) !== specPart(old) ? generation + 1 : generation;
    }
    if (old.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (resource === 'secrets' && next.stringData !== undefined) {
      // stringData is checked as given, before it is folded into data.
      checkValid(this.#validator, resource, next, old);
    }
    normalizeSecret(resource, next);
    if (JSON.stringify(next) === JSON.stringify(old)) {
      // A no-op write does not bump the resourceVersion, as on a real API server.
      return clone(old);
    }
    checkValid(this.#validator, resource, next, old);
    options.admit?.(next, old);
    if (options.dryRun) {
      return next;
    }
    next.metadata.resourceVersion = String(++this.#rv);
    map.set(k, next);
    this.#emit({ type: 'MODIFIED', resource, object: next, old });
    return clone(next);
  }

  delete(
    resource: ResourceName,
    name: string,
    namespace?: string,
  ): K8sObject | undefined {
    const info = resourceInfo(resource);
    const map = this.#map(resource);
    const k = key(name, info.namespaced ? namespace : undefined);
    const old = map.get(k);
    if (!old) {
      return undefined;
    }
    map.delete(k);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.#rv);
    this.#emit({ type: 'DELETED', resource, object: gone, old });
    // Garbage collection: dependents go with their owner (background propagation).
    const uid = old.metadata.uid;
    for (const r of RESOURCES) {
      for (const dependent of [...this.#map(r.resource).values()]) {
        if (dependent.metadata.ownerReferences?.some(ref => ref.uid === uid)) {
          this.delete(
            r.resource,
            dependent.metadata.name,
            dependent.metadata.namespace,
          );
        }
      }
    }
    if (resource === 'namespaces') {
      for (const r of RESOURCES.filter(x => x.namespaced)) {
        for (const o of this.peekList(r.resource, name)) {
          this.delete(r.resource, o.metadata.name, name);
        }
      }
    }
    return clone(gone);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#subscribers.add(listener);
    return () => {
      this.#subscribers.delete(listener);
    };
  }

  /**
   * Events after `resourceVersion` (exclusive), oldest first, or `'expired'` when the history no
   * longer reaches back that far.
   */
  eventsSince(resourceVersion: number): HistoryEntry[] | 'expired' {
    return this.#history.since(resourceVersion, this.#rv);
  }

  /** Forget the event history: every resourceVersion older than the current one becomes too old. */
  expireHistory(): void {
    this.#history.expire(this.#rv);
  }

  /** The whole state, for persistence. */
  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const r of RESOURCES) {
      for (const object of this.#map(r.resource).values()) {
        objects.push({ resource: r.resource, object });
      }
    }
    return {
      resourceVersion: this.#rv,
      machineOSApiVersion: this.#machineOSApiVersion,
      objects,
    };
  }

  /** Replace the whole state by a snapshot (no events; watches must restart). */
  restore(snapshot: StoreSnapshot): void {
    for (const map of this.#objects.values()) map.clear();
    this.#machineOSApiVersion = snapshot.machineOSApiVersion;
    for (const { resource, object } of snapshot.objects) {
      const info = resourceInfo(resource);
      this.#map(resource).set(
        key(
          object.metadata.name,
          info.namespaced ? object.metadata.namespace : undefined,
        ),
        clone(object),
      );
    }
    this.#rv = snapshot.resourceVersion;
    this.expireHistory();
  }

  #map(resource: ResourceName): Map<string, K8sObject> {
    const map = this.#objects.get(resource);
    if (!map) throw new Error(`Unknown resource ${resource}`);
    return map;
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#subscribers.size === 0) return;
    const copy: StoreEvent = {
      type: event.type,
      resource: event.resource,
      object: clone(event.object),
      ...(event.old ? { old: clone(event.old) } : {}),
    };
    for (const listener of [...this.#subscribers]) {
      try {
        listener(copy);
      } catch (error) {
        this.#onSubscriberError(error);
      }
    }
  }
}
