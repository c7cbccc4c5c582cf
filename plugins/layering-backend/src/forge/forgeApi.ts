import {
  DefaultGithubCredentialsProvider,
  type ScmIntegrations,
} from '@backstage/integration';
import { parsePullRequestUrl, type PullRequestRef } from './pullRequestRef';
import {
  githubPullEvents,
  gitlabMergeRequestEvents,
  type ForgeObservation,
} from './observations';

/** The forge refused for now (403 or 429, or its rate limit is spent): wait `retryAfterMs`, when it said. */
export class ForgeThrottledError extends Error {
  readonly status: number;
  readonly retryAfterMs?: number;
  constructor(host: string, status: number, waitMs?: number) {
    super(`${host} answered ${status}`);
    this.name = 'ForgeThrottledError';
    this.status = status;
    this.retryAfterMs = waitMs;
  }
}

/** The forge's rate limit is spent until the given time (it said so in a successful answer). */
export interface RateLimitState {
  /** Epoch ms until which the host should not be asked again, when the last answer said so. */
  exhaustedUntil?: number;
}

/**
 * How long the forge asked us to wait, from `Retry-After` (seconds or a date) or, with
 * `x-ratelimit-remaining: 0`, from `x-ratelimit-reset` (epoch seconds).
 */
export function retryAfterMs(
  headers: Headers,
  now: number,
): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0)
      return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/** Reads the current state of one pull or merge request from its forge's REST API. */
export class ForgeApi {
  readonly #integrations: ScmIntegrations;
  readonly #github: DefaultGithubCredentialsProvider;
  readonly #now: () => number;

  constructor(options: { integrations: ScmIntegrations; now?: () => number }) {
    this.#integrations = options.integrations;
    this.#github = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
    this.#now = options.now ?? Date.now;
  }

  /** True when the portal has an integration for the host (only those hosts are asked). */
  knows(ref: PullRequestRef): boolean {
    return ref.forge === 'github'
      ? Boolean(this.#integrations.github.byHost(ref.host))
      : Boolean(this.#integrations.gitlab.byHost(ref.host));
  }

  /**
   * The observation of the pull request now, and the host's rate limit state. Throws
   * {@link ForgeThrottledError} on 403 and 429, another error on any other failure.
   */
  async observe(
    ref: PullRequestRef,
  ): Promise<{ observation: ForgeObservation; rateLimit: RateLimitState }> {
    return ref.forge === 'github'
      ? this.#githubPull(ref)
      : this.#gitlabMergeRequest(ref);
  }

  async #get(host: string, url: string, headers: Record<string, string>) {
    const response = await fetch(url, {
      headers: { accept: 'application/json', ...headers },
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
    const now = this.#now();
    if (response.status === 403 || response.status === 429) {
      await response.body?.cancel();
      throw new ForgeThrottledError(
        host,
        response.status,
        retryAfterMs(response.headers, now),
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${host} answered ${response.status} for a pull request`);
    }
    const wait = retryAfterMs(response.headers, now);
    const rateLimit: RateLimitState =
      response.headers.get('x-ratelimit-remaining') === '0' &&
      wait !== undefined
        ? { exhaustedUntil: now + wait }
        : {};
    return { body: (await response.json()) as unknown, rateLimit };
  }

  async #githubPull(ref: PullRequestRef) {
    const integration = this.#integrations.github.byHost(ref.host);
    if (!integration) throw new Error(`no GitHub integration for ${ref.host}`);
    const [owner, repo] = ref.project.split('/');
    const { headers } = await this.#github.getCredentials({
      url: `https://${ref.host}/${owner}/${repo}`,
    });
    const api = integration.config.apiBaseUrl ?? 'https://api.github.com';
    const base = `${api.replace(/\/+$/, '')}/repos/${encodeURIComponent(
      owner,
    )}/${encodeURIComponent(repo)}/pulls/${ref.number}`;
    const pr = await this.#get(ref.host, base, headers ?? {});
    const body = pr.body as Record<string, unknown>;
    const reviews = await this.#get(
      ref.host,
      `${base}/reviews?per_page=100`,
      headers ?? {},
    );
    const events = githubPullEvents(body);
    const merged = events.filter(e => e.type !== 'opened');
    const approvals = (Array.isArray(reviews.body) ? reviews.body : [])
      .map(r => r as Record<string, unknown>)
      .filter(r => String(r.state).toLowerCase() === 'approved')
      .map(r => {
        const user = (r.user ?? {}) as Record<string, unknown>;
        const at =
          typeof r.submitted_at === 'string'
            ? r.submitted_at
            : new Date(this.#now()).toISOString();
        return {
          type: 'approved' as const,
          at: new Date(at).toISOString(),
          ...(typeof user.login === 'string'
            ? { by: `github:${user.login}` }
            : {}),
          ...(typeof r.html_url === 'string' ? { url: r.html_url } : {}),
        };
      });
    const url =
      typeof body.html_url === 'string'
        ? body.html_url
        : `https://${ref.host}/${ref.project}/pull/${ref.number}`;
    return {
      observation: {
        pullRequest: parsePullRequestUrl(url) ?? ref,
        url,
        events: [events[0], ...approvals, ...merged],
        source: 'poll' as const,
      },
      rateLimit: reviews.rateLimit.exhaustedUntil
        ? reviews.rateLimit
        : pr.rateLimit,
    };
  }

  async #gitlabMergeRequest(ref: PullRequestRef) {
    const integration = this.#integrations.gitlab.byHost(ref.host);
    if (!integration) throw new Error(`no GitLab integration for ${ref.host}`);
    const token = integration.config.token;
    const headers: Record<string, string> = token
      ? { 'private-token': token }
      : {};
    const base = `${integration.config.apiBaseUrl.replace(
      /\/+$/,
      '',
    )}/projects/${encodeURIComponent(ref.project)}/merge_requests/${
      ref.number
    }`;
    const mr = await this.#get(ref.host, base, headers);
    const approvals = await this.#get(ref.host, `${base}/approvals`, headers);
    const approvedBy = (
      approvals.body as {
        approved_by?: Array<{ user?: { username?: string } }>;
      }
    ).approved_by;
    const approvers = (approvedBy ?? [])
      .map(a => a.user?.username)
      .filter((u): u is string => typeof u === 'string');
    const body = mr.body as Record<string, unknown>;
    const url =
      typeof body.web_url === 'string'
        ? body.web_url
        : `https://${ref.host}/${ref.project}/-/merge_requests/${ref.number}`;
    return {
      observation: {
        pullRequest: ref,
        url,
        events: gitlabMergeRequestEvents(
          body,
          approvers,
          () => new Date(this.#now()),
        ),
        source: 'poll' as const,
      },
      rateLimit: approvals.rateLimit.exhaustedUntil
        ? approvals.rateLimit
        : mr.rateLimit,
    };
  }
}
