import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../rbac/RbacAuthorizer';
import { readRaw, sendJson } from '../server/httpIo';

/**
 * A person who can log in to the embedded cluster's OAuth server, as an htpasswd identity
 * provider would hold them.
 *
 * @public
 */
export interface EmbeddedOAuthUser {
  name: string;
  password: string;
  groups?: string[];
}

/**
 * An OAuth client (OpenShift's `OAuthClient`): the portal's auth backend is one.
 *
 * @public
 */
export interface EmbeddedOAuthClient {
  /** `client_id`. */
  name: string;
  secret: string;
  /** A redirect URI is accepted when it starts with one of these (OpenShift's prefix rule). */
  redirectURIs: string[];
}

/**
 * Options of the embedded OAuth server.
 *
 * @public
 */
export interface EmbeddedOAuthOptions {
  users: EmbeddedOAuthUser[];
  clients: EmbeddedOAuthClient[];
  /** Lifetime of access tokens; OpenShift's default is 24 h. */
  accessTokenMaxAgeSeconds?: number;
}

/** A user's bearer token as the API server sees it. */
export interface OAuthIdentity {
  user: UserInfo;
  scopes: string[];
}

interface Grant {
  client: string;
  redirectUri: string;
  user: string;
  scopes: string[];
  expires: number;
}

interface AccessToken {
  user: string;
  scopes: string[];
  expires: number;
}

/**
 * Scopes the server grants. `user:full` acts with every permission RBAC gives the user;
 * `user:info` only reads the user's own name; `user:check-access` only asks access reviews.
 */
const SCOPES = new Set(['user:full', 'user:info', 'user:check-access']);
const CODE_TTL_MS = 5 * 60_000;
const TOKEN_PREFIX = 'sha256~';

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!,
  );
}

/**
 * The name OpenShift gives the `OAuthAccessToken` object of a `sha256~` token: `sha256~` and the
 * unpadded base64url SHA-256 of the part after the prefix.
 *
 * @public
 */
export function accessTokenObjectName(token: string): string {
  const secret = token.startsWith(TOKEN_PREFIX)
    ? token.slice(TOKEN_PREFIX.length)
    : token;
  return `${TOKEN_PREFIX}${createHash('sha256').update(secret).digest('base64url')}`;
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
  }
}

/**
 * The OAuth server an OpenShift cluster runs for people (authorization-code flow), so the portal
 * can act with a person's own token: a login form backed by fixed users, codes, `sha256~` access
 * tokens, the discovery document, `users/~` and token deletion (logout).
 *
 * @remarks
 * Tokens live in memory; they are lost on restart, as the codes are.
 */
export class EmbeddedOAuthServer {
  readonly #users: Map<string, EmbeddedOAuthUser>;
  readonly #clients: Map<string, EmbeddedOAuthClient>;
  readonly #grants = new Map<string, Grant>();
  readonly #tokens = new Map<string, AccessToken>();
  readonly #maxAgeMs: number;
  readonly #issuer: () => string;

  constructor(options: EmbeddedOAuthOptions, issuer: () => string) {
    this.#users = new Map(options.users.map(u => [u.name, u]));
    this.#clients = new Map(options.clients.map(c => [c.name, c]));
    this.#maxAgeMs = (options.accessTokenMaxAgeSeconds ?? 86_400) * 1000;
    this.#issuer = issuer;
  }

  /** The user and scopes of an access token, or undefined for any other string. */
  identify(token: string): OAuthIdentity | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const entry = this.#tokens.get(accessTokenObjectName(token));
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#tokens.delete(accessTokenObjectName(token));
      return undefined;
    }
    const user = this.#users.get(entry.user);
    return {
      scopes: entry.scopes,
      user: {
        username: entry.user,
        groups: [
          ...(user?.groups ?? []),
          'system:authenticated',
          'system:authenticated:oauth',
        ],
      },
    };
  }

  /** Delete the token object `name` when it belongs to `username`; false when there is none. */
  revoke(name: string, username: string): boolean {
    const entry = this.#tokens.get(name);
    if (!entry || entry.user !== username) return false;
    this.#tokens.delete(name);
    return true;
  }

  /**
   * Answer the OAuth endpoints: `/.well-known/oauth-authorization-server`, `/oauth/authorize`
   * (GET shows the login form, POST logs in) and `/oauth/token`. False for any other path.
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const path = url.pathname;
    if (path === '/.well-known/oauth-authorization-server') {
      const issuer = this.#issuer();
      sendJson(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        scopes_supported: [...SCOPES],
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['plain', 'S256'],
      });
      return true;
    }
    if (path === '/oauth/authorize') {
      await this.#authorize(req, res, url);
      return true;
    }
    if (path === '/oauth/token') {
      await this.#token(req, res);
      return true;
    }
    return false;
  }

  async #authorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    const params =
      method === 'POST'
        ? new URLSearchParams((await readRaw(req)).toString('utf8'))
        : url.searchParams;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const client = this.#clients.get(clientId);
    // An unknown client or redirect is answered here: never redirect to an unchecked address.
    if (!client) {
      this.#page(res, 400, 'Error', `<p>The client "${escapeHtml(clientId)}" is not registered.</p>`);
      return;
    }
    if (!redirectUri || !client.redirectURIs.some(p => redirectUri.startsWith(p))) {
      this.#page(res, 400, 'Error', '<p>The redirect_uri is not registered for this client.</p>');
      return;
    }
    const state = params.get('state');
    const fail = (code: string, description: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', code);
      target.searchParams.set('error_description', description);
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() });
      res.end();
    };
    if (params.get('response_type') !== 'code') {
      fail('unsupported_response_type', 'only response_type=code is supported');
      return;
    }
    const scopes = (params.get('scope') ?? 'user:full').split(/[\s,]+/).filter(Boolean);
    const unknown = scopes.filter(s => !SCOPES.has(s));
    if (unknown.length > 0 || scopes.length === 0) {
      fail('invalid_scope', `unknown scope(s): ${unknown.join(', ') || '(none)'}`);
      return;
    }
    if (method !== 'POST') {
      this.#loginForm(res, 200, params, '');
      return;
    }
    const name = params.get('username') ?? '';
    const user = this.#users.get(name);
    const password = params.get('password') ?? '';
    if (!user || !sameSecret(password, user.password)) {
      this.#loginForm(res, 401, params, 'Invalid login or password. Please try again.');
      return;
    }
    const code = randomBytes(24).toString('base64url');
    this.#grants.set(code, {
      client: client.name,
      redirectUri,
      user: user.name,
      scopes,
      expires: Date.now() + CODE_TTL_MS,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  async #token(req: IncomingMessage, res: ServerResponse) {
    try {
      if ((req.method ?? 'GET') !== 'POST') {
        throw new OAuthError(405, 'invalid_request', 'use POST');
      }
      const params = new URLSearchParams((await readRaw(req)).toString('utf8'));
      let clientId = params.get('client_id') ?? '';
      let secret = params.get('client_secret') ?? '';
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (basic) {
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        clientId = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      }
      const client = this.#clients.get(clientId);
      if (!client || !sameSecret(secret, client.secret)) {
        throw new OAuthError(401, 'unauthorized_client', 'client authentication failed');
      }
      if (params.get('grant_type') !== 'authorization_code') {
        throw new OAuthError(400, 'unsupported_grant_type', 'only authorization_code is supported');
      }
      const code = params.get('code') ?? '';
      const grant = this.#grants.get(code);
      // A code is good once, for the client and redirect it was issued to.
      this.#grants.delete(code);
      if (
        !grant ||
        grant.expires <= Date.now() ||
        grant.client !== client.name ||
        grant.redirectUri !== (params.get('redirect_uri') ?? '')
      ) {
        throw new OAuthError(400, 'invalid_grant', 'the authorization code is invalid or expired');
      }
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      this.#tokens.set(accessTokenObjectName(token), {
        user: grant.user,
        scopes: grant.scopes,
        expires: Date.now() + this.#maxAgeMs,
      });
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: Math.floor(this.#maxAgeMs / 1000),
        scope: grant.scopes.join(' '),
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendJson(res, error.status, {
        error: error.code,
        error_description: error.message,
      });
    }
  }

  #loginForm(
    res: ServerResponse,
    status: number,
    params: URLSearchParams,
    message: string,
  ) {
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
      .filter(k => params.get(k) !== null)
      .map(
        k =>
          `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k)!)}">`,
      )
      .join('');
    const error = message ? `<p role="alert">${escapeHtml(message)}</p>` : '';
    this.#page(
      res,
      status,
      'Log in to the embedded cluster',
      `${error}<form method="POST" action="/oauth/authorize">${hidden}
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button></form>`,
    );
  }

  #page(res: ServerResponse, status: number, title: string, body: string) {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      // No form-action: the login answer redirects to the client, which browsers check too.
      'content-security-policy': "default-src 'none'",
    });
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
  }
}
