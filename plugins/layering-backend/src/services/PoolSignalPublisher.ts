import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  LAYERING_FLEET_CHANNEL,
  layeringPoolChannel,
  type LayeringFleetSignal,
  type LayeringPoolSignal,
} from '@rhcos-layering/plugin-layering-common';
import type { FleetChange, LayeringFleetService } from './FleetService';


/**
 * Publishes a signal when a pool view changes, on `layering:pool:<cluster>/<pool>`
 * and `layering:fleet`. Changes are collected for `debounceMs` and sent once
 * per channel, so a rolling pool does not flood the browsers.
 */
export class PoolSignalPublisher {
  readonly #signals: SignalsService;
  readonly #logger: LoggerService;
  readonly #debounceMs: number;
  readonly #pending = new Map<string, Set<string>>();
  #clustersChanged = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(options: { signals: SignalsService; logger: LoggerService; debounceMs?: number }) {
    this.#signals = options.signals;
    this.#logger = options.logger;
    this.#debounceMs = options.debounceMs ?? 1000;
  }

  /** Starts listening to the fleet's changes. */
  attach(fleet: LayeringFleetService): void {
    this.#unsubscribe = fleet.subscribe(change => this.#collect(change));
  }

  /** Tells the pool's page that something of the pool changed outside its view (its requests). */
  announce(cluster: string, pool: string): void {
    this.#collect({ cluster, pools: [pool], clusterChanged: false, initial: false });
  }

  #collect(change: FleetChange) {
    let pools = this.#pending.get(change.cluster);
    if (!pools) {
      pools = new Set();
      this.#pending.set(change.cluster, pools);
    }
    // The first views of a cluster interest no pool page yet (nobody has seen them): one fleet
    // signal says the cluster's pools are there, instead of one signal per pool.
    if (!change.initial) {
      change.pools.forEach(p => pools!.add(p));
    }
    if (change.clusterChanged || change.initial) this.#clustersChanged.add(change.cluster);
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch(error =>
          this.#logger.warn('Cannot publish layering signals', { error: String(error) }),
        );
      }, this.#debounceMs);
    }
  }

  /** Sends what was collected. */
  async flush(): Promise<void> {
    const pending = [...this.#pending.entries()];
    const clusters = this.#clustersChanged;
    this.#pending.clear();
    this.#clustersChanged = new Set();
    const messages: Array<Promise<void>> = [];
    const changedPools: Array<{ cluster: string; pool: string }> = [];
    for (const [cluster, pools] of pending) {
      for (const pool of pools) {
        changedPools.push({ cluster, pool });
        messages.push(
          this.#signals.publish({
            recipients: { type: 'broadcast' },
            channel: layeringPoolChannel(cluster, pool),
            message: { type: 'pool-changed', cluster, pool } satisfies LayeringPoolSignal,
          }),
        );
      }
    }
    if (changedPools.length > 0 || clusters.size > 0) {
      messages.push(
        this.#signals.publish({
          recipients: { type: 'broadcast' },
          channel: LAYERING_FLEET_CHANNEL,
          message: {
            type: 'fleet-changed',
            clusters: [...new Set([...clusters, ...changedPools.map(p => p.cluster)])],
            pools: changedPools.slice(0, 200).map(p => `${p.cluster}/${p.pool}`),
          } satisfies LayeringFleetSignal,
        }),
      );
    }
    await Promise.all(messages);
  }

  /** Stops listening and drops what was not sent. */
  detach(): void {
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
