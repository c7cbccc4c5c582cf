/** Lists at once over every cluster unless `layering.informers.listConcurrency` says otherwise. */
export const DEFAULT_LIST_CONCURRENCY = 32;

/** Lists at once against one cluster unless `layering.informers.listConcurrencyPerCluster` says otherwise. */
export const DEFAULT_LIST_CONCURRENCY_PER_CLUSTER = 2;

/** Options of a {@link ListLimiter}. */
export interface ListLimiterOptions {
  /**
   * Lists that may run at once against one cluster (each cluster is its own API server).
   * Default: no bound of its own (only the global one).
   */
  perCluster?: number;
}

/** A list waiting for its slot. */
interface Waiter {
  cluster: string | undefined;
  /** The order of the waiter's handle: lists of older handles go first. */
  order: number;
  grant(): void;
}

/** What every handle of one limiter shares. */
interface LimiterState {
  max: number;
  perCluster: number;
  running: number;
  byCluster: Map<string, number>;
  /** Sorted by handle order, then arrival. */
  waiting: Waiter[];
  /** The order the next handle gets. */
  nextOrder: number;
}

/**
 * Bounds how many list requests run at once: over every cluster, so a cold start (or every
 * cluster coming back at once) does not hold dozens of large list pages in memory at the same
 * time, and per cluster, so no API server gets more than a few lists at once however many
 * global slots are free.
 *
 * @remarks
 * A slot that frees goes to the first waiting list whose cluster is under its own bound, so a
 * cluster with several lists queued does not hold up the others. Waiting lists are served by
 * cluster, in the order the clusters' handles were made ({@link ListLimiter.forCluster}, as the
 * fleet adds them), then in arrival order: when hundreds of clusters start at once (a cold
 * start, or a takeover of another replica's clusters) each one finishes its lists before the
 * next ones start theirs, so its views turn complete one cluster after another instead of all
 * at the very end, and the lists of one cluster end close together (one rebuild of its views
 * instead of one per list). A list through the limiter itself counts against the global bound
 * only, and goes before those of every cluster.
 */
export class ListLimiter {
  // Set once, by the constructor or by forCluster on the handle it makes.
  #state: LimiterState;
  #cluster: string | undefined;
  #order = 0;

  constructor(max: number, options: ListLimiterOptions = {}) {
    this.#state = {
      max: Math.max(1, Math.floor(max)),
      perCluster: Math.max(1, Math.floor(options.perCluster ?? Infinity)),
      running: 0,
      byCluster: new Map(),
      waiting: [],
      nextOrder: 1,
    };
  }

  /** The global bound. */
  get max(): number {
    return this.#state.max;
  }

  /** The bound per cluster (`Infinity` when there is none). */
  get perCluster(): number {
    return this.#state.perCluster;
  }

  /** Lists running now, over every cluster (tests, benchmark). */
  get running(): number {
    return this.#state.running;
  }

  /** Lists waiting for a slot now, over every cluster (tests, benchmark). */
  get waiting(): number {
    return this.#state.waiting.length;
  }

  /** A handle whose lists count against `cluster`'s bound too; it shares the global slots. */
  forCluster(cluster: string): ListLimiter {
    const handle = new ListLimiter(1);
    handle.#state = this.#state;
    handle.#cluster = cluster;
    handle.#order = this.#state.nextOrder++;
    return handle;
  }

  #canRun(cluster: string | undefined): boolean {
    const state = this.#state;
    if (state.running >= state.max) return false;
    return (
      cluster === undefined ||
      (state.byCluster.get(cluster) ?? 0) < state.perCluster
    );
  }

  #take(cluster: string | undefined) {
    const state = this.#state;
    state.running += 1;
    if (cluster !== undefined)
      state.byCluster.set(cluster, (state.byCluster.get(cluster) ?? 0) + 1);
  }

  #give(cluster: string | undefined) {
    const state = this.#state;
    state.running -= 1;
    if (cluster !== undefined) {
      const left = (state.byCluster.get(cluster) ?? 1) - 1;
      if (left > 0) state.byCluster.set(cluster, left);
      else state.byCluster.delete(cluster);
    }
    // Hand the freed slots on: to the first waiters whose cluster is under its bound.
    for (let i = 0; i < state.waiting.length && state.running < state.max; ) {
      const waiter = state.waiting[i];
      if (this.#canRun(waiter.cluster)) {
        state.waiting.splice(i, 1);
        this.#take(waiter.cluster);
        waiter.grant();
      } else {
        i += 1;
      }
    }
  }

  /**
   * Waits for a slot; call the returned function when the list is done. Rejects when `signal`
   * aborts first (a stopped informer leaves the queue at once instead of waiting its turn).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new Error('The list was abandoned');
    const cluster = this.#cluster;
    if (this.#canRun(cluster)) {
      // Free slots with lists waiting means each of those waits for its own cluster only.
      this.#take(cluster);
    } else {
      const waiting = this.#state.waiting;
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          cluster,
          order: this.#order,
          grant: () => {
            // eslint-disable-next-line @typescript-eslint/no-use-before-define
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
          reject(new Error('The list was abandoned'));
        };
        // After every waiter of this handle's order or an older one (usually the end).
        let index = waiting.length;
        while (index > 0 && waiting[index - 1].order > waiter.order) index -= 1;
        waiting.splice(index, 0, waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#give(cluster);
    };
  }
}
