import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ImageCatalog, ImageRecord } from '../store/types';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/**
 * Media types served by the registry.
 *
 * @public
 */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/**
 * A parsed image reference.
 *
 * @public
 */
export interface ImageReference {
  /** `host[:port]/path` (the registry host is the first component). */
  repository: string;
  digest?: string;
  tag?: string;
}

/**
 * Parse `host[:port]/path[:tag][@sha256:…]`. Returns undefined when the string is not a reference.
 *
 * @public
 */
export function parseImageReference(
  reference: string,
): ImageReference | undefined {
  const trimmed = reference.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) return undefined;
  }
  if (!rest || rest.startsWith('/') || rest.endsWith('/')) return undefined;
  return { repository: rest, digest, tag };
}

/**
 * Blobs and manifests of one image, in one manifest flavour.
 *
 * @public
 */
export interface ImageContent {
  manifest: Buffer;
  manifestMediaType: string;
  /** The digest the manifest is served under (the declared one for declared images). */
  digest: string;
  /** The sha256 of the manifest bytes (differs from `digest` for declared, made-up digests). */
  contentDigest: string;
  blobs: Map<string, Buffer>;
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

// An empty tar archive (two zero blocks), gzipped deterministically: the one layer of every image.
const EMPTY_TAR = Buffer.alloc(1024);
const LAYER = gzipSync(EMPTY_TAR, { level: 9 });
// Fix the gzip header's OS byte so the layer digest does not depend on the platform.
LAYER[9] = 3;
const LAYER_DIGEST = sha256(LAYER);
const LAYER_DIFF_ID = sha256(EMPTY_TAR);

/**
 * Build the config blob and manifest of an image with the given labels.
 *
 * @public
 */
export function buildImageContent(
  labels: Record<string, string>,
  flavour: 'oci' | 'docker',
): { manifest: Buffer; mediaType: string; blobs: Map<string, Buffer> } {
  const sortedLabels = Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map(k => [k, labels[k]]),
  );
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: sortedLabels },
      rootfs: { type: 'layers', diff_ids: [LAYER_DIFF_ID] },
    }),
  );
  const configDigest = sha256(config);
  const oci = flavour === 'oci';
  const mediaType = oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig,
        digest: configDigest,
        size: config.length,
      },
      layers: [
        {
          mediaType: oci ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer,
          digest: LAYER_DIGEST,
          size: LAYER.length,
        },
      ],
    }),
  );
  return {
    manifest,
    mediaType,
    blobs: new Map([
      [configDigest, config],
      [LAYER_DIGEST, LAYER],
    ]),
  };
}

interface StoredImage {
  record: ImageRecord;
  /** Labels declared on the image itself (before inheritance). */
  ownLabels: Record<string, string>;
  /** Whether the digest is the sha256 of the served OCI manifest (true for images added without one). */
  contentAddressed: boolean;
}

/**
 * Input of {@link InMemoryImageCatalog.add}.
 *
 * @public
 */
export interface ImageInput {
  /** `host/path@sha256:…` (declared digest), or `host/path[:tag]` to get a real content digest. */
  image: string;
  labels?: Record<string, string>;
  base?: string;
  broken?: boolean;
  tags?: string[];
  /** Extra data kept with the record (e.g. a release payload's image references). */
  references?: Record<string, string>;
}

/**
 * The embedded registry's image catalogue, in memory.
 *
 * @remarks
 * Images declared with a digest (`images.yaml`) keep that digest even though the manifest served
 * for them cannot hash to it (the declared digests are made up). Images added without a digest
 * (what the simulated builds push) get the sha256 of their OCI manifest as digest.
 *
 * @public
 */
export class InMemoryImageCatalog implements ImageCatalog {
  readonly #images = new Map<string, StoredImage>();
  readonly #tags = new Map<string, string>();
  readonly #listeners = new Set<() => void>();

  resolve(reference: string): ImageRecord | undefined {
    const stored = this.#find(reference);
    return stored ? this.#copy(stored.record) : undefined;
  }

  add(input: ImageInput): ImageRecord {
    const ref = parseImageReference(input.image);
    if (!ref) {
      throw new Error(`Invalid image reference "${input.image}"`);
    }
    let baseLabels: Record<string, string> = {};
    if (input.base) {
      const base = this.#find(input.base);
      if (!base) {
        throw new Error(
          `Image ${input.image}: base image ${input.base} is not in the catalogue`,
        );
      }
      baseLabels = base.record.labels;
    }
    const ownLabels = { ...(input.labels ?? {}) };
    const labels = { ...baseLabels, ...ownLabels };
    let digest = ref.digest;
    const contentAddressed = !digest;
    if (!digest) {
      digest = sha256(buildImageContent(labels, 'oci').manifest);
    }
    const image = `${ref.repository}@${digest}`;
    const tags = new Set(input.tags ?? []);
    if (ref.tag) tags.add(`${ref.repository}:${ref.tag}`);
    const existing = this.#images.get(image);
    for (const tag of existing?.record.tags ?? []) tags.add(tag);
    const record: ImageRecord & { references?: Record<string, string> } = {
      image,
      labels,
      ...(input.base ? { base: input.base } : {}),
      ...(input.broken ? { broken: true } : {}),
      ...(tags.size > 0 ? { tags: [...tags].sort() } : {}),
      ...(input.references ? { references: { ...input.references } } : {}),
    };
    for (const tag of tags) {
      const old = this.#tags.get(tag);
      if (old && old !== image) {
        const previous = this.#images.get(old);
        if (previous?.record.tags) {
          previous.record.tags = previous.record.tags.filter(t => t !== tag);
        }
      }
      this.#tags.set(tag, image);
    }
    this.#images.set(image, { record, ownLabels, contentAddressed });
    this.#changed();
    return this.#copy(record);
  }

  remove(reference: string): boolean {
    const stored = this.#find(reference);
    if (!stored) return false;
    this.#images.delete(stored.record.image);
    for (const tag of stored.record.tags ?? []) {
      if (this.#tags.get(tag) === stored.record.image) this.#tags.delete(tag);
    }
    this.#changed();
    return true;
  }

  list(): ImageRecord[] {
    return [...this.#images.values()].map(s => this.#copy(s.record));
  }

  /**
   * The manifest and blobs served for an image. The OCI flavour of a content-addressed image
   * hashes to its digest; the Docker flavour has its own digest, as on a real registry.
   */
  content(
    reference: string,
    flavour: 'oci' | 'docker',
  ): ImageContent | undefined {
    const stored = this.#find(reference);
    if (!stored) return undefined;
    const built = buildImageContent(stored.record.labels, flavour);
    const contentDigest = sha256(built.manifest);
    const declared = stored.record.image.split('@')[1];
    return {
      manifest: built.manifest,
      manifestMediaType: built.mediaType,
      digest:
        flavour === 'oci' || !stored.contentAddressed
          ? declared
          : contentDigest,
      contentDigest,
      blobs: built.blobs,
    };
  }

  /** Called after every change (persistence). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Records with their own (not inherited) labels, in an order that loads back (bases first). */
  exportInputs(): ImageInput[] {
    const out: ImageInput[] = [];
    const done = new Set<string>();
    const visit = (s: StoredImage) => {
      if (done.has(s.record.image)) return;
      done.add(s.record.image);
      if (s.record.base) {
        const base = this.#find(s.record.base);
        if (base) visit(base);
      }
      const r = s.record as ImageRecord & {
        references?: Record<string, string>;
      };
      out.push({
        image: s.contentAddressed ? `${r.image.split('@')[0]}` : r.image,
        labels: s.ownLabels,
        ...(r.base ? { base: r.base } : {}),
        ...(r.broken ? { broken: true } : {}),
        ...(r.tags ? { tags: r.tags } : {}),
        ...(r.references ? { references: r.references } : {}),
      });
    };
    for (const s of this.#images.values()) visit(s);
    return out;
  }

  #find(reference: string): StoredImage | undefined {
    const direct = this.#images.get(reference);
    if (direct) return direct;
    const ref = parseImageReference(reference);
    if (!ref) return undefined;
    if (ref.digest) {
      return this.#images.get(`${ref.repository}@${ref.digest}`);
    }
    const target = this.#tags.get(`${ref.repository}:${ref.tag ?? 'latest'}`);
    return target ? this.#images.get(target) : undefined;
  }

  #copy(record: ImageRecord): ImageRecord {
    return structuredClone(record);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}
