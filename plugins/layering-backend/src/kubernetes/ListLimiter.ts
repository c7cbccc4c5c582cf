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

  /** Waits for a slot; call the returned function when the list is done. */
  async acquire(): Promise<() => void> {
    if (this.#running >= this.#max) {
      await new Promise<void>(resolve => this.#waiting.push(resolve));
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
