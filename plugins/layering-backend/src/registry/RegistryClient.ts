import { createHash } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import {
  classifyHost,
  isRestrictedHostClass,
  parseImageReference,
  type ImageReference,
} from '@rhcos-layering/plugin-layering-common';
import { createGuardedAgent } from './guardedAgent';
import { LruCache } from './LruCache';
import { findTarEntry } from './tar';
import {
  RegistryError,
  type RegistryAuth,
  type RegistryClientOptions,
  type RegistryEndpointConfig,
  type RegistryFetch,
  type RegistryResponse,
} from './types';
import { parseWwwAuthenticate } from './wwwAuthenticate';

/** Media types of the OCI distribution and Docker registry APIs. */
export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

const ACCEPT = [
  MANIFEST_MEDIA_TYPES.ociIndex,
  MANIFEST_MEDIA_TYPES.dockerList,
  MANIFEST_MEDIA_TYPES.ociManifest,
  MANIFEST_MEDIA_TYPES.dockerManifest,
].join(', ');

const MAX_REDIRECTS = 5;
const DEFAULT_TOKEN_SECONDS = 60;

/** Where and how one image is read. */
interface Endpoint {
  /** Origin plus path prefix, without trailing slash, e.g. `https://quay.io`. */
  base: string;
  origin: string;
  /** Repository path below `/v2/`. */
  repository: string;
  auth?: RegistryAuth;
  /** True when the endpoint is a mirror written in the configuration (trusted as is). */
  explicit: boolean;
  /** False when the configuration asks to accept content that does not match its digest. */
  verifyDigests: boolean;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

interface Manifest {
  mediaType: string;
  digest: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** Labels and identity of an image's config. */
export interface ImageConfigInfo {
  /** Digest of the platform manifest read. */
  manifestDigest: string;
  configDigest: string;
  labels: Record<string, string>;
}

const RESTRICTED_LABELS: Record<string, string> = {
  loopback: 'a loopback',
  'link-local': 'a link-local',
  private: 'a private',
  metadata: 'a cloud metadata',
  unspecified: 'an unspecified',
};

const HOW_TO_ALLOW =
  "write it as a mirror under layering.registries (or under the cluster's registries) to allow it";

/**
 * The destination check for every host that is not a configured mirror:
 * loopback, link-local, private, cloud metadata and unspecified addresses are
 * refused, whether written in the URL or answered by DNS.
 */
function refuseRestricted(
  host: string,
  address?: string,
): RegistryError | undefined {
  if (address === undefined) {
    const kind = classifyHost(host);
    // A name is judged by the addresses it resolves to.
    if (kind === 'public' || kind === 'hostname') return undefined;
    if (kind === 'invalid') {
      return new RegistryError(
        'refused-endpoint',
        `Refusing to connect to ${host}: it is not a valid host name or address.`,
      );
    }
    return new RegistryError(
      'refused-endpoint',
      `Refusing to connect to ${host}: it is ${
        RESTRICTED_LABELS[kind] ?? kind
      } ${isIP(host) ? 'address' : 'host name'}; ${HOW_TO_ALLOW}.`,
    );
  }
  const kind = classifyHost(address);
  if (kind === 'public') return undefined;
  if (!isRestrictedHostClass(kind)) {
    return new RegistryError(
      'refused-endpoint',
      `Refusing to connect to ${host}: it resolved to something that is not an IP address.`,
    );
  }
  return new RegistryError(
    'refused-endpoint',
    `Refusing to connect to ${host}: it resolved to ${address}, ${
      RESTRICTED_LABELS[kind] ?? kind
    } address; ${HOW_TO_ALLOW}.`,
  );
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function describe(reference: string, endpoint: Endpoint): string {
  return `${reference} (via ${endpoint.origin})`;
}

/**
 * Cache key of an answer: the digest alone when digests are verified (content
 * is then the same wherever it is read), else scoped to the endpoint.
 */
function cacheKey(endpoint: Endpoint, digest: string): string {
  return endpoint.verifyDigests ? digest : `${endpoint.origin}|${digest}`;
}

function stringLabels(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') labels[k] = v;
    }
  }
  return labels;
}

/**
 * Reads image config labels over the OCI distribution API.
 *
 * @remarks
 * For each image it picks the configured endpoint (a mirror or
 * `https://<host>`), fetches the manifest (following an index to the
 * configured platform, linux/amd64 by default), then the config blob, and
 * returns its labels. It answers the Bearer token challenge of
 * `WWW-Authenticate` (with basic credentials at the realm when configured)
 * and Basic challenges, verifies digests, follows blob redirects (dropping
 * credentials when the redirect leaves the registry's origin), and refuses
 * destinations that are or resolve to loopback, link-local, private or cloud
 * metadata addresses unless they are a mirror written in the configuration.
 * Names are judged when each connection opens, on the very addresses it
 * connects to (see `guardedAgent.ts`), so a DNS answer that changes between
 * lookups cannot reach a refused address. Results are cached by digest,
 * which is immutable.
 */
export class RegistryClient {
  readonly #registries: RegistryEndpointConfig[];
  readonly #logger?: RegistryClientOptions['logger'];
  readonly #timeoutMs: number;
  readonly #platform: { os: string; architecture: string; variant?: string };
  readonly #maxManifestBytes: number;
  readonly #maxConfigBytes: number;
  readonly #maxLayerBytes: number;
  readonly #fetch: RegistryFetch;
  /** Connections to configured mirrors, which are trusted as written. */
  readonly #direct: Dispatcher;
  /** Connections to every other destination, each judged when it opens. */
  readonly #guarded: Dispatcher;
  /** Manifest or config digest → labels. */
  readonly #labels: LruCache<string, ImageConfigInfo>;
  /** Release image digest → rhel-coreos image (or null when the payload names none). */
  readonly #releases: LruCache<string, string | null>;
  readonly #tokens = new Map<string, { header: string; expires: number }>();
  /** Reads in progress, so concurrent callers of the same image share one. */
  readonly #inflight = new Map<string, Promise<ImageConfigInfo | undefined>>();

  constructor(options: RegistryClientOptions) {
    for (const entry of options.registries) {
      if (entry.mirror) RegistryClient.#parseMirror(entry.mirror);
    }
    this.#registries = options.registries.map(r => ({ ...r }));
    this.#logger = options.logger;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
    this.#maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.#maxConfigBytes = options.maxConfigBytes ?? 8 * 1024 * 1024;
    this.#maxLayerBytes = options.maxLayerBytes ?? 64 * 1024 * 1024;
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
    this.#labels = new LruCache(options.cacheSize ?? 500);
    this.#releases = new LruCache(
      Math.max(16, Math.floor((options.cacheSize ?? 500) / 10)),
    );
  }

  /**
   * The config labels of an image.
   *
   * @returns the labels (an empty object when the image has none), or
   *   undefined when the registry does not know the image
   * @throws {@link RegistryError} for every other failure
   */
  async getImageLabels(
    reference: string,
  ): Promise<Record<string, string> | undefined> {
    const info = await this.getImageConfig(reference);
    return info ? { ...info.labels } : undefined;
  }

  /**
   * Manifest digest, config digest and labels of an image.
   * @returns undefined when the registry does not know the image
   */
  async getImageConfig(
    reference: string,
  ): Promise<ImageConfigInfo | undefined> {
    const ref = this.#parse(reference);
    if (ref.digest) {
      const cached = this.#labels.get(
        cacheKey(this.#endpointFor(ref), ref.digest),
      );
      if (cached) return cached;
    }
    const key = reference.trim();
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const read = this.#readImageConfig(reference, ref).finally(() => {
      this.#inflight.delete(key);
    });
    this.#inflight.set(key, read);
    return read;
  }

  async #readImageConfig(
    reference: string,
    ref: ImageReference,
  ): Promise<ImageConfigInfo | undefined> {
    const endpoint = this.#endpointFor(ref);
    const manifest = await this.#platformManifest(reference, ref, endpoint);
    if (!manifest) return undefined;
    const cached = this.#labels.get(cacheKey(endpoint, manifest.digest));
    if (cached) return cached;
    const configDigest = manifest.config?.digest;
    if (!configDigest || !/^sha256:[a-f0-9]{64}$/.test(configDigest)) {
      throw new RegistryError(
        'bad-response',
        `The manifest of ${describe(
          reference,
          endpoint,
        )} names no config blob.`,
      );
    }
    const blob = await this.#blob(
      reference,
      endpoint,
      configDigest,
      this.#maxConfigBytes,
    );
    if (!blob) {
      throw new RegistryError(
        'not-found',
        `The config blob of ${describe(reference, endpoint)} is missing.`,
        404,
      );
    }
    let config: { config?: { Labels?: unknown } };
    try {
      config = JSON.parse(blob.toString('utf8'));
    } catch {
      throw new RegistryError(
        'bad-response',
        `The config blob of ${describe(reference, endpoint)} is not JSON.`,
      );
    }
    const info: ImageConfigInfo = {
      manifestDigest: manifest.digest,
      configDigest,
      labels: stringLabels(config?.config?.Labels),
    };
    this.#labels.set(cacheKey(endpoint, manifest.digest), info);
    if (ref.digest && ref.digest !== manifest.digest)
      this.#labels.set(cacheKey(endpoint, ref.digest), info);
    return info;
  }

  /**
   * The `rhel-coreos` image a release payload references: reads the payload's
   * `release-manifests/image-references` from its layers (newest first).
   *
   * @returns the image by digest, or undefined when the registry does not know
   *   the release or the payload names no `rhel-coreos` tag
   */
  async getReleaseRhcosImage(
    releaseImage: string,
  ): Promise<string | undefined> {
    const ref = this.#parse(releaseImage);
    const endpoint = this.#endpointFor(ref);
    if (ref.digest && this.#releases.has(cacheKey(endpoint, ref.digest))) {
      return this.#releases.get(cacheKey(endpoint, ref.digest)) ?? undefined;
    }
    const manifest = await this.#platformManifest(releaseImage, ref, endpoint);
    if (!manifest) return undefined;
    let found: string | null = null;
    for (const layer of [...(manifest.layers ?? [])].reverse()) {
      if (!layer.digest || (layer.size ?? 0) > this.#maxLayerBytes) continue;
      const blob = await this.#blob(
        releaseImage,
        endpoint,
        layer.digest,
        this.#maxLayerBytes,
      );
      if (!blob) continue;
      let archive: Buffer;
      try {
        archive =
          blob[0] === 0x1f && blob[1] === 0x8b
            ? gunzipSync(blob, { maxOutputLength: this.#maxLayerBytes * 4 })
            : blob;
      } catch {
        continue; // zstd or damaged layers cannot hold what we read here
      }
      const entry = findTarEntry(archive, 'release-manifests/image-references');
      if (!entry) continue;
      try {
        const stream = JSON.parse(entry.toString('utf8')) as {
          spec?: { tags?: Array<{ name?: string; from?: { name?: string } }> };
        };
        const tag = stream.spec?.tags?.find(t => t.name === 'rhel-coreos');
        found = tag?.from?.name ?? null;
      } catch {
        throw new RegistryError(
          'bad-response',
          `The image references of ${describe(
            releaseImage,
            endpoint,
          )} are not JSON.`,
        );
      }
      break;
    }
    this.#releases.set(cacheKey(endpoint, manifest.digest), found);
    if (ref.digest) this.#releases.set(cacheKey(endpoint, ref.digest), found);
    return found ?? undefined;
  }

  #parse(reference: string): ImageReference {
    const ref = parseImageReference(reference);
    if (!ref) {
      throw new RegistryError(
        'invalid-reference',
        `"${reference}" is not a valid image reference.`,
      );
    }
    return ref;
  }

  static #parseMirror(mirror: string): URL {
    let url: URL;
    try {
      url = new URL(mirror);
    } catch {
      throw new RegistryError(
        'invalid-reference',
        'A configured registry mirror is not a valid URL.',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(
        'invalid-reference',
        `Registry mirror ${url.host} must use http or https.`,
      );
    }
    if (url.username || url.password) {
      throw new RegistryError(
        'invalid-reference',
        `Registry mirror ${url.host} has credentials in its URL; put them under auth.`,
      );
    }
    if (url.search || url.hash) {
      throw new RegistryError(
        'invalid-reference',
        `Registry mirror ${url.host} must not have a query or fragment.`,
      );
    }
    return url;
  }

  #endpointFor(ref: ImageReference): Endpoint {
    let registry = (ref.registry ?? 'docker.io').toLowerCase();
    let repository = ref.repository;
    const names = [registry];
    if (registry === 'docker.io' || registry === 'index.docker.io') {
      registry = 'registry-1.docker.io';
      names.push('docker.io', 'index.docker.io', registry);
      if (!repository.includes('/')) repository = `library/${repository}`;
    }
    const entry =
      this.#registries.find(r => names.includes(r.host.trim().toLowerCase())) ??
      this.#registries.find(r => r.host.trim() === '*');
    if (entry?.mirror) {
      const url = RegistryClient.#parseMirror(entry.mirror);
      const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
      const path = [prefix, entry.host === '*' ? registry : '', repository]
        .filter(Boolean)
        .join('/');
      return {
        base: url.origin,
        origin: url.origin,
        repository: path,
        auth: entry.auth,
        explicit: true,
        verifyDigests: !entry.dangerouslySkipDigestVerification,
      };
    }
    const origin = `https://${registry}`;
    return {
      base: origin,
      origin,
      repository,
      auth: entry?.auth,
      explicit: false,
      verifyDigests: !entry?.dangerouslySkipDigestVerification,
    };
  }

  async #send(
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
  async #get(
    reference: string,
    endpoint: Endpoint,
    path: string,
    accept: string,
  ): Promise<{ response: RegistryResponse; url: URL }> {
    const scope = `repository:${endpoint.repository}:pull`;
    let url = new URL(`${endpoint.base}/v2/${endpoint.repository}/${path}`);
    let authorization = this.#authorization(endpoint, scope);
    let challenged = false;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = url.origin === endpoint.origin;
      const headers: Record<string, string> = { Accept: accept };
      // Credentials go to the registry's own origin only, never to a redirect target elsewhere.
      if (sameOrigin && authorization) headers.Authorization = authorization;
      const response = await this.#send(
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
        authorization = await this.#answerChallenge(
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
            `${describe(reference, endpoint)} redirected to a non-HTTP URL.`,
          );
        }
        continue;
      }
      return { response, url };
    }
    throw new RegistryError(
      'bad-response',
      `Too many redirects reading ${describe(reference, endpoint)}.`,
    );
  }

  #authorization(endpoint: Endpoint, scope: string): string | undefined {
    if (endpoint.auth?.token) return `Bearer ${endpoint.auth.token}`;
    const cached = this.#tokens.get(this.#tokenKey(endpoint, scope));
    if (cached && cached.expires > Date.now()) return cached.header;
    return undefined;
  }

  #tokenKey(endpoint: Endpoint, scope: string): string {
    return `${endpoint.origin}|${scope}|${endpoint.auth?.username ?? ''}`;
  }

  async #answerChallenge(
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
      const realm = new URL(bearer.params.realm, endpoint.origin);
      const realmOrigin = realm.origin === endpoint.origin;
      if (realm.protocol !== 'https:' && !(realmOrigin && endpoint.explicit)) {
        throw new RegistryError(
          'unauthorized',
          `${describe(
            reference,
            endpoint,
          )} asks for a token from a non-https realm; refusing to send credentials there.`,
        );
      }
      realm.searchParams.set('scope', bearer.params.scope || scope);
      if (bearer.params.service)
        realm.searchParams.set('service', bearer.params.service);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (basicHeader) headers.Authorization = basicHeader;
      const response = await this.#send(
        realm,
        { headers },
        realmOrigin && endpoint.explicit,
      );
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new RegistryError(
          'unauthorized',
          `The token service of ${describe(
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
          `The token service of ${describe(
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
            await this.#readLimited(response, 1024 * 1024, reference, endpoint)
          ).toString('utf8'),
        );
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        throw new RegistryError(
          'bad-response',
          `The token service of ${describe(
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
          `The token service of ${describe(
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
        ? `${describe(
            reference,
            endpoint,
          )} needs credentials; configure auth for this registry.`
        : `${describe(
            reference,
            endpoint,
          )} answered 401 without a usable challenge.`,
      401,
    );
  }

  async #readLimited(
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
        `A response for ${describe(
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
            `A response for ${describe(
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
          `Reading ${describe(reference, endpoint)} took longer than ${
            this.#timeoutMs
          } ms.`,
        );
      }
      throw new RegistryError(
        'network',
        `The connection broke while reading ${describe(reference, endpoint)}.`,
      );
    }
    return Buffer.concat(chunks);
  }

  #statusError(
    reference: string,
    endpoint: Endpoint,
    status: number,
    what: string,
  ): RegistryError {
    if (status === 401)
      return new RegistryError(
        'unauthorized',
        `${describe(
          reference,
          endpoint,
        )}: the registry refused the credentials for the ${what}.`,
        status,
      );
    if (status === 403)
      return new RegistryError(
        'forbidden',
        `${describe(reference, endpoint)}: access to the ${what} is forbidden.`,
        status,
      );
    if (status === 429)
      return new RegistryError(
        'bad-response',
        `${describe(
          reference,
          endpoint,
        )}: the registry is rate limiting (HTTP 429).`,
        status,
      );
    return new RegistryError(
      'bad-response',
      `${describe(
        reference,
        endpoint,
      )}: the registry answered HTTP ${status} for the ${what}.`,
      status,
    );
  }

  /** Fetches a manifest; null when the registry does not know it. */
  async #manifest(
    reference: string,
    endpoint: Endpoint,
    tagOrDigest: string,
  ): Promise<Manifest | null> {
    const { response } = await this.#get(
      reference,
      endpoint,
      `manifests/${tagOrDigest}`,
      ACCEPT,
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw this.#statusError(reference, endpoint, response.status, 'manifest');
    }
    const body = await this.#readLimited(
      response,
      this.#maxManifestBytes,
      reference,
      endpoint,
    );
    let digest = sha256(body);
    if (
      tagOrDigest.startsWith('sha256:') &&
      digest !== tagOrDigest &&
      !endpoint.verifyDigests
    ) {
      // A development registry serving made-up digests: keep the caller's identity.
      digest = tagOrDigest;
    } else if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) {
      throw new RegistryError(
        'digest-mismatch',
        `The manifest of ${describe(
          reference,
          endpoint,
        )} does not match its digest.`,
      );
    }
    let json: Omit<Manifest, 'digest'>;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError(
        'bad-response',
        `The manifest of ${describe(reference, endpoint)} is not JSON.`,
      );
    }
    const contentType = (response.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim();
    const mediaType =
      typeof json.mediaType === 'string' && json.mediaType
        ? json.mediaType
        : contentType;
    return { ...json, mediaType, digest };
  }

  /** The manifest of the configured platform, following an index; null when unknown. */
  async #platformManifest(
    reference: string,
    ref: ImageReference,
    endpoint: Endpoint,
  ): Promise<Manifest | null> {
    const manifest = await this.#manifest(
      reference,
      endpoint,
      ref.digest ?? ref.tag ?? 'latest',
    );
    if (!manifest) return null;
    const isIndex =
      manifest.mediaType === MANIFEST_MEDIA_TYPES.ociIndex ||
      manifest.mediaType === MANIFEST_MEDIA_TYPES.dockerList ||
      (Array.isArray(manifest.manifests) && !manifest.config);
    if (!isIndex) return manifest;
    const { os, architecture, variant } = this.#platform;
    const candidates = (manifest.manifests ?? []).filter(
      m =>
        m.platform?.os === os &&
        m.platform?.architecture === architecture &&
        typeof m.digest === 'string',
    );
    const chosen =
      candidates.find(m => !variant || m.platform?.variant === variant) ??
      candidates[0];
    if (!chosen?.digest) {
      throw new RegistryError(
        'no-platform',
        `${describe(
          reference,
          endpoint,
        )} is an index without a ${os}/${architecture} image.`,
      );
    }
    const platformManifest = await this.#manifest(
      reference,
      endpoint,
      chosen.digest,
    );
    if (!platformManifest) {
      throw new RegistryError(
        'not-found',
        `The ${os}/${architecture} manifest of ${describe(
          reference,
          endpoint,
        )} is missing.`,
        404,
      );
    }
    return platformManifest;
  }

  /** Fetches and verifies a blob; null when the registry does not have it. */
  async #blob(
    reference: string,
    endpoint: Endpoint,
    digest: string,
    max: number,
  ): Promise<Buffer | null> {
    const { response } = await this.#get(
      reference,
      endpoint,
      `blobs/${digest}`,
      '*/*',
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw this.#statusError(reference, endpoint, response.status, 'blob');
    }
    const body = await this.#readLimited(response, max, reference, endpoint);
    if (endpoint.verifyDigests && sha256(body) !== digest) {
      throw new RegistryError(
        'digest-mismatch',
        `A blob of ${describe(reference, endpoint)} does not match its digest.`,
      );
    }
    return body;
  }
}
