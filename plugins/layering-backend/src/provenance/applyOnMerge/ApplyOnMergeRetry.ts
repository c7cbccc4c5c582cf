import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { ProvenanceRequestStore } from '../ProvenanceLinker';
import type { ApplyOnMerge, ApplyOnceResult } from './ApplyOnMerge';

/** What one pass of {@link ApplyOnMergeRetry} did, per result. */
export type ApplyRetryPass = Record<ApplyOnceResult, number>;

/**
 * Catches up with merges apply on merge missed: the portal was down when the merge was recorded
 * (or stopped while applying), or the forge or the cluster did not answer. On start and then
 * every `intervalMs` it takes the requests merged by pull request and not applied yet, of the
 * clusters with `applyOnMerge`, and applies each through {@link ApplyOnMerge.applyOnce}: the
 * same checks, dry run and audit as at the merge, server-side apply (so nothing changes twice),
 * and a database claim per request, so one replica at a time works on it. Failures wait a
 * back-off; refusals (not the request's own layering content, no writer) wait for a person.
 * The pass on start does not wait for back-offs: a restart is often what fixed things.
 */
export class ApplyOnMergeRetry {
  readonly #applier: ApplyOnMerge;
  readonly #requests: ProvenanceRequestStore;
  readonly #logger: LoggerService;
  readonly #intervalMs: number;
  readonly #initialDelayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ApplyRetryPass> | undefined;
  #stopped = false;

  constructor(options: {
    applier: ApplyOnMerge;
    requests: ProvenanceRequestStore;
    logger: LoggerService;
    /** Between passes. Default one minute. */
    intervalMs?: number;
    /** Before the pass on start. Default 5 seconds. */
    initialDelayMs?: number;
  }) {
    this.#applier = options.applier;
    this.#requests = options.requests;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#initialDelayMs = options.initialDelayMs ?? 5_000;
  }

  /** Starts the passes: the first after the initial delay, then one per interval. */
  start(): void {
    const pass = (ignoreBackoff: boolean) => {
      if (this.#stopped || this.#running) return;
      this.run({ ignoreBackoff })
        .catch(error =>
          this.#logger.warn('Apply on merge could not look for missed merges', {
            error: toError(error).message,
          }),
        )
        .finally(() => {
          if (this.#stopped) return;
          this.#timer = setTimeout(() => pass(false), this.#intervalMs);
          this.#timer.unref?.();
        });
    };
    this.#timer = setTimeout(() => pass(true), this.#initialDelayMs);
    this.#timer.unref?.();
  }

  /** One pass over the merged requests not applied yet; concurrent calls share one pass. */
  run(options: { ignoreBackoff?: boolean } = {}): Promise<ApplyRetryPass> {
    if (!this.#running) {
      this.#running = this.#pass(options).finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  async #pass(options: { ignoreBackoff?: boolean }): Promise<ApplyRetryPass> {
    const done: ApplyRetryPass = {
      applied: 0,
      skipped: 0,
      failed: 0,
      refused: 0,
    };
    for (const record of await this.#requests.listMerged({ limit: 200 })) {
      if (this.#stopped) break;
      if (!this.#applier.wants(record)) continue;
      const merged = [...(record.events ?? [])]
        .reverse()
        .find(e => e.type === 'merged');
      if (!merged) continue;
      const result = await this.#applier.applyOnce(record, merged, options);
      done[result] += 1;
      if (result !== 'skipped') {
        this.#logger.info('Apply on merge tried a merge it had missed', {
          request: record.id,
          cluster: record.cluster,
          pool: record.pool,
          result,
        });
      }
    }
    return done;
  }

  /** Stops the passes; a pass under way finishes its current request. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
