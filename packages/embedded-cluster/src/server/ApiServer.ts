import http, { IncomingMessage, ServerResponse } from 'node:http';
import net, { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { InMemoryObjectStore } from '../store/ObjectStore';
import { resourceInfo } from '../store/resources';
import { SchemaValidator } from '../schema/SchemaValidator';
import { InMemoryImageCatalog } from '../registry/ImageCatalog';
import { handleRegistryRequest } from '../registry/registryRoutes';
import { ApiError, badRequest, statusBody, toApiError } from './status';
import {
  AGGREGATED_CONTENT_TYPE,
  ServedResource,
  aggregatedDiscovery,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  servedResources,
  wantsAggregated,
} from './discovery';
import { hashDocument, openapiV3GroupVersion, openapiV3Root } from './openapi';
import { WatchHub } from './watch';
import { SocketProxy } from './SocketProxy';
import { readBody, sendJson, sendText } from './httpIo';
import { resolveTarget } from './target';
import {
  SELF_SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_RULES_REVIEWS,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
} from './selfSubjectReview';
import { handleResource } from './resourceRequest';
import type { ServerContext } from './context';
import { ServiceAccountToken, authenticate, authorizeRequest } from './auth';
import { AuditEvent, AuditLog } from './audit';
import {
  EmbeddedOAuthOptions,
  EmbeddedOAuthServer,
} from '../oauth/OAuthServer';
import { handleOpenShiftUser } from '../oauth/userApi';

type Obj = Record<string, unknown>;

/**
 * Options of {@link ApiServer}.
 *
 * @public
 */
export interface ApiServerOptions {
  store: InMemoryObjectStore;
  catalog: InMemoryImageCatalog;
  validator: SchemaValidator;
  tokens: { admin: string; readOnly: string };
  /**
   * Service accounts and their bearer tokens: each authenticates as
   * `system:serviceaccount:<namespace>:<name>` and is authorized by the RBAC objects in the store.
   */
  serviceAccounts?: ServiceAccountToken[];
  /** People and OAuth clients of the cluster's OAuth server; no OAuth endpoints without it. */
  oauth?: EmbeddedOAuthOptions;
  /** TLS key and certificate: the same port then also speaks HTTPS (what kubectl needs). */
  tls?: { key: string; cert: string };
  host?: string;
  port?: number;
  /** Kubernetes version reported by `/version`, e.g. `v1.31.8`. */
  kubernetesVersion?: string;
  /** Interval of watch BOOKMARK events (default 10 s). */
  bookmarkIntervalMs?: number;
  /** Test hooks reachable under `/_sim/` (admin token only). */
  hooks?: {
    settle?: () => Promise<void>;
  };
  log?: (message: string, meta?: Record<string, unknown>) => void;
}

/**
 * The HTTP half of the embedded cluster: the Kubernetes REST API (discovery, OpenAPI v3, CRUD,
 * patches, server-side apply, watch, tables), the OCI registry under `/v2/` and test hooks under
 * `/_sim/`.
 *
 * @public
 */
export class ApiServer {
  readonly #options: ApiServerOptions;
  readonly #server: net.Server;
  readonly #http: http.Server;
  readonly #secureContext?: tls.SecureContext;
  readonly #sockets = new Set<net.Socket>();
  readonly #watchHub: WatchHub;
  readonly #ctx: ServerContext;
  readonly #oauth?: EmbeddedOAuthServer;
  readonly #audit = new AuditLog();
  #throttle = 0;
  #address = '';
  #openapiCache = new Map<string, { doc: Obj; hash: string }>();

  constructor(options: ApiServerOptions) {
    this.#options = options;
    if (options.oauth) {
      this.#oauth = new EmbeddedOAuthServer(
        options.oauth,
        () => `http://${this.#address}`,
      );
    }
    this.#watchHub = new WatchHub(options.store, {
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      log: options.log,
    });
    this.#ctx = {
      store: options.store,
      validator: options.validator,
      watchHub: this.#watchHub,
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(error => {
        this.#sendError(res, toApiError(error));
      });
    };
    this.#http = http.createServer(handler);
    this.#http.keepAliveTimeout = 65_000;
    if (options.tls) {
      this.#secureContext = tls.createSecureContext({
        key: options.tls.key,
        cert: options.tls.cert,
      });
    }
    // One port, two protocols: a TLS handshake starts with byte 0x16, plain HTTP never does.
    this.#server = net.createServer(socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.once('data', first => {
        socket.pause();
        socket.unshift(first);
        if (first[0] === 0x16 && this.#secureContext) {
          const secure = new tls.TLSSocket(new SocketProxy(socket), {
            isServer: true,
            secureContext: this.#secureContext,
            ALPNProtocols: ['http/1.1'],
          });
          secure.on('error', () => socket.destroy());
          this.#http.emit('connection', secure);
        } else {
          this.#http.emit('connection', socket);
        }
        socket.resume();
      });
      socket.on('error', () => socket.destroy());
    });
  }

  /** Start listening; resolves with the bound `host:port`. */
  async listen(): Promise<string> {
    const host = this.#options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port ?? 0, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.#server.address() as AddressInfo;
    this.#address = `${host}:${port}`;
    return this.#address;
  }

  /** Stop: end every watch and close the listener. */
  async close(): Promise<void> {
    this.#watchHub.closeAll();
    for (const socket of this.#sockets) socket.destroy();
    this.#http.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  /** End every open watch stream (clients see the connection close and re-watch). */
  closeWatches(): void {
    this.#watchHub.closeAll();
  }

  /** The write requests answered so far, as audit events (oldest first). */
  auditEvents(): AuditEvent[] {
    return this.#audit.events();
  }

  /** Answer the next `n` API requests with 429 Too Many Requests. */
  throttle(n: number): void {
    this.#throttle = Math.max(0, Math.floor(n));
  }

  get #served(): ServedResource[] {
    return servedResources(info =>
      this.#options.store.servedApiVersion(info.resource),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (
      handleRegistryRequest(req, res, url, this.#options.catalog, this.#address)
    ) {
      return;
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      sendText(res, 200, 'ok');
      return;
    }
    if (path === '/version') {
      sendJson(res, 200, this.#version());
      return;
    }
    if (this.#oauth && (await this.#oauth.handle(req, res, url))) {
      return;
    }
    const caller = authenticate(
      req,
      this.#options.tokens,
      this.#options.serviceAccounts ?? [],
      this.#oauth,
    );
    const role = caller?.role;
    if (path.startsWith('/_sim/')) {
      if (role !== 'admin')
        throw new ApiError(
          role ? 403 : 401,
          role ? 'Forbidden' : 'Unauthorized',
          role ? 'test hooks need the admin token' : 'Unauthorized',
        );
      await this.#handleSim(req, res, path);
      return;
    }
    if (this.#throttle > 0) {
      this.#throttle--;
      res.setHeader('Retry-After', '1');
      throw new ApiError(
        429,
        'TooManyRequests',
        'Too many requests, please try again later.',
        { retryAfterSeconds: 1 },
      );
    }
    if (!caller) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const method = req.method ?? 'GET';
    this.#audit.track(req, res, url, caller);
    if (handleOpenShiftUser(req, res, path, caller, this.#oauth)) {
      return;
    }
    authorizeRequest(
      this.#options.store,
      caller,
      method,
      path,
      url.searchParams,
    );
    if (path === '/api' || path === '/apis') {
      const aggregated = wantsAggregated(req.headers.accept);
      if (aggregated) {
        sendJson(
          res,
          200,
          aggregatedDiscovery(this.#served, path === '/api', aggregated),
          AGGREGATED_CONTENT_TYPE.replace('v=v2', `v=${aggregated}`),
        );
      } else {
        sendJson(
          res,
          200,
          path === '/api'
            ? apiVersions(this.#address)
            : apiGroupList(this.#served),
        );
      }
      return;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      this.#handleOpenApi(res, path);
      return;
    }
    if (path === '/openapi/v2') {
      throw new ApiError(
        404,
        'NotFound',
        'the embedded cluster publishes OpenAPI v3 only (/openapi/v3)',
      );
    }
    if (path === SELF_SUBJECT_RULES_REVIEWS && method === 'POST') {
      const review = selfSubjectRulesReview(
        this.#options.store,
        caller,
        await readBody(req),
      );
      sendJson(res, 201, review);
      return;
    }
    if (path === SELF_SUBJECT_ACCESS_REVIEWS && method === 'POST') {
      const review = selfSubjectAccessReview(
        this.#options.store,
        caller,
        await readBody(req),
      );
      sendJson(res, 201, review);
      return;
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'api' && segments.length === 2) {
      if (segments[1] !== 'v1')
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      sendJson(res, 200, apiResourceList(this.#served, '', 'v1'));
      return;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const doc = apiGroupDoc(this.#served, segments[1]);
      if (!doc)
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      sendJson(res, 200, doc);
      return;
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const doc = apiResourceList(this.#served, segments[1], segments[2]);
      if (!doc)
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      sendJson(res, 200, doc);
      return;
    }
    const target = resolveTarget(this.#served, segments);
    await handleResource(this.#ctx, req, res, url, method, target, caller.role);
  }

  #version(): Obj {
    const git = this.#options.kubernetesVersion ?? 'v1.31.8';
    const m = /^v(\d+)\.(\d+)/.exec(git);
    return {
      major: m?.[1] ?? '1',
      minor: m?.[2] ?? '31',
      gitVersion: git,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2025-07-01T00:00:00Z',
      goVersion: 'go1.22.12',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  #handleOpenApi(res: ServerResponse, path: string) {
    const served = this.#served;
    const docOf = (group: string, version: string) => {
      const key = `${group}/${version}`;
      let cached = this.#openapiCache.get(key);
      if (!cached) {
        const doc = openapiV3GroupVersion(served, group, version, s =>
          this.#options.validator.crdFor(s.info.resource),
        );
        if (!doc) return undefined;
        cached = { doc, hash: hashDocument(doc) };
        this.#openapiCache.set(key, cached);
      }
      return cached;
    };
    if (path === '/openapi/v3') {
      sendJson(
        res,
        200,
        openapiV3Root(served, (g, v) => docOf(g, v)!.hash),
      );
      return;
    }
    const rest = path.slice('/openapi/v3/'.length).split('/');
    let found;
    if (rest[0] === 'api' && rest[1] === 'v1' && rest.length === 2)
      found = docOf('', 'v1');
    else if (rest[0] === 'apis' && rest.length === 3)
      found = docOf(rest[1], rest[2]);
    if (!found)
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    sendJson(res, 200, found.doc);
  }

  async #handleSim(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    if (path === '/_sim/throttle' && method === 'POST') {
      const body = (await readBody(req)) as { n?: unknown };
      const n = Number(body?.n);
      if (!Number.isInteger(n) || n < 0)
        throw badRequest(
          'throttle: body must be {"n": <non-negative integer>}',
        );
      this.throttle(n);
      sendJson(res, 200, { throttled: n });
      return;
    }
    if (path === '/_sim/expire-watch-history' && method === 'POST') {
      this.#options.store.expireHistory();
      sendJson(res, 200, {
        resourceVersion: this.#options.store.currentResourceVersion(),
      });
      return;
    }
    if (path === '/_sim/close-watches' && method === 'POST') {
      this.closeWatches();
      sendJson(res, 200, { closed: true });
      return;
    }
    if (path === '/_sim/audit' && method === 'GET') {
      sendJson(res, 200, { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: this.#audit.events() });
      return;
    }
    if (path === '/_sim/settle' && method === 'POST') {
      await this.#options.hooks?.settle?.();
      sendJson(res, 200, { settled: true });
      return;
    }
    if (path === '/_sim/images' && method === 'GET') {
      sendJson(res, 200, { items: this.#options.catalog.list() });
      return;
    }
    if (path === '/_sim/unenforced-rules' && method === 'GET') {
      sendJson(res, 200, {
        items: this.#options.validator.unenforcedRules(),
      });
      return;
    }
    throw new ApiError(404, 'NotFound', `unknown test hook ${method} ${path}`);
  }

  #sendError(res: ServerResponse, error: ApiError) {
    if (error.code >= 500)
      this.#options.log?.('Request failed', {
        code: error.code,
        message: error.message,
      });
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    sendJson(res, error.code, statusBody(error));
  }
}

/** Resource names, re-exported for callers that map kinds. */
export { resourceInfo };
