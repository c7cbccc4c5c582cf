/*
 * A small OCI distribution server for unit tests: manifests and blobs per
 * repository, optional Bearer (token service on the same server) or Basic
 * auth, optional blob redirects, and a log of the requests it saw.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Blob, BuiltImage } from './images';

export interface SeenRequest {
  path: string;
  authorization?: string;
  accept?: string;
}

export interface TestRegistryOptions {
  auth?: 'none' | 'bearer' | 'basic';
  username?: string;
  password?: string;
  /** Blob requests answer 307 to `<origin>/cdn/<digest>`. */
  redirectBlobsTo?: string;
  /** Paths (prefix match) that never answer. */
  hang?: string[];
  /** Blob digests answered with other bytes. */
  tamper?: string[];
  /** Realm the Bearer challenge names. Default: this server's `/token`. */
  realm?: string;
  /** The token service also issues tokens to requests without credentials. */
  anonymousTokens?: boolean;
}

export class TestRegistry {
  readonly requests: SeenRequest[] = [];
  /** TCP connections accepted, whether or not a request followed. */
  connections = 0;
  tokenRequests: SeenRequest[] = [];
  url = '';
  readonly #repos = new Map<
    string,
    { manifests: Map<string, Blob>; blobs: Map<string, Blob> }
  >();
  readonly #server: Server;
  readonly #options: TestRegistryOptions;
  readonly #issued = new Set<string>();
  readonly #hanging = new Set<ServerResponse>();

  constructor(options: TestRegistryOptions = {}) {
    this.#options = options;
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', () => {
      this.connections += 1;
    });
  }

  async start(): Promise<this> {
    await new Promise<void>(resolve =>
      this.#server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #repo(name: string) {
    let repo = this.#repos.get(name);
    if (!repo) {
      repo = { manifests: new Map(), blobs: new Map() };
      this.#repos.set(name, repo);
    }
    return repo;
  }

  /** Stores an image under `tag` (and its digest). */
  addImage(repository: string, tag: string | null, image: BuiltImage): void {
    const repo = this.#repo(repository);
    for (const b of [image.config, ...image.layers])
      repo.blobs.set(b.digest, b);
    repo.manifests.set(image.manifest.digest, image.manifest);
    if (tag) repo.manifests.set(tag, image.manifest);
  }

  /** Stores a manifest or index as is. */
  addManifest(repository: string, tag: string | null, manifest: Blob): void {
    const repo = this.#repo(repository);
    repo.manifests.set(manifest.digest, manifest);
    if (tag) repo.manifests.set(tag, manifest);
  }

  #authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    switch (this.#options.auth ?? 'none') {
      case 'bearer':
        return (
          !!header &&
          header.startsWith('Bearer ') &&
          this.#issued.has(header.slice(7))
        );
      case 'basic':
        return header === this.#basic();
      default:
        return true;
    }
  }

  #basic(): string {
    return `Basic ${Buffer.from(
      `${this.#options.username}:${this.#options.password}`,
    ).toString('base64')}`;
  }

  #json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const seen = {
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    };
    if (this.#options.hang?.some(p => url.pathname.startsWith(p))) {
      this.#hanging.add(res);
      return;
    }
    if (url.pathname === '/token') {
      this.tokenRequests.push(seen);
      const anonymous =
        this.#options.anonymousTokens && !req.headers.authorization;
      if (!anonymous && req.headers.authorization !== this.#basic()) {
        this.#json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
        return;
      }
      const token = `tok-${this.#issued.size + 1}-${url.searchParams.get(
        'scope',
      )}`;
      this.#issued.add(token);
      this.#json(res, 200, { token, expires_in: 300 });
      return;
    }
    if (url.pathname.startsWith('/cdn/')) {
      this.requests.push(seen);
      const digest = url.pathname.slice('/cdn/'.length);
      const found = [...this.#repos.values()]
        .map(r => r.blobs.get(digest))
        .find(Boolean);
      if (!found) {
        this.#json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN' }] });
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': found.data.length,
      });
      res.end(found.data);
      return;
    }
    this.requests.push(seen);
    if (!this.#authorized(req)) {
      const challenge =
        this.#options.auth === 'bearer'
          ? `Bearer realm="${
              this.#options.realm ?? `${this.url}/token`
            }",service="test-registry"`
          : 'Basic realm="test"';
      this.#json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED' }] },
        { 'WWW-Authenticate': challenge },
      );
      return;
    }
    if (url.pathname === '/v2/') {
      this.#json(res, 200, {});
      return;
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const repo = match ? this.#repos.get(match[1]) : undefined;
    if (!match || !repo) {
      this.#json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] });
      return;
    }
    const [, , kind, ref] = match;
    if (kind === 'manifests') {
      const manifest = repo.manifests.get(ref);
      if (!manifest) {
        this.#json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
        return;
      }
      res.writeHead(200, {
        'Content-Type': manifest.mediaType,
        'Content-Length': manifest.data.length,
        'Docker-Content-Digest': manifest.digest,
      });
      res.end(manifest.data);
      return;
    }
    const found = repo.blobs.get(ref);
    if (!found) {
      this.#json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN' }] });
      return;
    }
    if (this.#options.redirectBlobsTo) {
      res.writeHead(307, {
        Location: `${this.#options.redirectBlobsTo}/cdn/${ref}`,
      });
      res.end();
      return;
    }
    const data = this.#options.tamper?.includes(ref)
      ? Buffer.concat([found.data, Buffer.from(' ')])
      : found.data;
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': data.length,
    });
    res.end(data);
  }
}
