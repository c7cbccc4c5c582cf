import { describeRead, type Endpoint } from './endpoints';
import { RegistryError, type RegistryResponse } from './types';
import { parseWwwAuthenticate } from './wwwAuthenticate';

const DEFAULT_TOKEN_SECONDS = 60;

/** The two HTTP steps a token challenge needs from the transport. */
export interface ChallengeHttp {
  send(
    url: URL,
    init: { headers: Record<string, string> },
    trusted: boolean,
  ): Promise<RegistryResponse>;
  readLimited(
    response: RegistryResponse,
    max: number,
    reference: string,
    endpoint: Endpoint,
  ): Promise<Buffer>;
}

/**
 * Answers the `WWW-Authenticate` challenge of a `401`: a Bearer challenge by
 * fetching a token from its realm (tokens cached per origin, scope and user
 * until they expire), a Basic one with the configured credentials.
 */
export class TokenChallenge {
  readonly #http: ChallengeHttp;
  readonly #tokens = new Map<string, { header: string; expires: number }>();

  constructor(http: ChallengeHttp) {
    this.#http = http;
  }

  /** The Authorization header to send before any challenge, if there is one. */
  authorization(endpoint: Endpoint, scope: string): string | undefined {
    if (endpoint.auth?.token) return `Bearer ${endpoint.auth.token}`;
    const cached = this.#tokens.get(this.#tokenKey(endpoint, scope));
    if (cached && cached.expires > Date.now()) return cached.header;
    return undefined;
  }

  #tokenKey(endpoint: Endpoint, scope: string): string {
    return `${endpoint.origin}|${scope}|${endpoint.auth?.username ?? ''}`;
  }

  /** The Authorization header that answers a challenge, or a clear refusal. */
  async answer(
    reference: string,
    endpoint: Endpoint,
    header: string | null,
    scope: string,
  ): Promise<string> {
    const challenges = parseWwwAuthenticate(header);
    const bearer = challenges.find(c => c.scheme === 'bearer');
    const basic = challenges.find(c => c.scheme === 'basic');
    const { username, password } = endpoint.auth ?? {};
    const basicHeader =
      username !== undefined && password !== undefined
        ? `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString(
            'base64',
          )}`
        : undefined;
    if (bearer?.params.realm) {
      return this.#fetchToken(
        reference,
        endpoint,
        new URL(bearer.params.realm, endpoint.origin),
        bearer.params,
        scope,
        basicHeader,
      );
    }
    if (basic && basicHeader) {
      if (!endpoint.origin.startsWith('https:') && !endpoint.explicit) {
        throw new RegistryError(
          'unauthorized',
          `Refusing to send credentials to ${endpoint.origin} without TLS.`,
        );
      }
      return basicHeader;
    }
    throw new RegistryError(
      'unauthorized',
      basic || bearer
        ? `${describeRead(
            reference,
            endpoint,
          )} needs credentials; configure auth for this registry.`
        : `${describeRead(
            reference,
            endpoint,
          )} answered 401 without a usable challenge.`,
      401,
    );
  }

  async #fetchToken(
    reference: string,
    endpoint: Endpoint,
    realm: URL,
    params: Record<string, string>,
    scope: string,
    basicHeader: string | undefined,
  ): Promise<string> {
    const realmOrigin = realm.origin === endpoint.origin;
    if (realm.protocol !== 'https:' && !(realmOrigin && endpoint.explicit)) {
      throw new RegistryError(
        'unauthorized',
        `${describeRead(
          reference,
          endpoint,
        )} asks for a token from a non-https realm; refusing to send credentials there.`,
      );
    }
    realm.searchParams.set('scope', params.scope || scope);
    if (params.service) realm.searchParams.set('service', params.service);
    const headers: Record<string, string> = { Accept: 'application/json' };
    // Basic credentials go only to a token service on the registry's own host:
    // a challenge may name any realm, and the registry's answer is not proof
    // that the realm's host may see them. Elsewhere we ask for an anonymous token.
    const ownHost = realm.hostname === new URL(endpoint.origin).hostname;
    const withheld = !!basicHeader && !ownHost;
    if (basicHeader && ownHost) headers.Authorization = basicHeader;
    const response = await this.#http.send(
      realm,
      { headers },
      realmOrigin && endpoint.explicit,
    );
    if (withheld && (response.status === 401 || response.status === 403)) {
      await response.body?.cancel();
      throw new RegistryError(
        'unauthorized',
        `The token service of ${describeRead(
          reference,
          endpoint,
        )} is on another host (${
          realm.hostname
        }); credentials are sent only to a token service on the registry's own host, and it refused an anonymous token (HTTP ${
          response.status
        }).`,
        response.status,
      );
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new RegistryError(
        'unauthorized',
        `The token service of ${describeRead(
          reference,
          endpoint,
        )} refused the credentials (HTTP ${response.status}).`,
        response.status,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryError(
        'bad-response',
        `The token service of ${describeRead(
          reference,
          endpoint,
        )} answered HTTP ${response.status}.`,
        response.status,
      );
    }
    let body: {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
    };
    try {
      body = JSON.parse(
        (
          await this.#http.readLimited(
            response,
            1024 * 1024,
            reference,
            endpoint,
          )
        ).toString('utf8'),
      );
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(
        'bad-response',
        `The token service of ${describeRead(
          reference,
          endpoint,
        )} did not answer JSON.`,
      );
    }
    let token: string | undefined;
    if (typeof body.token === 'string') token = body.token;
    else if (typeof body.access_token === 'string') token = body.access_token;
    if (!token) {
      throw new RegistryError(
        'bad-response',
        `The token service of ${describeRead(
          reference,
          endpoint,
        )} returned no token.`,
      );
    }
    const seconds =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_SECONDS;
    const authorization = `Bearer ${token}`;
    // Renew a little early so a token does not expire between check and use.
    this.#tokens.set(this.#tokenKey(endpoint, scope), {
      header: authorization,
      expires: Date.now() + Math.max(1, seconds - 5) * 1000,
    });
    return authorization;
  }
}
