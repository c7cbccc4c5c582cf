import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { LayeringRequestStore } from '../services/RequestStore';
import { ForgeThrottledError, type ForgeApi } from './forgeApi';
import type { ForgeRecorder } from './ForgeRecorder';
import { parsePullRequestUrl, type PullRequestRef } from './pullRequestRef';

/** Back-off after a 403 or 429 without `Retry-After`: doubles from the base up to the cap. */
export interface ForgeBackoff {
  baseMs: number;
  capMs: number;
}

const DEFAULT_BACKOFF: ForgeBackoff = { baseMs: 60_000, capMs: 60 * 60_000 };

interface HostState {
  /** Epoch ms before which the host is not asked. */
  until: number;
  /** 403/429 answers in a row. */
  failures: number;
}

/** What one poll did, for the logs and the tests. */
export interface ForgePollResult {
  checked: number;
  recorded: number;
  /** Pull requests not asked about because their host is backing off. */
  deferred: number;
  failed: number;
}

/**
 * The fallback for installs without webhooks: asks the forge about every pull request still
 * open in the request history and records what changed, per host respecting the forge's rate
 * limit (`Retry-After`, `x-ratelimit-remaining`/`x-ratelimit-reset`) and backing off
 * exponentially, capped, on 403 and 429.
 */
export class ForgePoller {
  readonly #requests: LayeringRequestStore;
  readonly #api: ForgeApi;
  readonly #recorder: ForgeRecorder;
  readonly #logger: LoggerService;
  readonly #now: () => number;
  readonly #backoff: ForgeBackoff;
  readonly #hosts = new Map<string, HostState>();

  constructor(options: {
    requests: LayeringRequestStore;
    api: ForgeApi;
    recorder: ForgeRecorder;
    logger: LoggerService;
    now?: () => number;
    backoff?: Partial<ForgeBackoff>;
  }) {
    this.#requests = options.requests;
    this.#api = options.api;
    this.#recorder = options.recorder;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /** Epoch ms until which a host is backing off, if it is. */
  backingOffUntil(host: string): number | undefined {
    const state = this.#hosts.get(host);
    return state && state.until > this.#now() ? state.until : undefined;
  }

  /** One poll: every open pull request once (several requests may share one). */
  async run(): Promise<ForgePollResult> {
    const result: ForgePollResult = {
      checked: 0,
      recorded: 0,
      deferred: 0,
      failed: 0,
    };
    const seen = new Map<string, PullRequestRef>();
    for (const record of await this.#requests.listOpenPullRequests()) {
      const ref = parsePullRequestUrl(record.pullRequestUrl);
      if (!ref) continue;
      seen.set(`${ref.host}/${ref.project.toLowerCase()}#${ref.number}`, ref);
    }
    for (const ref of seen.values()) {
      if (!this.#api.knows(ref)) {
        this.#logger.debug(
          'No integration for the host of a pull request; not polled',
          {
            host: ref.host,
          },
        );
        continue;
      }
      if (this.backingOffUntil(ref.host) !== undefined) {
        result.deferred += 1;
        continue;
      }
      try {
        const { observation, rateLimit } = await this.#api.observe(ref);
        result.checked += 1;
        this.#hosts.set(ref.host, {
          until: rateLimit.exhaustedUntil ?? 0,
          failures: 0,
        });
        result.recorded += await this.#recorder.record(observation);
      } catch (error) {
        result.failed += 1;
        if (error instanceof ForgeThrottledError) {
          const failures = (this.#hosts.get(ref.host)?.failures ?? 0) + 1;
          const wait =
            error.retryAfterMs ??
            Math.min(
              this.#backoff.capMs,
              this.#backoff.baseMs * 2 ** (failures - 1),
            );
          this.#hosts.set(ref.host, { until: this.#now() + wait, failures });
          this.#logger.warn(
            'Forge refused the pull request poll; backing off',
            {
              host: ref.host,
              status: error.status,
              waitSeconds: Math.round(wait / 1000),
            },
          );
        } else {
          this.#logger.warn('Could not poll a pull request', {
            host: ref.host,
            project: ref.project,
            number: ref.number,
            error: toError(error).message,
          });
        }
      }
    }
    return result;
  }
}
