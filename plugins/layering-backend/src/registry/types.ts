import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Dispatcher } from 'undici';

/** Credentials for a registry: basic (username + password) or a bearer token. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** Bearer token, sent as is. */
  token?: string;
}

/**
 * One entry of `layering.registries` (or of a cluster's own `registries`).
 *
 * @remarks
 * The first entry whose `host` equals the image's registry host (with port)
 * is used; otherwise the first `*` entry; otherwise the registry is read
 * directly over `https://<host>` without credentials.
 */
export interface RegistryEndpointConfig {
  /** Registry host the image references name (`quay.io`, `registry.example.com:5000`), or `*`. */
  host: string;
  /**
   * Endpoint read instead of `https://<host>`, e.g. `https://mirror.example.com:5000`
   * or `http://127.0.0.1:5000/quay-proxy`. A path is a repository prefix. For a
   * `*` entry the image's own registry host is inserted after that prefix
   * (`/v2/<prefix>/<host>/<repository>`), so one catch-all mirror can serve
   * several upstream registries. Mirrors are trusted as written: they may be
   * plain http and may resolve to private or loopback addresses.
   */
  mirror?: string;
  auth?: RegistryAuth;
  /**
   * Accept manifests and blobs whose content does not hash to the digest they
   * were asked for. Only for development registries that serve made-up
   * digests, such as the embedded cluster's; answers from such an endpoint are
   * cached for that endpoint only.
   */
  dangerouslySkipDigestVerification?: boolean;
}

/** Options of {@link RegistryClient}. */
export interface RegistryClientOptions {
  registries: RegistryEndpointConfig[];
  /** Logger for request-level debug and warnings; never given credentials. */
  logger?: Pick<LoggerService, 'debug' | 'warn'>;
  /** Time limit of each HTTP request, in milliseconds. Default 10000. */
  requestTimeoutMs?: number;
  /** Entries of the label cache (by digest). Default 500. */
  cacheSize?: number;
  /** Platform picked from image indexes. Default linux/amd64. */
  platform?: { os: string; architecture: string; variant?: string };
  /** Largest manifest read, in bytes. Default 4 MiB. */
  maxManifestBytes?: number;
  /** Largest config blob read, in bytes. Default 8 MiB. */
  maxConfigBytes?: number;
  /** Largest layer read when looking for a release's image references, in bytes. Default 64 MiB. */
  maxLayerBytes?: number;
  /**
   * Resolves a host name to its addresses when a connection to a host that
   * is not a configured mirror opens; every address is judged and the socket
   * connects to those same addresses. Default:
   * `dns.promises.lookup(host, { all: true })`.
   */
  lookup?: (host: string) => Promise<string[]>;
  /**
   * Sends one request. Default: undici's `fetch`. A replacement must send
   * the request through `init.dispatcher` (or stand for a network of its
   * own, as tests do), since that is where destinations are checked.
   */
  fetch?: RegistryFetch;
}

/** What the client hands its fetch for one request. */
export interface RegistryRequestInit {
  method: 'GET';
  headers: Record<string, string>;
  redirect: 'manual';
  signal: AbortSignal;
  /**
   * Opens the connections: for a destination that is not a configured
   * mirror, it refuses loopback, link-local, private and metadata addresses
   * at connect time.
   */
  dispatcher: Dispatcher;
}

/**
 * The parts of a fetch response the client reads: both undici's `Response`
 * and the global one fit, although their stream typings differ.
 */
export interface RegistryResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: {
    get(name: string): string | null;
    has(name: string): boolean;
  };
  readonly body: {
    cancel(): Promise<void>;
    getReader(): {
      read(): Promise<
        { done: true; value?: unknown } | { done: false; value: Uint8Array }
      >;
      cancel(): Promise<void>;
    };
  } | null;
}

/** The fetch the client sends its requests with. */
export type RegistryFetch = (
  url: URL,
  init: RegistryRequestInit,
) => Promise<RegistryResponse>;

/** Why a registry read failed. */
export type RegistryErrorCode =
  | 'invalid-reference'
  | 'refused-endpoint'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'timeout'
  | 'network'
  | 'too-large'
  | 'bad-response'
  | 'digest-mismatch'
  | 'no-platform';

/**
 * A failed registry read. The message names the image and the endpoint
 * origin, never credentials, tokens or response bodies.
 */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  /** HTTP status of the failing response, when there was one. */
  readonly status?: number;
  constructor(code: RegistryErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = status;
  }
}
