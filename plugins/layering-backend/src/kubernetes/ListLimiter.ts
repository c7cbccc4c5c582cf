/**
 * Bounds how many list requests run at once across every cluster, so a cold
 * start (or every cluster coming back at once) neither floods the API servers
 * nor holds dozens of large list pages in memory at the same time.
 */
export class ListLimiter {
  readonly #max: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /**
   * Waits for a slot; call the returned function when the list is done. Rejects when `signal`
   * aborts first (a stopped informer leaves the queue at once instead of waiting its turn).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new Error('The list was abandoned');
    if (this.#running >= this.#max) {
      await new Promise<void>((resolve, reject) => {
        const waiter = () => {
          // eslint-disable-next-line @typescript-eslint/no-use-before-define
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const index = this.#waiting.indexOf(waiter);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(new Error('The list was abandoned'));
        };
        this.#waiting.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      this.#running += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) {
        // The slot passes straight to the next waiter.
        next();
      } else {
        this.#running -= 1;
      }
    };
  }
}
