import http, { IncomingMessage, ServerResponse } from 'node:http';
import net, { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { InMemoryObjectStore, StoreWriteOptions } from '../store/ObjectStore';
import {
  ResourceInfo,
  isResourceName,
  resourceInfo,
  groupVersion,
} from '../store/resources';
import type { K8sObject, ResourceName } from '../store/types';
import { SchemaValidator, prune } from '../schema/SchemaValidator';
import type { JSONSchemaProps } from '../schema/crds';
import { InMemoryImageCatalog } from '../registry/ImageCatalog';
import { handleRegistryRequest } from '../registry/registryRoutes';
import {
  ApiError,
  badRequest,
  notFound,
  statusBody,
  toApiError,
} from './status';
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
import {
  FieldSelector,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { serverSideApply, trackUpdate } from './managedFields';
import { buildTable } from './table';
import { WatchHub } from './watch';

type Obj = Record<string, unknown>;

/** Who is calling. */
type Role = 'admin' | 'readOnly';

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

interface Target {
  info: ResourceInfo;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

interface ContinueToken {
  rv: number;
  start: string;
}

const MAX_BODY = 16 * 1024 * 1024;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function objectKey(o: K8sObject): string {
  return o.metadata.namespace
    ? `${o.metadata.namespace}/${o.metadata.name}`
    : o.metadata.name;
}

/**
 * A plain stream over a socket whose first bytes were already read (and unshifted): TLS then
 * reads through JavaScript and sees those bytes too.
 */
class SocketProxy extends Duplex {
  readonly #socket: net.Socket;

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
    socket.on('data', chunk => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
  }

  _read(): void {
    this.#socket.resume();
  }

  _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#socket.write(chunk, callback);
  }

  _final(callback: (error?: Error | null) => void): void {
    this.#socket.end();
    callback();
  }

  _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.#socket.destroy();
    callback(error);
  }
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
  #throttle = 0;
  #address = '';
  #openapiCache = new Map<string, { doc: Obj; hash: string }>();

  constructor(options: ApiServerOptions) {
    this.#options = options;
    this.#watchHub = new WatchHub(options.store, {
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      log: options.log,
    });
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
      this.#sendText(res, 200, 'ok');
      return;
    }
    if (path === '/version') {
      this.#sendJson(res, 200, this.#version());
      return;
    }
    const role = this.#authenticate(req);
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
    if (!role) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const method = req.method ?? 'GET';
    if (path === '/api' || path === '/apis') {
      const aggregated = wantsAggregated(req.headers.accept);
      if (aggregated) {
        this.#sendJson(
          res,
          200,
          aggregatedDiscovery(this.#served, path === '/api', aggregated),
          AGGREGATED_CONTENT_TYPE.replace('v=v2', `v=${aggregated}`),
        );
      } else {
        this.#sendJson(
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
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'api' && segments.length === 2) {
      if (segments[1] !== 'v1')
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      this.#sendJson(res, 200, apiResourceList(this.#served, '', 'v1'));
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
      this.#sendJson(res, 200, doc);
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
      this.#sendJson(res, 200, doc);
      return;
    }
    const target = this.#resolveTarget(segments);
    await this.#handleResource(req, res, url, method, target, role);
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

  #authenticate(req: IncomingMessage): Role | undefined {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return undefined;
    if (sameToken(m[1], this.#options.tokens.admin)) return 'admin';
    if (sameToken(m[1], this.#options.tokens.readOnly)) return 'readOnly';
    return undefined;
  }

  #resolveTarget(segments: string[]): Target {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1];
      version = segments[2];
      rest = segments.slice(3);
    } else {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      !(rest.length === 3 && rest[2] === 'status' && group === '')
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, sub, ...extra] = rest;
    const served = this.#served.find(
      s => s.info.resource === resource && s.info.group === group,
    );
    if (
      !resource ||
      !isResourceName(resource) ||
      !served ||
      extra.length > 0 ||
      (sub !== undefined && sub !== 'status')
    ) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (served.version !== version) {
      throw new ApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (${groupVersion(
          group,
          version,
        )} is not served; this cluster serves ${groupVersion(
          group,
          served.version,
        )})`,
      );
    }
    if (sub === 'status' && !served.info.statusSubresource) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (namespace !== undefined && !served.info.namespaced) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    return {
      info: served.info,
      version,
      namespace,
      name,
      subresource: sub as 'status' | undefined,
    };
  }

  #schema(resource: ResourceName): JSONSchemaProps | undefined {
    return this.#options.validator.crdFor(resource)?.schema;
  }

  async #handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    target: Target,
    role: Role,
  ) {
    const { info, name } = target;
    const q = url.searchParams;
    const isWrite = !['GET', 'HEAD'].includes(method);
    if (isWrite) {
      if (role !== 'admin') {
        throw new ApiError(
          403,
          'Forbidden',
          `${info.resource}${info.group ? `.${info.group}` : ''}${
            name ? ` "${name}"` : ''
          } is forbidden: the read-only token may only get, list and watch`,
          { name, group: info.group || undefined, kind: info.resource },
        );
      }
      if (info.readOnly) {
        throw new ApiError(
          403,
          'Forbidden',
          `${info.resource}${name ? ` "${name}"` : ''} is forbidden: ${
            info.resource
          } are read-only in the embedded cluster`,
          { name, kind: info.resource },
        );
      }
    }
    const dryRun = q.getAll('dryRun');
    if (dryRun.some(d => d !== 'All')) {
      throw badRequest(
        `Invalid dry run value: ${dryRun.join(',')}; supported values: All`,
      );
    }
    const writeOptions: StoreWriteOptions = { dryRun: dryRun.includes('All') };
    if (!name) {
      if (method === 'GET') {
        if (q.get('watch') === 'true' || q.get('watch') === '1') {
          this.#watch(req, res, q, target, role);
        } else {
          this.#list(req, res, q, target, role);
        }
        return;
      }
      if (method === 'POST') {
        const body = await this.#readBody(req);
        const created = this.#create(target, body, q, writeOptions, req, res);
        this.#sendJson(res, 201, this.#present(created, role));
        return;
      }
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    switch (method) {
      case 'GET': {
        const found = this.#options.store.peek(
          info.resource,
          name,
          target.namespace,
        );
        if (!found) throw notFound(info.resource, name, info.group);
        if (this.#wantsTable(req)) {
          this.#sendJson(
            res,
            200,
            buildTable(
              info.resource,
              this.#options.validator.crdFor(info.resource)?.printerColumns,
              [this.#present(found, role)],
              {
                includeObject: q.get('includeObject') ?? undefined,
                resourceVersion: this.#options.store.currentResourceVersion(),
              },
            ),
          );
        } else {
          this.#sendJson(res, 200, this.#present(found, role));
        }
        return;
      }
      case 'PUT': {
        const body = await this.#readBody(req);
        const updated = this.#update(target, body, q, writeOptions, req, res);
        this.#sendJson(res, 200, this.#present(updated, role));
        return;
      }
      case 'PATCH': {
        const raw = await this.#readRaw(req);
        const { object, created } = this.#patch(
          target,
          raw,
          req,
          q,
          writeOptions,
          res,
        );
        this.#sendJson(res, created ? 201 : 200, this.#present(object, role));
        return;
      }
      case 'DELETE': {
        if (target.subresource)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const raw = await this.#readRaw(req);
        const options =
          raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Obj) : {};
        const current = this.#options.store.peek(
          info.resource,
          name,
          target.namespace,
        );
        if (!current) throw notFound(info.resource, name, info.group);
        const pre = (options.preconditions ?? {}) as {
          uid?: string;
          resourceVersion?: string;
        };
        if (
          (pre.uid && pre.uid !== current.metadata.uid) ||
          (pre.resourceVersion &&
            pre.resourceVersion !== current.metadata.resourceVersion)
        ) {
          throw new ApiError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${info.resource} "${name}": the precondition does not match the object`,
            { name, kind: info.resource },
          );
        }
        const dry =
          writeOptions.dryRun ||
          (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
        const gone = dry
          ? this.#options.store.get(info.resource, name, target.namespace)!
          : this.#options.store.delete(info.resource, name, target.namespace);
        if (!gone) throw notFound(info.resource, name, info.group);
        this.#sendJson(res, 200, this.#present(gone, role));
        return;
      }
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  #fieldManager(q: URLSearchParams, req: IncomingMessage): string {
    const given = q.get('fieldManager');
    if (given) {
      if (given.length > 128)
        throw new ApiError(
          422,
          'Invalid',
          'fieldManager: Too long: may not be more than 128 bytes',
          {
            causes: [
              {
                reason: 'FieldValueTooLong',
                message: 'Too long: may not be more than 128 bytes',
                field: 'fieldManager',
              },
            ],
          },
        );
      return given;
    }
    const agent = req.headers['user-agent'] ?? 'unknown';
    return agent.split('/')[0] || 'unknown';
  }

  #checkBody(target: Target, body: unknown): K8sObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('the request body must be a JSON object');
    }
    const object = body as K8sObject;
    if (typeof object.metadata !== 'object' || object.metadata === null) {
      object.metadata = {} as K8sObject['metadata'];
    }
    if (target.info.namespaced) {
      if (
        object.metadata.namespace &&
        object.metadata.namespace !== target.namespace
      ) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      if (!target.namespace)
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'namespaced objects are written under /namespaces/<namespace>/',
        );
      object.metadata.namespace = target.namespace;
    }
    if (
      target.name !== undefined &&
      object.metadata.name !== undefined &&
      object.metadata.name !== target.name
    ) {
      throw badRequest(
        'the name of the object does not match the name on the URL',
      );
    }
    if (target.name !== undefined) object.metadata.name = target.name;
    return object;
  }

  /**
   * Unknown fields: rejected with `fieldValidation=Strict`, reported as warnings otherwise
   * (`Warn`, the default), silently dropped with `Ignore`. They are pruned in every case.
   */
  #checkUnknownFields(
    target: Target,
    object: K8sObject,
    q: URLSearchParams,
    res: ServerResponse,
  ): void {
    const directive = q.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(directive)) {
      throw badRequest(
        `fieldValidation must be one of Ignore, Warn, Strict (got ${directive})`,
      );
    }
    const schema = this.#schema(target.info.resource);
    if (!schema || directive === 'Ignore') return;
    const unknown = prune(schema, structuredClone(object), true);
    if (unknown.length === 0) return;
    if (directive === 'Strict') {
      throw badRequest(
        `${target.info.kind} in version "${
          target.version
        }" cannot be handled as a ${
          target.info.kind
        }: strict decoding error: ${unknown
          .map(u => `unknown field "${u}"`)
          .join(', ')}`,
      );
    }
    res.setHeader(
      'Warning',
      unknown.map(u => `299 - "unknown field \\"${u}\\""`),
    );
  }

  #create(
    target: Target,
    body: unknown,
    q: URLSearchParams,
    options: StoreWriteOptions,
    req: IncomingMessage,
    res: ServerResponse,
  ): K8sObject {
    if (target.subresource)
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    const object = this.#checkBody(target, body);
    this.#checkUnknownFields(target, object, q, res);
    delete object.metadata.managedFields;
    delete object.metadata.resourceVersion;
    if (target.info.statusSubresource && target.info.crd) delete object.status;
    trackUpdate(
      undefined,
      object,
      this.#fieldManager(q, req),
      this.#options.store.servedApiVersion(target.info.resource),
      this.#schema(target.info.resource),
    );
    return this.#options.store.create(target.info.resource, object, options);
  }

  #update(
    target: Target,
    body: unknown,
    q: URLSearchParams,
    options: StoreWriteOptions,
    req: IncomingMessage,
    res: ServerResponse,
  ): K8sObject {
    const object = this.#checkBody(target, body);
    this.#checkUnknownFields(target, object, q, res);
    const { info } = target;
    const old = this.#options.store.peek(
      info.resource,
      target.name!,
      target.namespace,
    );
    if (!old) throw notFound(info.resource, target.name!, info.group);
    return this.#write(
      target,
      old,
      object,
      this.#fieldManager(q, req),
      options,
      true,
    );
  }

  /** Apply the subresource rules, record field ownership and store an update. */
  #write(
    target: Target,
    old: K8sObject,
    next: K8sObject,
    manager: string,
    options: StoreWriteOptions,
    trackFields: boolean,
    appliedManagedFields = false,
  ): K8sObject {
    const { info } = target;
    let object = next;
    if (target.subresource === 'status') {
      object = { ...structuredClone(old), status: next.status };
      if (next.metadata.resourceVersion)
        object.metadata.resourceVersion = next.metadata.resourceVersion;
      if (appliedManagedFields)
        object.metadata.managedFields = next.metadata.managedFields;
    } else if (info.statusSubresource) {
      if (old.status === undefined) delete object.status;
      else object.status = structuredClone(old.status);
    }
    if (!appliedManagedFields) {
      object.metadata.managedFields = structuredClone(
        old.metadata.managedFields,
      );
    }
    if (trackFields) {
      trackUpdate(
        old,
        object,
        manager,
        this.#options.store.servedApiVersion(info.resource),
        this.#schema(info.resource),
        target.subresource,
      );
    }
    return this.#options.store.update(info.resource, object, {
      ...options,
      checkResourceVersion: true,
    });
  }

  #patch(
    target: Target,
    raw: Buffer,
    req: IncomingMessage,
    q: URLSearchParams,
    options: StoreWriteOptions,
    res: ServerResponse,
  ): { object: K8sObject; created: boolean } {
    const { info } = target;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const text = raw.toString('utf8');
    const manager = q.get('fieldManager');
    const old = this.#options.store.peek(
      info.resource,
      target.name!,
      target.namespace,
    );
    if (
      type === 'application/apply-patch+yaml' ||
      type === 'application/apply-patch+cbor'
    ) {
      if (!manager) {
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          {
            causes: [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: is required for apply patch',
                field: 'fieldManager',
              },
            ],
          },
        );
      }
      let applied: unknown;
      try {
        applied = parseYaml(text);
      } catch (error) {
        throw badRequest(
          `error decoding YAML: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
      const body = this.#checkBody(target, applied);
      this.#checkUnknownFields(target, body, q, res);
      const served = this.#options.store.servedApiVersion(info.resource);
      if (body.apiVersion !== served || body.kind !== info.kind) {
        throw badRequest(
          `apply patches must name apiVersion ${served} and kind ${
            info.kind
          } (got ${String(body.apiVersion)} ${String(body.kind)})`,
        );
      }
      const force = q.get('force') === 'true';
      if (q.has('force') && !['true', 'false'].includes(q.get('force')!))
        throw badRequest('force must be true or false');
      const merged = serverSideApply(
        old,
        body,
        manager,
        served,
        this.#schema(info.resource),
        force,
        target.subresource,
      ) as K8sObject;
      if (!old) {
        if (target.subresource)
          throw notFound(info.resource, target.name!, info.group);
        if (info.statusSubresource && info.crd) delete merged.status;
        merged.apiVersion = served;
        merged.kind = info.kind;
        return {
          object: this.#options.store.create(info.resource, merged, options),
          created: true,
        };
      }
      merged.metadata.resourceVersion = body.metadata.resourceVersion;
      return {
        object: this.#write(target, old, merged, manager, options, false, true),
        created: false,
      };
    }
    if (!old) throw notFound(info.resource, target.name!, info.group);
    let patchBody: unknown;
    try {
      patchBody = JSON.parse(text);
    } catch {
      try {
        patchBody = parseYaml(text);
      } catch (error) {
        throw badRequest(
          `error decoding patch: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
    let next: unknown;
    switch (type) {
      case 'application/json-patch+json':
        next = jsonPatch(old, patchBody);
        break;
      case 'application/merge-patch+json':
        next = mergePatch(old, patchBody);
        break;
      case 'application/strategic-merge-patch+json':
        if (info.crd) {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        }
        next = strategicMergePatch(old, patchBody);
        break;
      default:
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${
            info.crd ? '' : ', application/strategic-merge-patch+json'
          }, application/apply-patch+yaml`,
        );
    }
    const object = this.#checkBody(target, next);
    this.#checkUnknownFields(target, object, q, res);
    const patchMeta = (
      patchBody as { metadata?: { resourceVersion?: string } } | null
    )?.metadata;
    if (
      !(patchMeta && typeof patchMeta === 'object' && patchMeta.resourceVersion)
    ) {
      object.metadata.resourceVersion = old.metadata.resourceVersion;
    }
    return {
      object: this.#write(
        target,
        old,
        object,
        manager ?? this.#fieldManager(q, req),
        options,
        true,
      ),
      created: false,
    };
  }

  #selectors(
    q: URLSearchParams,
    info: ResourceInfo,
  ): { labels: LabelSelector; fields: FieldSelector } {
    return {
      labels: parseLabelSelector(q.get('labelSelector') ?? ''),
      fields: parseFieldSelector(q.get('fieldSelector') ?? '', info.kind),
    };
  }

  #matches(
    o: K8sObject,
    sel: { labels: LabelSelector; fields: FieldSelector },
    namespace?: string,
  ): boolean {
    if (namespace && o.metadata.namespace !== namespace) return false;
    return (
      matchesLabels(sel.labels, o.metadata.labels) &&
      matchesFields(sel.fields, o)
    );
  }

  #wantsTable(req: IncomingMessage): boolean {
    const accept = req.headers.accept ?? '';
    return accept
      .split(',')
      .some(
        p =>
          p.includes('as=Table') &&
          p.includes('g=meta.k8s.io') &&
          /v=v1(;|$|\s|,)/.test(`${p};`),
      );
  }

  #list(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    target: Target,
    role: Role,
  ) {
    const { info, namespace } = target;
    const store = this.#options.store;
    const sel = this.#selectors(q, info);
    const limitText = q.get('limit');
    const limit = limitText ? Number(limitText) : 0;
    if (limitText && !(Number.isInteger(limit) && limit >= 0))
      throw badRequest(`invalid limit: ${limitText}`);
    let listRv = Number(store.currentResourceVersion());
    let start = '';
    const cont = q.get('continue');
    if (cont) {
      let token: ContinueToken;
      try {
        token = JSON.parse(
          Buffer.from(cont, 'base64url').toString('utf8'),
        ) as ContinueToken;
        if (typeof token.rv !== 'number' || typeof token.start !== 'string')
          throw new Error('bad token');
      } catch {
        throw badRequest(
          'continue key is not valid: the continue token could not be decoded',
        );
      }
      if (store.eventsSince(token.rv) === 'expired') {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      listRv = token.rv;
      start = token.start;
    } else {
      const rv = q.get('resourceVersion');
      if (
        rv &&
        rv !== '0' &&
        Number(rv) > Number(store.currentResourceVersion())
      ) {
        throw new ApiError(
          504,
          'Timeout',
          `Too large resource version: ${rv}, current: ${store.currentResourceVersion()}`,
          {
            causes: [
              {
                reason: 'ResourceVersionTooLarge',
                message: 'Too large resource version',
              },
            ],
            retryAfterSeconds: 1,
          },
        );
      }
      if (
        rv &&
        rv !== '0' &&
        q.get('resourceVersionMatch') === 'Exact' &&
        rv !== store.currentResourceVersion()
      ) {
        if (store.eventsSince(Number(rv)) === 'expired') {
          throw new ApiError(
            410,
            'Expired',
            `too old resource version: ${rv} (${store.currentResourceVersion()})`,
          );
        }
        throw new ApiError(
          400,
          'BadRequest',
          'resourceVersionMatch=Exact for a resourceVersion other than the latest is not supported by the embedded cluster',
        );
      }
    }
    const all = store
      .peekList(info.resource, namespace)
      .filter(o => (!start || objectKey(o) > start) && this.#matches(o, sel));
    const page = limit > 0 ? all.slice(0, limit) : all;
    const more = limit > 0 && all.length > limit;
    const continueToken = more
      ? Buffer.from(
          JSON.stringify({
            rv: listRv,
            start: objectKey(page[page.length - 1]),
          } satisfies ContinueToken),
        ).toString('base64url')
      : undefined;
    const items = page.map(o => this.#present(o, role));
    if (this.#wantsTable(req)) {
      this.#sendJson(
        res,
        200,
        buildTable(
          info.resource,
          this.#options.validator.crdFor(info.resource)?.printerColumns,
          items,
          {
            includeObject: q.get('includeObject') ?? undefined,
            resourceVersion: String(listRv),
            continueToken,
            remaining: more ? all.length - limit : undefined,
          },
        ),
      );
      return;
    }
    this.#sendJson(res, 200, {
      kind: info.listKind,
      apiVersion: store.servedApiVersion(info.resource),
      metadata: {
        resourceVersion: String(listRv),
        ...(continueToken
          ? { continue: continueToken, remainingItemCount: all.length - limit }
          : {}),
      },
      items,
    });
  }

  #watch(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    target: Target,
    role: Role,
  ) {
    const sel = this.#selectors(q, target.info);
    this.#watchHub.serve(req, res, {
      info: target.info,
      namespace: target.namespace,
      query: q,
      table: this.#wantsTable(req),
      printerColumns: this.#options.validator.crdFor(target.info.resource)
        ?.printerColumns,
      present: o => this.#present(o, role),
      matches: o => this.#matches(o, sel, target.namespace),
      renderKey: role,
    });
  }

  /** What a caller may see of an object (Secret data is redacted for the read-only token). */
  #present(o: K8sObject, role: Role): K8sObject {
    if (o.kind === 'Secret' && role !== 'admin') {
      const { data: _d, stringData: _s, ...rest } = o;
      const annotations = o.metadata.annotations;
      if (annotations && LAST_APPLIED in annotations) {
        // kubectl's client-side apply keeps the whole applied Secret, data included, here.
        const { [LAST_APPLIED]: _l, ...others } = annotations;
        rest.metadata = { ...o.metadata, annotations: others };
      }
      return rest as K8sObject;
    }
    return o;
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
      this.#sendJson(
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
    this.#sendJson(res, 200, found.doc);
  }

  async #handleSim(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    if (path === '/_sim/throttle' && method === 'POST') {
      const body = (await this.#readBody(req)) as { n?: unknown };
      const n = Number(body?.n);
      if (!Number.isInteger(n) || n < 0)
        throw badRequest(
          'throttle: body must be {"n": <non-negative integer>}',
        );
      this.throttle(n);
      this.#sendJson(res, 200, { throttled: n });
      return;
    }
    if (path === '/_sim/expire-watch-history' && method === 'POST') {
      this.#options.store.expireHistory();
      this.#sendJson(res, 200, {
        resourceVersion: this.#options.store.currentResourceVersion(),
      });
      return;
    }
    if (path === '/_sim/close-watches' && method === 'POST') {
      this.closeWatches();
      this.#sendJson(res, 200, { closed: true });
      return;
    }
    if (path === '/_sim/settle' && method === 'POST') {
      await this.#options.hooks?.settle?.();
      this.#sendJson(res, 200, { settled: true });
      return;
    }
    if (path === '/_sim/images' && method === 'GET') {
      this.#sendJson(res, 200, { items: this.#options.catalog.list() });
      return;
    }
    if (path === '/_sim/unenforced-rules' && method === 'GET') {
      this.#sendJson(res, 200, {
        items: this.#options.validator.unenforcedRules(),
      });
      return;
    }
    throw new ApiError(404, 'NotFound', `unknown test hook ${method} ${path}`);
  }

  async #readRaw(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY)
        throw new ApiError(
          413,
          'RequestEntityTooLarge',
          'the request body is too large',
        );
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async #readBody(req: IncomingMessage): Promise<unknown> {
    const raw = (await this.#readRaw(req)).toString('utf8');
    if (!raw.trim()) throw badRequest('the request body is empty');
    const type = (req.headers['content-type'] ?? 'application/json')
      .split(';')[0]
      .trim();
    try {
      return type.includes('yaml') ? parseYaml(raw) : JSON.parse(raw);
    } catch (error) {
      throw badRequest(
        `error decoding the request body: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }

  #sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    contentType = 'application/json',
  ) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  #sendText(res: ServerResponse, status: number, text: string) {
    res.writeHead(status, {
      'Content-Type': 'text/plain',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
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
    this.#sendJson(res, error.code, statusBody(error));
  }
}

/** Resource names, re-exported for callers that map kinds. */
export { resourceInfo };
