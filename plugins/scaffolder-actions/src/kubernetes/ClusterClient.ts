import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  KubeConfig,
  KubernetesObjectApi,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObject,
} from '@kubernetes/client-node';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { LayeringClusterAccess } from '@rhcos-layering/plugin-layering-node';
import {
  FormFieldMap,
  isKubernetesApiFailure,
  translateKubernetesError,
} from './errors';
import {
  KubeObject,
  MCO_GROUP,
  ObjectRef,
} from './types';
import { loadClientNode } from './loadClientNode';
import {
  callSignal,
  currentTaskSignal,
  throwIfTaskCancelled,
} from '../services/taskSignal';

/**
 * The `Accept` value that asks the API server for an object's metadata only (no Secret data).
 */
const PARTIAL_OBJECT_METADATA =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** Retry behaviour of a {@link ClusterClient}. @public */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  maxRetries: number;
  /** Longest Retry-After the client waits for; longer asks fail at once (default 30 s). */
  maxRetryAfterMs: number;
  /** First backoff for 5xx answers without Retry-After (doubles each time, default 250 ms). */
  backoffMs: number;
  /** Waits; replaceable so tests do not depend on wall-clock time. */
  sleep: (ms: number) => Promise<void>;
  /**
   * Time limit of each attempt of a call to the API server (default 30 s). A call that passes
   * it fails at once, naming the call and the cluster; it is not retried, since a cluster that
   * did not answer in time is not expected to answer the next attempt sooner.
   */
  timeoutMs: number;
}

const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  maxRetryAfterMs: 30_000,
  backoffMs: 250,
  timeoutMs: 30_000,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/** Objects per page of a list. */
const LIST_PAGE_SIZE = 500;

/** Options of one call to the API server. */
interface CallOptions<T> {
  verb: string;
  object: string;
  /**
   * Whether repeating the call cannot change the outcome (GET, DELETE, server-side apply of
   * the same object, merge patch of fixed values). Only such calls are retried after a 5xx.
   */
  idempotent: boolean;
  /** Form fields for a 422. */
  fields?: FormFieldMap;
  /**
   * After an answer that leaves the outcome unknown (5xx, connection reset), re-read the
   * target and return its state if the write already took effect instead of writing again.
   */
  reread?: () => Promise<T | undefined>;
}

/** Options of a write. @public */
export interface WriteOptions {
  /** Ask the server to validate and admit the write without persisting it (`dryRun=All`). */
  dryRun?: boolean;
  /** Form fields for a 422 answer. */
  fields?: FormFieldMap;
}

function plain<T>(value: unknown): T {
  // client-node deserialises into class instances with Date fields; the actions work on JSON.
  return JSON.parse(JSON.stringify(value)) as T;
}

function describe(ref: { kind: string; name: string; namespace?: string }) {
  return ref.namespace
    ? `${ref.kind}/${ref.name} in ${ref.namespace}`
    : `${ref.kind}/${ref.name}`;
}

/**
 * A connection to one cluster, built from config with `KubeConfig.loadFromOptions`. It wraps the
 * client-node calls the actions need, retries only where the API conventions make that safe and
 * translates failures into `@backstage/errors` errors that name the cluster.
 *
 * @public
 */
export class ClusterClient {
  readonly name: string;
  readonly #objects: KubernetesObjectApi;
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #retry: RetryPolicy;
  readonly #logger: LoggerService;
  #machineOSConfigVersion?: Promise<'v1' | 'v1alpha1' | null>;
  /** The signal of the attempt in progress, read by the request middleware. */
  readonly #attemptSignal = new AsyncLocalStorage<AbortSignal>();
  /** An `Accept` header for the request in progress, read by the request middleware. */
  readonly #accept = new AsyncLocalStorage<string>();

  /**
   * Builds the client over one cluster access of `@rhcos-layering/plugin-layering-node` (the
   * reader or the writer `KubeConfig`; the node package is the one place that builds them).
   */
  static async create(
    access: LayeringClusterAccess,
    options: { logger: LoggerService; retry?: Partial<RetryPolicy> },
  ): Promise<ClusterClient> {
    return new ClusterClient(
      access.cluster.name,
      access.kubeConfig,
      { ...defaultRetryPolicy, ...options.retry },
      options.logger,
    );
  }

  private constructor(
    name: string,
    kc: KubeConfig,
    retry: RetryPolicy,
    logger: LoggerService,
  ) {
    this.name = name;
    // A caller's explicit `timeoutMs: undefined` must not switch the limit off.
    this.#retry = { ...retry, timeoutMs: retry.timeoutMs ?? defaultRetryPolicy.timeoutMs };
    this.#logger = logger;
    // As `makeApiClient` builds them, plus a middleware that gives each request the signal of
    // its attempt, so a time limit or a cancelled task aborts the request itself.
    const k8s = loadClientNode();
    const server = kc.getCurrentCluster()?.server ?? '';
    const configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async context => {
            const signal = this.#attemptSignal.getStore();
            if (signal) context.setSignal(signal);
            const accept = this.#accept.getStore();
            if (accept) context.setHeaderParam('Accept', accept);
            return context;
          },
          post: async response => response,
        },
      ],
    });
    // Every namespaced call names its namespace, so the context's default namespace is not needed.
    this.#objects = new k8s.KubernetesObjectApi(configuration);
    this.#core = new k8s.CoreV1Api(configuration);
    this.#custom = new k8s.CustomObjectsApi(configuration);
  }

  async #call<T>(fn: () => Promise<T>, options: CallOptions<T>): Promise<T> {
    const target = { cluster: this.name, verb: options.verb, object: options.object };
    const where = `cluster ${this.name}`;
    const what = `${options.verb} ${options.object}`;
    for (let attempt = 0; ; attempt++) {
      throwIfTaskCancelled(what, where);
      const call = callSignal(this.#retry.timeoutMs);
      try {
        return await this.#attemptSignal.run(call.signal, fn);
      } catch (error) {
        const stopped = call.reason(what, where);
        if (stopped) {
          throw stopped;
        }
        const failure = isKubernetesApiFailure(error) ? error : undefined;
        const canRetry = attempt < this.#retry.maxRetries;
        if (failure?.code === 429) {
          const wait = this.#retryAfter(failure.headers);
          // Without Retry-After the server gave no promise that waiting helps.
          if (canRetry && wait !== undefined && wait <= this.#retry.maxRetryAfterMs) {
            this.#logger.warn('Cluster throttled the request; waiting as asked', {
              ...target,
              waitMs: wait,
              attempt: attempt + 1,
            });
            await this.#sleep(wait);
            continue;
          }
          throw translateKubernetesError(failure, target, options.fields);
        }
        const unknownOutcome = !failure || failure.code >= 500;
        if (!unknownOutcome) {
          throw translateKubernetesError(failure!, target, options.fields);
        }
        if (options.reread) {
          const current = await options.reread().catch(() => undefined);
          if (current !== undefined) {
            this.#logger.info('Write outcome was unknown; the re-read shows it took effect', target);
            return current;
          }
        }
        if (!canRetry || !options.idempotent) {
          if (failure) {
            throw translateKubernetesError(failure, target, options.fields);
          }
          throw new ServiceUnavailableError(
            `Cluster ${this.name} could not be reached for ${options.verb} ${options.object}`,
            error,
          );
        }
        const wait =
          (failure && this.#retryAfter(failure.headers)) ??
          this.#retry.backoffMs * 2 ** attempt;
        this.#logger.warn('Cluster call failed with an unknown outcome; retrying', {
          ...target,
          status: failure?.code ?? 'network',
          waitMs: wait,
          attempt: attempt + 1,
        });
        await this.#sleep(Math.min(wait, this.#retry.maxRetryAfterMs));
      }
    }
  }

  /** Waits before a retry, cut short when the task is cancelled (the next attempt then stops). */
  async #sleep(ms: number): Promise<void> {
    const task = currentTaskSignal();
    if (!task) {
      await this.#retry.sleep(ms);
      return;
    }
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        this.#retry.sleep(ms),
        new Promise<void>(resolve => {
          onAbort = resolve;
          task.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) task.removeEventListener('abort', onAbort);
    }
  }

  #retryAfter(headers: Record<string, string>): number | undefined {
    const value = headers['retry-after'] ?? headers['Retry-After'];
    if (value === undefined) {
      return undefined;
    }
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) {
      return seconds * 1000;
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
  }

  /** Reads one object; `undefined` when it does not exist. */
  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.#call(
        async () =>
          plain<T>(
            await this.#objects.read({
              apiVersion: ref.apiVersion,
              kind: ref.kind,
              metadata: { name: ref.name, namespace: ref.namespace },
            }),
          ),
        { verb: 'get', object: describe(ref), idempotent: true },
      );
    } catch (error) {
      if (NotFoundError.is(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Reads one object and fails with a `NotFoundError` naming it when it is missing. */
  async require<T extends KubeObject>(ref: ObjectRef): Promise<T> {
    const object = await this.get<T>(ref);
    if (!object) {
      throw new NotFoundError(
        `${describe(ref)} does not exist on cluster ${this.name}`,
      );
    }
    return object;
  }

  /**
   * Lists objects of a kind, page by page (`limit` and `continue`), so that a large fleet's
   * nodes never arrive in one answer; each page is one call with its own time limit.
   */
  async list<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
      /** Objects per page (default 500). */
      pageSize?: number;
    } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let continueToken: string | undefined;
    for (let page = 1; ; page++) {
      const pageToken = continueToken;
      const list = await this.#call(
        () =>
          this.#objects.list(
            apiVersion,
            kind,
            options.namespace,
            undefined,
            undefined,
            undefined,
            options.fieldSelector,
            options.labelSelector,
            options.pageSize ?? LIST_PAGE_SIZE,
            pageToken,
          ),
        {
          verb: 'list',
          object: page === 1 ? `${kind} objects` : `${kind} objects (page ${page})`,
          idempotent: true,
        },
      );
      items.push(...plain<T[]>(list.items));
      continueToken = list.metadata?._continue || undefined;
      if (!continueToken) {
        return items;
      }
    }
  }

  /**
   * Server-side apply with the given field manager. Applying the same object again changes
   * nothing, so the call is retried after an unknown outcome (after re-reading the object).
   */
  async apply<T extends KubeObject>(
    object: T,
    options: WriteOptions & { fieldManager: string; isApplied?: (current: T) => boolean },
  ): Promise<T> {
    const ref = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
    };
    const { PatchStrategy } = loadClientNode();
    return this.#call(
      async () =>
        plain<T>(
          await this.#objects.patch(
            object as KubernetesObject,
            undefined,
            options.dryRun ? 'All' : undefined,
            options.fieldManager,
            false,
            PatchStrategy.ServerSideApply,
          ),
        ),
      {
        verb: options.dryRun ? 'apply (server dry run)' : 'apply',
        object: describe(ref),
        idempotent: true,
        fields: options.fields,
        reread:
          options.dryRun || !options.isApplied
            ? undefined
            : async () => {
                const current = await this.get<T>(ref);
                return current && options.isApplied!(current) ? current : undefined;
              },
      },
    );
  }

  /** JSON merge patch; used for labels, annotations and `spec.paused` (fixed values, idempotent). */
  async mergePatch<T extends KubeObject>(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    options: WriteOptions & { fieldManager: string },
  ): Promise<T> {
    const { PatchStrategy } = loadClientNode();
    return this.#call(
      async () =>
        plain<T>(
          await this.#objects.patch(
            {
              ...patch,
              apiVersion: ref.apiVersion,
              kind: ref.kind,
              metadata: {
                ...((patch.metadata as Record<string, unknown> | undefined) ?? {}),
                name: ref.name,
                namespace: ref.namespace,
              },
            } as KubernetesObject,
            undefined,
            options.dryRun ? 'All' : undefined,
            options.fieldManager,
            undefined,
            PatchStrategy.MergePatch,
          ),
        ),
      {
        verb: options.dryRun ? 'patch (server dry run)' : 'patch',
        object: describe(ref),
        idempotent: true,
        fields: options.fields,
      },
    );
  }

  /**
   * Deletes an object. Returns `false` when it was already gone, so a re-run of the same
   * request is a no-op. `uid` is sent as a precondition so that a re-created object of the same
   * name is never deleted by mistake.
   */
  async delete(
    ref: ObjectRef,
    options: WriteOptions & { uid?: string } = {},
  ): Promise<boolean> {
    try {
      await this.#call(
        () =>
          this.#objects.delete(
            {
              apiVersion: ref.apiVersion,
              kind: ref.kind,
              metadata: { name: ref.name, namespace: ref.namespace },
            },
            undefined,
            options.dryRun ? 'All' : undefined,
            undefined,
            undefined,
            'Foreground',
            options.uid ? { preconditions: { uid: options.uid } } : undefined,
          ),
        {
          verb: options.dryRun ? 'delete (server dry run)' : 'delete',
          object: describe(ref),
          idempotent: true,
        },
      );
      return true;
    } catch (error) {
      if (NotFoundError.is(error)) {
        return false;
      }
      throw error;
    }
  }

  /**
   * Which MachineOSConfig API version the cluster serves (`v1` or `v1alpha1`, never both), or
   * `null` when on-cluster layering is not available. An answer is kept for the client's life;
   * a failed probe is not, so the next call asks again.
   */
  machineOSConfigApiVersion(): Promise<'v1' | 'v1alpha1' | null> {
    if (!this.#machineOSConfigVersion) {
      const probe = this.#probeMachineOSConfigVersion();
      this.#machineOSConfigVersion = probe;
      // Only an answer is kept: after a failure (timeout, 5xx, cancelled task) the next caller asks again.
      probe.catch(() => {
        if (this.#machineOSConfigVersion === probe) {
          this.#machineOSConfigVersion = undefined;
        }
      });
    }
    return this.#machineOSConfigVersion;
  }

  async #probeMachineOSConfigVersion(): Promise<'v1' | 'v1alpha1' | null> {
    for (const version of ['v1', 'v1alpha1'] as const) {
      const resources = await this.#call(
        async () => {
          try {
            return await this.#custom.getAPIResources({ group: MCO_GROUP, version });
          } catch (error) {
            if (isKubernetesApiFailure(error) && error.code === 404) {
              return undefined;
            }
            throw error;
          }
        },
        { verb: 'discover', object: `${MCO_GROUP}/${version}`, idempotent: true },
      );
      if (resources?.resources.some(r => r.name === 'machineosconfigs')) {
        return version;
      }
    }
    return null;
  }

  /**
   * Which of the given Secret names exist in a namespace. Each name is read on its own as
   * `PartialObjectMetadata`, so the API server answers with the Secret's metadata and never its
   * data; a 404 means the Secret does not exist. Needs `get` on Secrets, nothing more.
   */
  async existingSecretNames(namespace: string, names: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const name of new Set(names)) {
      const object = `Secret ${name} in ${namespace}`;
      const exists = await this.#call(
        () =>
          this.#accept.run(PARTIAL_OBJECT_METADATA, async () => {
            try {
              const answer = await this.#core.readNamespacedSecret({ name, namespace });
              return answer.metadata?.name === name;
            } catch (error) {
              if (isKubernetesApiFailure(error) && error.code === 404) {
                return false;
              }
              throw error;
            }
          }),
        { verb: 'get', object, idempotent: true },
      );
      if (exists) {
        found.add(name);
      }
    }
    return found;
  }

}
