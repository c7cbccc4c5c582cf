import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  parseImageReference,
  type ImageReference,
} from '@rhcos-layering/plugin-layering-common';
import {
  assertRegistryEntries,
  cacheKey,
  describeRead as describe,
  parseMirror,
  resolveEndpoint,
  type Endpoint,
} from './endpoints';
import { LruCache } from './LruCache';
import { findTarEntry } from './tar';
import { RegistryTransport, statusError } from './transport';
import {
  RegistryError,
  type RegistryClientOptions,
  type RegistryEndpointConfig,
} from './types';

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

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
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
  readonly #platform: { os: string; architecture: string; variant?: string };
  readonly #maxManifestBytes: number;
  readonly #maxConfigBytes: number;
  readonly #maxLayerBytes: number;
  /** Manifest or config digest → labels. */
  readonly #labels: LruCache<string, ImageConfigInfo>;
  /** Release image digest → rhel-coreos image (or null when the payload names none). */
  readonly #releases: LruCache<string, string | null>;
  readonly #transport: RegistryTransport;
  /** Reads in progress, so concurrent callers of the same image share one. */
  readonly #inflight = new Map<string, Promise<ImageConfigInfo | undefined>>();

  constructor(options: RegistryClientOptions) {
    for (const entry of options.registries) {
      if (entry.mirror) parseMirror(entry.mirror);
    }
    assertRegistryEntries(options.registries, 'registries');
    this.#registries = options.registries.map(r => ({ ...r }));
    this.#platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
    this.#maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.#maxConfigBytes = options.maxConfigBytes ?? 8 * 1024 * 1024;
    this.#maxLayerBytes = options.maxLayerBytes ?? 64 * 1024 * 1024;
    this.#transport = new RegistryTransport({
      logger: options.logger,
      lookup: options.lookup,
      fetch: options.fetch,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
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

  #endpointFor(ref: ImageReference): Endpoint {
    return resolveEndpoint(this.#registries, ref);
  }

  /** Fetches a manifest; null when the registry does not know it. */
  async #manifest(
    reference: string,
    endpoint: Endpoint,
    tagOrDigest: string,
  ): Promise<Manifest | null> {
    const { response } = await this.#transport.get(
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
      throw statusError(reference, endpoint, response.status, 'manifest');
    }
    const body = await this.#transport.readLimited(
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
    const { response } = await this.#transport.get(
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
      throw statusError(reference, endpoint, response.status, 'blob');
    }
    const body = await this.#transport.readLimited(response, max, reference, endpoint);
    if (endpoint.verifyDigests && sha256(body) !== digest) {
      throw new RegistryError(
        'digest-mismatch',
        `A blob of ${describe(reference, endpoint)} does not match its digest.`,
      );
    }
    return body;
  }
}
