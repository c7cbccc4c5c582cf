/**
 * Check a simulation speed: `0` (instant) or a number of at least 1, where higher is faster
 * (1 = demo pace, 10 = ten times faster). Returns it, or throws a message saying what to use.
 *
 * @remarks
 * `speed` used to multiply every duration, so `0.1` meant ten times faster than demo pace. A value between 0 and 1 would now mean slower than demo pace, the opposite of what
 * an old command line meant, so it is refused rather than read the new way.
 */
export function checkSimulationSpeed(speed: number, name = 'speed'): number {
  if (!Number.isFinite(speed) || speed < 0) {
    throw new Error(
      `${name} must be 0 (instant) or a number of at least 1 (1 = demo pace, 10 = ten times faster), got ${speed}`,
    );
  }
  if (speed > 0 && speed < 1) {
    const faster = Number((1 / speed).toPrecision(6));
    throw new Error(
      `${name} ${speed} is refused: ${name} now reads as a speed, higher is faster (1 = demo pace, ` +
        `10 = ten times faster, 0 = instant). A value below 1 used to mean faster than demo pace; ` +
        `for what ${speed} meant before, use ${faster}.`,
    );
  }
  return speed;
}

/**
 * Runs the simulation's work items in order of their due time.
 *
 * @remarks
 * With `speed` 0 time is virtual: every item still runs asynchronously (one per macrotask, never
 * inside the caller's stack) and in the order its simulated duration puts it, but without
 * waiting. With `speed` 1 or more an item due in `s` simulated seconds runs after `s / speed`
 * real seconds (higher is faster). {@link Scheduler.settle} resolves once nothing is queued or
 * running.
 */
export class Scheduler {
  readonly #speed: number;
  readonly #onError: (error: unknown, label: string) => void;
  #queue: Array<{ due: number; seq: number; label: string; fn: () => void }> = [];
  #seq = 0;
  #virtualNow = 0;
  #handle: { cancel(): void } | undefined;
  #waiters: Array<() => void> = [];
  #stopped = false;

  constructor(speed: number, onError: (error: unknown, label: string) => void) {
    this.#speed = checkSimulationSpeed(speed);
    this.#onError = onError;
  }

  #clock(): number {
    return this.#speed === 0 ? this.#virtualNow : Date.now();
  }

  /** Run `fn` after `seconds` of simulated time (0 = as soon as possible, after queued work due now). */
  after(seconds: number, label: string, fn: () => void): void {
    if (this.#stopped) return;
    const delay = Math.max(0, seconds) * (this.#speed === 0 ? 1 : 1000 / this.#speed);
    const item = { due: this.#clock() + delay, seq: this.#seq++, label, fn };
    let i = this.#queue.length;
    while (i > 0 && this.#queue[i - 1].due > item.due) i--;
    this.#queue.splice(i, 0, item);
    this.#arm();
  }

  /** Resolves when no work is queued (including work queued by work that ran meanwhile). */
  settle(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise(resolve => this.#waiters.push(resolve));
  }

  /** Drop queued work and stop accepting more. */
  stop(): void {
    this.#stopped = true;
    this.#handle?.cancel();
    this.#handle = undefined;
    this.#queue = [];
    this.#release();
  }

  /** Number of queued items (for diagnostics). */
  get pending(): number {
    return this.#queue.length;
  }

  #arm(): void {
    this.#handle?.cancel();
    this.#handle = undefined;
    const next = this.#queue[0];
    if (!next || this.#stopped) return;
    if (this.#speed === 0) {
      const h = setImmediate(() => this.#runNext());
      this.#handle = { cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(() => this.#runNext(), Math.max(0, next.due - Date.now()));
      this.#handle = { cancel: () => clearTimeout(h) };
    }
  }

  #runNext(): void {
    this.#handle = undefined;
    const next = this.#queue[0];
    if (!next) {
      this.#release();
      return;
    }
    if (this.#speed > 0 && next.due > Date.now()) {
      this.#arm();
      return;
    }
    this.#queue.shift();
    if (this.#speed === 0) this.#virtualNow = Math.max(this.#virtualNow, next.due);
    try {
      next.fn();
    } catch (error) {
      this.#onError(error, next.label);
    }
    if (this.#queue.length === 0) this.#release();
    else this.#arm();
  }

  #release(): void {
    if (this.#queue.length > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
