import type { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConnection, ClusterRequestError, WatchEvent } from './ClusterConnection';
import type { ListLimiter } from './ListLimiter';

/** A Kubernetes object as it arrives, before projection. */
export type RawObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
};

/** Where an informer is in its list/watch cycle. */
export type InformerPhase = 'pending' | 'listing' | 'watching' | 'retrying' | 'stopped';

/** Options of an {@link Informer}. */
export interface InformerOptions<P> {
  /** Short name for logs and status, e.g. `nodes`. */
  resource: string;
  connection: ClusterConnection;
  /** Collection path, e.g. `/api/v1/nodes`. */
  path: string;
  /** Extra query parameters of both list and watch (e.g. a fieldSelector). */
  query?: Record<string, string>;
  /** Keeps only what the views use; `undefined` drops the object (e.g. filtered out). */
  project(object: RawObject): P | undefined;
  logger: LoggerService;
  /** Called after the cache changed (a list replaced it, or a watch event changed it). */
  onChange(): void;
  /** Called when the phase or error changes. */
  onStatus(): void;
  pageSize?: number;
  /** Server-side watch duration; each informer picks a jittered value around it. */
  watchTimeoutSeconds?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Shared bound on concurrent lists (all informers of all clusters). */
  listLimiter?: ListLimiter;
  random?: () => number;
}

/** Counters the benchmark and tests read. */
export interface InformerStats {
  lists: number;
  relistsAfterGone: number;
  watches: number;
  events: number;
}

class GoneError extends Error {}

const WATCH_ERROR_KINDS: Record<number, ClusterRequestError['kind']> = {
  401: 'unauthorized',
  403: 'forbidden',
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * A small list-then-watch cache of one resource of one cluster, keeping
 * projections instead of whole objects.
 *
 * @remarks
 * Cycle: a paged list (`limit` + `continue`), then a watch from the list's
 * resourceVersion with bookmarks, re-opened from the last seen resourceVersion
 * whenever the server ends it. A 410 Gone (expired resourceVersion or
 * `continue` token) leads to a fresh list; any other failure to a retry with
 * exponential back-off and full jitter (or the server's Retry-After), so a
 * flapping cluster never receives a burst of requests. While retrying, the
 * last known items stay readable but {@link Informer.synced} is false, and the
 * views built on them are marked stale.
 *
 * client-node's `ListWatch` lists without paging, keeps whole objects and
 * re-lists on every reconnect, which is why this is our own.
 */
export class Informer<P> {
  readonly resource: string;
  readonly stats: InformerStats = { lists: 0, relistsAfterGone: 0, watches: 0, events: 0 };
  #items = new Map<string, P>();
  #phase: InformerPhase = 'pending';
  #error: ClusterRequestError | undefined;
  #hasListed = false;
  #resourceVersion: string | undefined;
  #lastSync: number | undefined;
  #failures = 0;
  readonly #options: InformerOptions<P>;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: InformerOptions<P>) {
    this.#options = options;
    this.resource = options.resource;
  }

  /** The projections, by `namespace/name` (or `name` for cluster-scoped objects). */
  get items(): ReadonlyMap<string, P> {
    return this.#items;
  }

  get phase(): InformerPhase {
    return this.#phase;
  }

  /** The error that put the informer into `retrying`, if any. */
  get error(): ClusterRequestError | undefined {
    return this.#error;
  }

  /** True while the cache is complete and a watch is keeping it current. */
  get synced(): boolean {
    return this.#hasListed && this.#phase === 'watching';
  }

  /** True once a list has completed at least once. */
  get hasListed(): boolean {
    return this.#hasListed;
  }

  /** Epoch ms up to which the cache is known to be current (now while synced). */
  get lastSync(): number | undefined {
    return this.synced ? Date.now() : this.#lastSync;
  }

  start(): void {
    if (!this.#loop) {
      this.#loop = this.#run();
    }
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#setPhase('stopped');
    await this.#loop;
  }

  #setPhase(phase: InformerPhase, error?: ClusterRequestError) {
    if (this.#phase === 'watching' && phase !== 'watching') {
      this.#lastSync = Date.now();
    }
    const changed = phase !== this.#phase || error?.message !== this.#error?.message;
    this.#phase = phase;
    this.#error = error;
    if (changed) {
      this.#options.onStatus();
    }
  }

  #random(): number {
    return (this.#options.random ?? Math.random)();
  }

  #backoffMs(error: ClusterRequestError | undefined): number {
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.#failures, 16));
    const jittered = Math.max(initialMs / 2, this.#random() * ceiling);
    return Math.max(jittered, error?.retryAfterMs ?? 0);
  }

  #key(object: RawObject): string | undefined {
    const name = object.metadata?.name;
    if (!name) {
      return undefined;
    }
    const namespace = object.metadata?.namespace;
    return namespace ? `${namespace}/${name}` : name;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        if (this.#resourceVersion === undefined) {
          await this.#list(signal);
        }
        if (signal.aborted) {
          break;
        }
        const started = Date.now();
        const opened = await this.#watch(signal);
        if (!opened || Date.now() - started < 1000) {
          // The server ended the watch without accepting it, or at once: do not spin.
          this.#failures += 1;
          await sleep(this.#backoffMs(undefined), signal);
        }
      } catch (error) {
        if (signal.aborted) {
          break;
        }
        if (error instanceof GoneError) {
          // Expired resourceVersion: list again, after a short jittered pause so every informer
          // of a cluster whose history was compacted does not re-list in the same instant.
          this.#resourceVersion = undefined;
          this.stats.relistsAfterGone += 1;
          this.#options.logger.info('Watch resourceVersion expired, re-listing', {
            resource: this.resource,
          });
          await sleep(this.#random() * 250, signal);
          continue;
        }
        const failure =
          error instanceof ClusterRequestError
            ? error
            : new ClusterRequestError(String((error as Error)?.message ?? error), 'error');
        this.#failures += 1;
        this.#setPhase('retrying', failure);
        const delay = this.#backoffMs(failure);
        this.#options.logger.warn('Cluster request failed, retrying with back-off', {
          resource: this.resource,
          kind: failure.kind,
          error: failure.message,
          retryInMs: Math.round(delay),
        });
        await sleep(delay, signal);
      }
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    if (!this.#hasListed) {
      this.#setPhase('listing', this.#error);
    }
    const release = await this.#options.listLimiter?.acquire(signal);
    try {
      await this.#listPages(signal);
    } finally {
      release?.();
    }
  }

  async #listPages(signal: AbortSignal): Promise<void> {
    const next = new Map<string, P>();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    for (;;) {
      let page: { items?: RawObject[]; metadata?: { resourceVersion?: string; continue?: string } };
      try {
        page = await this.#options.connection.getJson(
          this.#options.path,
          {
            ...this.#options.query,
            limit: this.#options.pageSize ?? 500,
            continue: continueToken,
          },
          'list',
        );
      } catch (error) {
        if (continueToken && error instanceof ClusterRequestError && error.kind === 'gone') {
          // The continue token expired between pages: start the list over.
          continueToken = undefined;
          next.clear();
          this.stats.relistsAfterGone += 1;
          continue;
        }
        throw error;
      }
      if (signal.aborted) {
        return;
      }
      for (const object of page.items ?? []) {
        const key = this.#key(object);
        const projected = key ? this.#options.project(object) : undefined;
        if (key && projected !== undefined) {
          next.set(key, projected);
        }
      }
      resourceVersion = page.metadata?.resourceVersion;
      continueToken = page.metadata?.continue || undefined;
      if (!continueToken) {
        break;
      }
    }
    this.stats.lists += 1;
    this.#items = next;
    this.#resourceVersion = resourceVersion ?? '0';
    this.#hasListed = true;
    this.#lastSync = Date.now();
    this.#options.onChange();
  }

  /** Watches until the server ends the stream; returns whether the watch was accepted. */
  async #watch(signal: AbortSignal): Promise<boolean> {
    const base = this.#options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(base * (0.75 + this.#random() * 0.5));
    let opened = false;
    this.stats.watches += 1;
    await this.#options.connection.watch(
      this.#options.path,
      {
        ...this.#options.query,
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
      },
      {
        onOpen: () => {
          opened = true;
          this.#failures = 0;
          this.#lastSync = Date.now();
          this.#setPhase('watching');
        },
        onEvent: event => this.#apply(event),
      },
      { idleTimeoutMs: (timeoutSeconds + 30) * 1000, signal },
    ).catch(error => {
      if (error instanceof ClusterRequestError && error.kind === 'gone') {
        throw new GoneError(error.message);
      }
      throw error;
    });
    return opened;
  }

  #apply(event: WatchEvent): void {
    const object = event.object as RawObject;
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      if (status.code === 410) {
        throw new GoneError(status.message ?? 'resourceVersion expired');
      }
      throw new ClusterRequestError(
        `Watch on cluster ${this.#options.connection.name} failed: ${status.message ?? 'unknown error'}`,
        WATCH_ERROR_KINDS[status.code ?? 0] ?? 'error',
        { statusCode: status.code },
      );
    }
    const resourceVersion = object.metadata?.resourceVersion;
    if (resourceVersion) {
      this.#resourceVersion = resourceVersion;
    }
    this.#lastSync = Date.now();
    if (event.type === 'BOOKMARK') {
      return;
    }
    this.stats.events += 1;
    const key = this.#key(object);
    if (!key) {
      return;
    }
    if (event.type === 'DELETED') {
      if (this.#items.delete(key)) {
        this.#options.onChange();
      }
      return;
    }
    const projected = this.#options.project(object);
    if (projected === undefined) {
      if (this.#items.delete(key)) {
        this.#options.onChange();
      }
      return;
    }
    const previous = this.#items.get(key);
    this.#items.set(key, projected);
    // Most updates touch fields the projection drops (node heartbeats, managedFields, status
    // timestamps): those change nothing we serve, so no rebuild is asked for.
    if (previous === undefined || JSON.stringify(previous) !== JSON.stringify(projected)) {
      this.#options.onChange();
    }
  }
}
