import type { StoreEvent } from './types';
import type { HistoryEntry } from './ObjectStore';

/**
 * The bounded event history watches resume from: the newest `size` events by resourceVersion,
 * and the oldest resourceVersion a watch may still resume from.
 */
export class EventHistory {
  readonly #entries: HistoryEntry[] = [];
  readonly #size: number;
  /** Oldest resourceVersion a watch may resume from. */
  #compactedRv = 1;

  constructor(size: number) {
    this.#size = size;
  }

  /** Record an event (its object carries the new resourceVersion); drop the oldest beyond the size. */
  push(event: StoreEvent): void {
    const rv = Number(event.object.metadata.resourceVersion);
    this.#entries.push({ rv, event });
    if (this.#entries.length > this.#size) {
      const drop = this.#entries.length - this.#size;
      this.#compactedRv = this.#entries[drop - 1].rv;
      this.#entries.splice(0, drop);
    }
  }

  /**
   * Events after `resourceVersion` (exclusive), oldest first, or `'expired'` when the history no
   * longer reaches back that far. `currentRv` is the store's latest resourceVersion.
   */
  since(resourceVersion: number, currentRv: number): HistoryEntry[] | 'expired' {
    if (resourceVersion < this.#compactedRv) {
      return 'expired';
    }
    const first = this.#entries[0];
    if (first && resourceVersion < first.rv - 1 && resourceVersion < currentRv) {
      return 'expired';
    }
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#entries[mid].rv <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.#entries.slice(lo);
  }

  /** Forget every event: every resourceVersion older than `currentRv` becomes too old. */
  expire(currentRv: number): void {
    this.#entries.length = 0;
    this.#compactedRv = currentRv;
  }
}
