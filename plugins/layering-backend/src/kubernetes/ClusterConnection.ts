import { createClusterAccess } from '@rhcos-layering/plugin-layering-node';
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import type { ClusterSpec } from './clusterConfig';

/** How a request to a cluster failed, as the cluster status reports it. */
export type ClusterErrorKind =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'gone'
  | 'not-found'
  | 'throttled'
  | 'error';

/**
 * A failed request to a cluster. Carries no request headers, so the token can
 * never leak through it.
 */
export class ClusterRequestError extends Error {
  readonly kind: ClusterErrorKind;
  readonly statusCode?: number;
  /** Server-requested delay (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    kind: ClusterErrorKind,
    options: { statusCode?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ClusterRequestError';
    this.kind = kind;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function kindForStatus(status: number): ClusterErrorKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 410:
      return 'gone';
    case 429:
      return 'throttled';
    default:
      return 'error';
  }
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) {
    return undefined;
  }
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** A watch event as the API server streams it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/** Counters of the requests a connection made (the benchmark reads them). */
export interface ConnectionStats {
  lists: number;
  watches: number;
  gets: number;
}

/** Options of {@link ClusterConnection.create}. */
export interface ClusterConnectionOptions {
  /** Time limit of a plain request (list page, discovery), in ms. */
  requestTimeoutMs?: number;
}

/**
 * One connection to one cluster with its read-only credential: TLS material and authorization
 * from `@rhcos-layering/plugin-layering-node` (a client-node `KubeConfig`), and one keep-alive
 * agent that every list and watch of that cluster goes through.
 *
 * @remarks
 * Requests are raw HTTP rather than client-node's generated APIs or its
 * `Watch`/`ListWatch`: the informers need paged lists (`limit`/`continue`),
 * the response status and body of failed watches (410 Gone, 401, 403,
 * Retry-After), client-side time limits for slow clusters, and the raw
 * objects to project before anything is kept. client-node still decides the
 * TLS material (`caData`, `caFile`, `skipTLSVerify`, client certificates), so
 * its handling is the same as the actions' and the Kubernetes plugin's. The
 * `Authorization` header is asked for per request, so a rotated token file is
 * picked up by the next list or watch.
 */
export class ClusterConnection {
  readonly name: string;
  readonly stats: ConnectionStats = { lists: 0, watches: 0, gets: 0 };
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #authorization: () => Promise<string | undefined>;
  readonly #requestTimeoutMs: number;
  readonly #client: typeof http | typeof https;

  private constructor(options: {
    name: string;
    base: URL;
    agent: http.Agent;
    authorization: () => Promise<string | undefined>;
    requestTimeoutMs: number;
  }) {
    this.name = options.name;
    this.#base = options.base;
    this.#agent = options.agent;
    this.#authorization = options.authorization;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#client = options.base.protocol === 'http:' ? http : https;
  }

  /** Builds the connection; throws with a readable message when the settings are unusable. */
  static async create(
    spec: ClusterSpec,
    options: ClusterConnectionOptions = {},
  ): Promise<ClusterConnection> {
    // Watches always read with the reader, never with the writer.
    const access = createClusterAccess(spec, { role: 'reader' });
    const tls = await access.tls();
    const base = new URL(spec.url);
    const agentOptions: https.AgentOptions = { keepAlive: true, maxSockets: 16, ...tls };
    const agent =
      base.protocol === 'http:' ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
    return new ClusterConnection({
      name: spec.name,
      base,
      agent,
      authorization: () => access.authorization(),
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    });
  }

  async #headers(): Promise<Record<string, string>> {
    let authorization: string | undefined;
    try {
      authorization = await this.#authorization();
    } catch (error) {
      // A token file that cannot be read: the message names the file, never a token.
      throw new ClusterRequestError(
        `Cannot authenticate to cluster ${this.name}: ${(error as Error).message}`,
        'unauthorized',
      );
    }
    return authorization
      ? { Accept: 'application/json', Authorization: authorization }
      : { Accept: 'application/json' };
  }

  #url(path: string, query: Record<string, string | number | boolean | undefined> = {}): URL {
    const basePath = this.#base.pathname.replace(/\/$/, '');
    const url = new URL(this.#base.toString());
    url.pathname = `${basePath}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    return url;
  }

  #networkError(error: Error): ClusterRequestError {
    const code = (error as NodeJS.ErrnoException).code;
    return new ClusterRequestError(
      `Cannot reach cluster ${this.name}: ${code ?? error.message}`,
      'unreachable',
    );
  }

  #statusError(status: number, body: string, headers: http.IncomingHttpHeaders) {
    let message = '';
    try {
      const parsed = JSON.parse(body);
      if (parsed && typeof parsed.message === 'string') {
        message = parsed.message;
      }
    } catch {
      // Not a Kubernetes Status object; the status code says enough.
    }
    const reason = message ? `: ${message.slice(0, 300)}` : '';
    return new ClusterRequestError(
      `Cluster ${this.name} answered ${status}${reason}`,
      kindForStatus(status),
      { statusCode: status, retryAfterMs: parseRetryAfter(headers['retry-after']) },
    );
  }

  /** GET a path and parse the JSON answer. */
  async getJson<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    purpose: 'list' | 'get' = 'get',
  ): Promise<T> {
    if (purpose === 'list') {
      this.stats.lists += 1;
    } else {
      this.stats.gets += 1;
    }
    const url = this.#url(path, query);
    const headers = await this.#headers();
    return new Promise<T>((resolve, reject) => {
      const req = this.#client.request(
        url,
        { method: 'GET', agent: this.#agent, headers },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', error => reject(this.#networkError(error)));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              reject(this.#statusError(status, body, res.headers));
              return;
            }
            try {
              resolve(JSON.parse(body) as T);
            } catch {
              reject(
                new ClusterRequestError(
                  `Cluster ${this.name} answered ${path} with something that is not JSON`,
                  'error',
                ),
              );
            }
          });
        },
      );
      req.setTimeout(this.#requestTimeoutMs, () => {
        req.destroy(
          new ClusterRequestError(
            `Cluster ${this.name} did not answer within ${this.#requestTimeoutMs} ms`,
            'unreachable',
          ),
        );
      });
      req.on('error', error =>
        reject(error instanceof ClusterRequestError ? error : this.#networkError(error)),
      );
      req.end();
    });
  }

  /**
   * Opens a watch and streams its events until the server ends it (resolves),
   * the stream fails or goes silent for `idleTimeoutMs` (rejects), or `signal`
   * aborts it (resolves).
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    handlers: { onOpen(): void; onEvent(event: WatchEvent): void },
    options: { idleTimeoutMs: number; signal: AbortSignal },
  ): Promise<void> {
    this.stats.watches += 1;
    const url = this.#url(path, { ...query, watch: 1 });
    const headers = await this.#headers();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let req: http.ClientRequest | undefined = undefined;
      const abort = { listener: () => {} };
      const finish = (error?: Error) => {
        if (settled) {
          return;
        }
        settled = true;
        options.signal.removeEventListener('abort', abort.listener);
        req?.destroy();
        if (error) {
          reject(error);
        } else {
          resolve();
        }
      };
      abort.listener = () => finish();
      req = this.#client.request(
        url,
        { method: 'GET', agent: this.#agent, headers },
        res => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              finish(this.#statusError(status, Buffer.concat(chunks).toString('utf8'), res.headers)),
            );
            res.on('error', error => finish(this.#networkError(error)));
            return;
          }
          handlers.onOpen();
          const lines = createInterface({ input: res, crlfDelay: Infinity });
          // The stream's own errors are handled below; readline re-emits them.
          lines.on('error', () => {});
          lines.on('line', line => {
            if (settled || !line.trim()) {
              return;
            }
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              finish(
                new ClusterRequestError(
                  `Cluster ${this.name} sent a watch event that is not JSON`,
                  'error',
                ),
              );
              return;
            }
            try {
              handlers.onEvent(event);
            } catch (error) {
              finish(error as Error);
            }
          });
          res.on('error', error => finish(this.#networkError(error)));
          res.on('end', () => finish());
          res.on('close', () => finish());
        },
      );
      // Idle limit: the server sends bookmarks and closes the watch at timeoutSeconds, so a
      // silent socket past that means the cluster hangs.
      req.setTimeout(options.idleTimeoutMs, () => {
        finish(
          new ClusterRequestError(
            `Watch on cluster ${this.name} went silent for ${options.idleTimeoutMs} ms`,
            'unreachable',
          ),
        );
      });
      req.on('error', error => {
        if (error instanceof ClusterRequestError) {
          finish(error);
        } else {
          finish(this.#networkError(error));
        }
      });
      if (options.signal.aborted) {
        finish();
        return;
      }
      options.signal.addEventListener('abort', abort.listener);
      req.end();
    });
  }

  /** Closes the sockets of this connection. */
  close(): void {
    this.#agent.destroy();
  }
}
