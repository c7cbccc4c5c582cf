import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  emptyFleetStatusCounts,
  fleetStatusOf,
  type LayeringFleetStatusCounts,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringFleetService } from '../FleetService';
import { ScaledFleetService } from '../../scale/ScaledFleetService';
import type { DriftTrendStore } from './DriftTrendStore';

/** Options of {@link DriftTrendRecorder}. */
export interface DriftTrendRecorderOptions {
  fleet: LayeringFleetService;
  store: DriftTrendStore;
  logger: LoggerService;
  /** At most one sample per cluster in this time; default 15 minutes. */
  intervalMs?: number;
  /** Samples older than this are deleted (each cluster's newest one is kept); default 90 days. */
  retentionDays?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
  /**
   * Whether this replica samples a cluster: by default, on a fleet of replicas, only the one
   * that watches the cluster does (from its own watches, not from views shared by another);
   * a fleet of one samples every cluster.
   */
  samples?: (cluster: string) => boolean;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PRUNE_EVERY_MS = 60 * MINUTE;

/** Pool counts per fleet status of one cluster, as the fleet page counts them. */
export function clusterCounts(
  fleet: LayeringFleetService,
  cluster: string,
): LayeringFleetStatusCounts | undefined {
  const view = fleet.getCluster(cluster);
  const pools = fleet.listPools(cluster);
  if (!view || !pools) return undefined;
  const counts = emptyFleetStatusCounts();
  for (const pool of pools) {
    counts[fleetStatusOf(pool, view.status)]++;
  }
  return counts;
}

/**
 * Keeps the drift trend: when a cluster's views change, its pool counts per status are written
 * as a sample if they differ from its newest one, at most once per interval (a change inside the
 * interval is written when it ends, with the counts of then). A cluster still syncing is skipped:
 * its counts are not complete yet.
 *
 * @remarks
 * Replicas sharing one database sample once per interval across the deployment: each samples
 * only the clusters it watches (see `samples`), and the look at the newest sample and the write
 * are one atomic step in the database ({@link DriftTrendStore.addIfDue}), so even two replicas
 * that both think they watch a cluster (a lease changing hands) write it once.
 */
export class DriftTrendRecorder {
  readonly #fleet: LayeringFleetService;
  readonly #store: DriftTrendStore;
  readonly #logger: LoggerService;
  readonly #intervalMs: number;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #samples: (cluster: string) => boolean;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #running = new Map<string, Promise<void>>();
  #unsubscribe?: () => void;
  #lastPrune = 0;

  constructor(options: DriftTrendRecorderOptions) {
    this.#fleet = options.fleet;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 15 * MINUTE;
    this.#retentionMs = (options.retentionDays ?? 90) * DAY;
    this.#now = options.now ?? Date.now;
    const fleet = options.fleet;
    this.#samples =
      options.samples ??
      (fleet instanceof ScaledFleetService ? cluster => fleet.watches(cluster) : () => true);
  }

  /** Starts listening to the fleet, and samples every cluster once. */
  start(): void {
    this.#unsubscribe = this.#fleet.subscribe(change => this.#schedule(change.cluster));
    for (const cluster of this.#fleet.listClusters()) {
      this.#schedule(cluster.name);
    }
  }

  /** Stops listening; waits for writes under way. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#timers.forEach(timer => clearTimeout(timer));
    this.#timers.clear();
    await Promise.all(this.#running.values());
  }

  #schedule(cluster: string): void {
    if (!this.#unsubscribe || this.#timers.has(cluster)) return;
    // Coalesces a burst of changes into one look a moment later.
    const timer = setTimeout(() => {
      this.#timers.delete(cluster);
      void this.sample(cluster);
    }, 1000);
    timer.unref?.();
    this.#timers.set(cluster, timer);
  }

  /**
   * Writes a sample of the cluster when its counts changed and the interval since its newest
   * sample is over; otherwise looks again when the interval ends. Resolves when done.
   */
  async sample(cluster: string): Promise<void> {
    const previous = this.#running.get(cluster);
    // A look under way may have counted before the latest change: look again after it.
    if (previous) return previous.then(() => this.sample(cluster));
    const run = this.#sample(cluster)
      .catch(error => {
        this.#logger.warn('Could not record the drift trend of a cluster', { cluster, error });
      })
      .finally(() => this.#running.delete(cluster));
    this.#running.set(cluster, run);
    return run;
  }

  async #sample(cluster: string): Promise<void> {
    if (!this.#samples(cluster)) return;
    const view = this.#fleet.getCluster(cluster);
    if (!view || view.status === 'syncing') return;
    const counts = clusterCounts(this.#fleet, cluster);
    if (!counts) return;
    const now = this.#now();
    const result = await this.#store.addIfDue(
      { cluster, at: new Date(now).toISOString(), counts },
      this.#intervalMs,
    );
    if (!result.written) {
      if (result.dueAt !== undefined) this.#later(cluster, result.dueAt - now);
      return;
    }
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      const deleted = await this.#store.prune(new Date(now - this.#retentionMs).toISOString());
      if (deleted > 0) {
        this.#logger.info('Deleted drift trend samples past their retention', { deleted });
      }
    }
  }

  #later(cluster: string, delayMs: number): void {
    if (!this.#unsubscribe) return;
    const existing = this.#timers.get(cluster);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.#timers.delete(cluster);
      void this.sample(cluster);
    }, delayMs);
    timer.unref?.();
    this.#timers.set(cluster, timer);
  }
}
