import { promises as dns } from 'node:dns';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { refuseRestricted } from './destinationCheck';
import { describeRead, type Endpoint } from './endpoints';
import { createGuardedAgent } from './guardedAgent';
import { TokenChallenge } from './tokenChallenge';
import {
  RegistryError,
  type RegistryClientOptions,
  type RegistryFetch,
  type RegistryResponse,
} from './types';

const MAX_REDIRECTS = 5;

/** What the transport takes from the client's options. */
export type TransportOptions = Pick<
  RegistryClientOptions,
  'logger' | 'lookup' | 'fetch'
> & { timeoutMs: number };

/**
 * The HTTP side of the registry client: sends each request through the right
 * dispatcher with a time limit, answers auth challenges, follows redirects by
 * hand, and reads bodies within a size limit.
 */
export class RegistryTransport {
  readonly #logger?: RegistryClientOptions['logger'];
  readonly #timeoutMs: number;
  readonly #fetch: RegistryFetch;
  /** Connections to configured mirrors, which are trusted as written. */
  readonly #direct: Dispatcher;
  /** Connections to every other destination, each judged when it opens. */
  readonly #guarded: Dispatcher;
  readonly #challenge: TokenChallenge;

  constructor(options: TransportOptions) {
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs;
    const lookup =
      options.lookup ??
      (async (host: string) =>
        (await dns.lookup(host, { all: true, verbatim: true })).map(
          a => a.address,
        ));
    this.#fetch = options.fetch ?? ((url, init) => undiciFetch(url, init));
    this.#direct = new Agent({ connect: { timeout: this.#timeoutMs } });
    this.#guarded = createGuardedAgent({
      lookup: async host => {
        let addresses: string[];
        try {
          addresses = await lookup(host);
        } catch {
          throw new RegistryError('network', `Cannot resolve ${host}.`);
        }
        if (!addresses.length) {
          throw new RegistryError(
            'network',
            `Cannot resolve ${host}: it has no addresses.`,
          );
        }
        return addresses;
      },
      check: refuseRestricted,
      connectTimeoutMs: this.#timeoutMs,
    });
    this.#challenge = new TokenChallenge(this);
  }

  /** Sends one GET; `trusted` connections skip the destination check. */
  async send(
    url: URL,
    init: { headers: Record<string, string> },
    trusted: boolean,
  ): Promise<RegistryResponse> {
    if (!trusted) {
      // Addresses and reserved names written in the URL are refused before any
      // request (no DNS involved); names are judged when the connection opens.
      const refusal = refuseRestricted(url.hostname.replace(/^\[|\]$/g, ''));
      if (refusal) throw refusal;
    }
    try {
      return await this.#fetch(url, {
        method: 'GET',
        headers: init.headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
        // Every connection to a destination that is not a configured mirror is
        // judged when it is opened, on the addresses it connects to.
        dispatcher: trusted ? this.#direct : this.#guarded,
      });
    } catch (error) {
      // A refusal of the destination check arrives as the cause of fetch's TypeError.
      const refusal =
        error instanceof RegistryError
          ? error
          : (error as { cause?: unknown })?.cause;
      if (refusal instanceof RegistryError) throw refusal;
      const name = (error as { name?: string })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RegistryError(
          'timeout',
          `${url.origin} did not answer within ${this.#timeoutMs} ms.`,
        );
      }
      const cause = (error as { cause?: { code?: string } })?.cause?.code;
      throw new RegistryError(
        'network',
        `Cannot reach ${url.origin}${cause ? ` (${cause})` : ''}.`,
      );
    }
  }

  /** GET a registry path, answering auth challenges and following redirects. */
  async get(
    reference: string,
    endpoint: Endpoint,
    path: string,
    accept: string,
  ): Promise<{ response: RegistryResponse; url: URL }> {
    const scope = `repository:${endpoint.repository}:pull`;
    let url = new URL(`${endpoint.base}/v2/${endpoint.repository}/${path}`);
    let authorization = this.#challenge.authorization(endpoint, scope);
    let challenged = false;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = url.origin === endpoint.origin;
      const headers: Record<string, string> = { Accept: accept };
      // Credentials go to the registry's own origin only, never to a redirect target elsewhere.
      if (sameOrigin && authorization) headers.Authorization = authorization;
      const response = await this.send(
        url,
        { headers },
        sameOrigin && endpoint.explicit,
      );
      this.#logger?.debug('Registry request', {
        origin: url.origin,
        path: url.pathname,
        status: response.status,
      });
      if (response.status === 401 && sameOrigin && !challenged) {
        challenged = true;
        await response.body?.cancel();
        authorization = await this.#challenge.answer(
          reference,
          endpoint,
          response.headers.get('www-authenticate'),
          scope,
        );
        hop--;
        continue;
      }
      if (
        response.status >= 300 &&
        response.status < 400 &&
        response.headers.has('location')
      ) {
        await response.body?.cancel();
        url = new URL(response.headers.get('location')!, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          throw new RegistryError(
            'bad-response',
            `${describeRead(reference, endpoint)} redirected to a non-HTTP URL.`,
          );
        }
        continue;
      }
      return { response, url };
    }
    throw new RegistryError(
      'bad-response',
      `Too many redirects reading ${describeRead(reference, endpoint)}.`,
    );
  }

  /** Reads a whole body, refusing more than `max` bytes. */
  async readLimited(
    response: RegistryResponse,
    max: number,
    reference: string,
    endpoint: Endpoint,
  ): Promise<Buffer> {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      await response.body?.cancel();
      throw new RegistryError(
        'too-large',
        `A response for ${describeRead(
          reference,
          endpoint,
        )} is larger than ${max} bytes.`,
      );
    }
    if (!response.body) return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > max) {
          await reader.cancel();
          throw new RegistryError(
            'too-large',
            `A response for ${describeRead(
              reference,
              endpoint,
            )} is larger than ${max} bytes.`,
          );
        }
        chunks.push(Buffer.from(value));
      }
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      const name = (error as { name?: string })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RegistryError(
          'timeout',
          `Reading ${describeRead(reference, endpoint)} took longer than ${
            this.#timeoutMs
          } ms.`,
        );
      }
      throw new RegistryError(
        'network',
        `The connection broke while reading ${describeRead(
          reference,
          endpoint,
        )}.`,
      );
    }
    return Buffer.concat(chunks);
  }
}

/** The error for a registry answer other than success or 404. */
export function statusError(
  reference: string,
  endpoint: Endpoint,
  status: number,
  what: string,
): RegistryError {
  if (status === 401)
    return new RegistryError(
      'unauthorized',
      `${describeRead(
        reference,
        endpoint,
      )}: the registry refused the credentials for the ${what}.`,
      status,
    );
  if (status === 403)
    return new RegistryError(
      'forbidden',
      `${describeRead(reference, endpoint)}: access to the ${what} is forbidden.`,
      status,
    );
  if (status === 429)
    return new RegistryError(
      'bad-response',
      `${describeRead(
        reference,
        endpoint,
      )}: the registry is rate limiting (HTTP 429).`,
      status,
    );
  return new RegistryError(
    'bad-response',
    `${describeRead(
      reference,
      endpoint,
    )}: the registry answered HTTP ${status} for the ${what}.`,
    status,
  );
}
