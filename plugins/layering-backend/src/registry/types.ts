import type { LoggerService } from '@backstage/backend-plugin-api';

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
   * Resolves a host name to its addresses (to refuse private and metadata
   * destinations). Default: `dns.promises.lookup(host, { all: true })`.
   */
  lookup?: (host: string) => Promise<string[]>;
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

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
