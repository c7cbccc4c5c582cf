import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type {
  LayeringRequestEvent,
  LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import type { FleetChange, LayeringFleetService } from '../services/fleetTypes';
import { isSettled, linkRequest } from './linkRequest';
import type { PoolProvenanceSource } from './poolProvenance';

/** One change of a request's history (the shape of the request store's `onChange`). */
export interface RequestChange {
  record: LayeringRequestRecord;
  event: LayeringRequestEvent;
}

/** The part of the request store the linker uses. */
export interface ProvenanceRequestStore {
  list(
    cluster: string,
    pool: string,
    options?: { limit?: number },
  ): Promise<LayeringRequestRecord[]>;
  get(id: string): Promise<LayeringRequestRecord | undefined>;
  /** Merged by pull request and not applied yet (apply on merge's retry). */
  listMerged(options?: { limit?: number }): Promise<LayeringRequestRecord[]>;
  recordEvent(
    id: string,
    event: LayeringRequestEvent,
    options?: { key?: string },
  ): Promise<{ record: LayeringRequestRecord; recorded: boolean }>;
  onChange(
    listener: (change: RequestChange) => void | Promise<void>,
  ): () => void;
}

/** Requests of a pool the linker follows: the newest ones (older ones were replaced). */
const FOLLOWED_PER_POOL = 10;

/**
 * Follows requests onto their cluster: whenever a pool changes in the watch caches (or a
 * request's history changes, or every `intervalMs` for pools with requests still open), it runs
 * {@link linkRequest} on the pool's newest requests and records what it finds as request events.
 * Pools are worked one at a time; the store keeps each event key once, so several backends or a
 * restart record nothing twice.
 */
export class ProvenanceLinker {
  readonly #fleet: LayeringFleetService;
  readonly #source: PoolProvenanceSource;
  readonly #requests: ProvenanceRequestStore;
  readonly #logger: LoggerService;
  readonly #portalManagers: readonly string[];
  readonly #intervalMs: number;
  readonly #now: () => Date;
  /** Pools waiting to be linked, `cluster/pool` → names. */
  readonly #queue = new Map<string, { cluster: string; pool: string }>();
  /** Pools with requests the linker still follows, swept every interval. */
  readonly #active = new Map<string, { cluster: string; pool: string }>();
  #draining: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: Array<() => void> = [];
  #stopped = false;

  constructor(options: {
    fleet: LayeringFleetService;
    source: PoolProvenanceSource;
    requests: ProvenanceRequestStore;
    logger: LoggerService;
    /** Field managers that mean the portal wrote the object (direct apply, apply on merge). */
    portalManagers: readonly string[];
    intervalMs?: number;
    now?: () => Date;
  }) {
    this.#fleet = options.fleet;
    this.#source = options.source;
    this.#requests = options.requests;
    this.#logger = options.logger;
    this.#portalManagers = options.portalManagers;
    this.#intervalMs = options.intervalMs ?? 30_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts following fleet and request changes. */
  start(): void {
    this.#unsubscribe.push(
      this.#fleet.subscribe(change => this.#onFleetChange(change)),
    );
    this.#unsubscribe.push(
      this.#requests.onChange(({ record }) => {
        // A request was opened, merged or otherwise moved: its pool may already show it.
        if (!isSettled(record)) this.enqueue(record.cluster, record.pool);
      }),
    );
    if (this.#intervalMs > 0) {
      this.#timer = setInterval(() => {
        for (const entry of this.#active.values())
          this.enqueue(entry.cluster, entry.pool);
      }, this.#intervalMs);
      this.#timer.unref?.();
    }
  }

  #onFleetChange(change: FleetChange) {
    // The first views of a cluster (startup): every pool, so what happened while the backend was
    // down is recorded now.
    const pools = change.initial
      ? this.#fleet.listPools(change.cluster)?.map(p => p.name) ?? []
      : change.pools;
    for (const pool of pools) this.enqueue(change.cluster, pool);
  }

  /** Links the requests of a pool soon (calls for a queued pool are merged). */
  enqueue(cluster: string, pool: string): void {
    if (this.#stopped) return;
    this.#queue.set(`${cluster}/${pool}`, { cluster, pool });
    if (!this.#draining) {
      this.#draining = this.#drain().finally(() => {
        this.#draining = undefined;
      });
    }
  }

  /** Resolves when every queued pool has been linked (tests). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    // Let the caller's change finish first (one turn), then work the queue pool by pool.
    await new Promise(resolve => setImmediate(resolve));
    while (this.#queue.size && !this.#stopped) {
      const [key, entry] = this.#queue.entries().next().value!;
      this.#queue.delete(key);
      try {
        await this.linkPool(entry.cluster, entry.pool);
      } catch (error) {
        this.#logger.warn(
          'Could not link the requests of a pool to its cluster',
          {
            cluster: entry.cluster,
            pool: entry.pool,
            error: toError(error).message,
          },
        );
      }
    }
  }

  /** Links the newest requests of one pool now; answers the events it recorded. */
  async linkPool(
    cluster: string,
    pool: string,
  ): Promise<LayeringRequestEvent[]> {
    const detail = this.#fleet.getPool(cluster, pool);
    const provenance = this.#source.getPoolProvenance(cluster, pool);
    const key = `${cluster}/${pool}`;
    if (!detail || !provenance || detail.stale) return [];
    const records = (
      await this.#requests.list(cluster, pool, { limit: FOLLOWED_PER_POOL })
    ).filter(r => !isSettled(r));
    if (records.length) this.#active.set(key, { cluster, pool });
    else this.#active.delete(key);
    const recorded: LayeringRequestEvent[] = [];
    for (const record of records) {
      const linked = linkRequest({
        record,
        pool: detail,
        provenance,
        portalManagers: this.#portalManagers,
        now: this.#now(),
      });
      for (const { event, key: eventKey } of linked) {
        const result = await this.#requests.recordEvent(record.id, event, {
          key: eventKey,
        });
        if (result.recorded) {
          recorded.push(event);
          this.#logger.info('Linked a request to its cluster', {
            requestId: record.id,
            cluster,
            pool,
            type: event.type,
            detail: event.detail,
          });
        }
      }
    }
    return recorded;
  }

  /** Stops following; queued pools are dropped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe.forEach(u => u());
    this.#unsubscribe = [];
    if (this.#timer) clearInterval(this.#timer);
    this.#queue.clear();
    await this.idle();
  }
}
