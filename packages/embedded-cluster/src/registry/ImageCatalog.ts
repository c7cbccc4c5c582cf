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

/** A file of an image layer. */
interface LayerFile {
  path: string;
  content: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block (owner root, mtime 0, so archives are deterministic). */
function tarHeader(name: string, size: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) > 100) {
    throw new Error(`layer path "${name}" is longer than 100 bytes`);
  }
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(0, 12), 136, 'ascii');
  header.fill(' ', 148, 156);
  header.write(type, 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write('root', 265, 'ascii');
  header.write('root', 297, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/**
 * A tar archive (ustar) of the given files, with an entry for each parent directory, ending in
 * the two zero blocks.
 */
function tarArchive(files: LayerFile[]): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const file of files) {
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      parts.push(tarHeader(dir, 0, '5'));
    }
    parts.push(tarHeader(file.path, file.content.length, '0'));
    parts.push(file.content);
    const pad = (512 - (file.content.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A layer of the given files: the gzipped bytes, their digest, and the uncompressed digest. */
function buildLayer(files: LayerFile[]): {
  blob: Buffer;
  digest: string;
  diffId: string;
} {
  const tar = tarArchive(files);
  const blob = gzipSync(tar, { level: 9 });
  // Fix the gzip header's OS byte so the layer digest does not depend on the platform.
  blob[9] = 3;
  return { blob, digest: sha256(blob), diffId: sha256(tar) };
}

// The one layer of every image that is not a release payload: an empty archive.
const EMPTY_LAYER = buildLayer([]);

/** Tags of the image references listed first, in this order (the rest follow by name). */
const REFERENCE_ORDER = ['rhel-coreos', 'rhel-coreos-extensions'];

/**
 * The files of a release payload's manifest layer: `release-manifests/image-references` (an
 * ImageStream whose tags name the release's component images, which is what
 * `oc adm release info --image-for <tag>` reads) and `release-manifests/release-metadata`.
 *
 * @public
 */
export function releasePayloadFiles(
  version: string,
  references: Record<string, string>,
): Array<{ path: string; content: Buffer }> {
  const rank = (name: string) => {
    const i = REFERENCE_ORDER.indexOf(name);
    return i < 0 ? REFERENCE_ORDER.length : i;
  };
  const names = Object.keys(references).sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const imageReferences = {
    kind: 'ImageStream',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name: version },
    spec: {
      tags: names.map(name => ({
        name,
        from: { kind: 'DockerImage', name: references[name] },
      })),
    },
  };
  const metadata = { kind: 'cincinnati-metadata-v0', version };
  return [
    {
      path: 'release-manifests/image-references',
      content: Buffer.from(`${JSON.stringify(imageReferences, null, 2)}\n`),
    },
    {
      path: 'release-manifests/release-metadata',
      content: Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`),
    },
  ];
}

/**
 * Label of a release payload image naming its version.
 *
 * @public
 */
export const RELEASE_VERSION_LABEL = 'io.openshift.release';

/**
 * Build the config blob and manifest of an image with the given labels. With `files`, its one
 * layer holds those files (a release payload's manifests); otherwise the layer is empty.
 *
 * @public
 */
export function buildImageContent(
  labels: Record<string, string>,
  flavour: 'oci' | 'docker',
  files?: Array<{ path: string; content: Buffer }>,
): { manifest: Buffer; mediaType: string; blobs: Map<string, Buffer> } {
  const layer = files && files.length > 0 ? buildLayer(files) : EMPTY_LAYER;
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
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
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
          digest: layer.digest,
          size: layer.blob.length,
        },
      ],
    }),
  );
  return {
    manifest,
    mediaType,
    blobs: new Map([
      [configDigest, config],
      [layer.digest, layer.blob],
    ]),
  };
}

/** The layer files of a record: a release payload's manifests when it has references. */
function layerFiles(
  record: ImageRecord,
): Array<{ path: string; content: Buffer }> | undefined {
  if (!record.references || Object.keys(record.references).length === 0)
    return undefined;
  const version = record.labels[RELEASE_VERSION_LABEL];
  if (!version) return undefined;
  return releasePayloadFiles(version, record.references);
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
  /** Built content by image and flavour (cleared on every change). */
  readonly #content = new Map<string, ImageContent>();

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
    if (input.references) {
      for (const [name, target] of Object.entries(input.references)) {
        if (typeof target !== 'string' || !parseImageReference(target)) {
          throw new Error(
            `Image ${input.image}: references.${name} must be an image reference`,
          );
        }
      }
      if (!labels[RELEASE_VERSION_LABEL]) {
        throw new Error(
          `Image ${input.image}: a release payload (an image with references) needs the label ${RELEASE_VERSION_LABEL}`,
        );
      }
    }
    let digest = ref.digest;
    const contentAddressed = !digest;
    if (!digest) {
      digest = sha256(
        buildImageContent(
          labels,
          'oci',
          input.references
            ? releasePayloadFiles(
                labels[RELEASE_VERSION_LABEL],
                input.references,
              )
            : undefined,
        ).manifest,
      );
    }
    const image = `${ref.repository}@${digest}`;
    const tags = new Set(input.tags ?? []);
    if (ref.tag) tags.add(`${ref.repository}:${ref.tag}`);
    const existing = this.#images.get(image);
    for (const tag of existing?.record.tags ?? []) tags.add(tag);
    const record: ImageRecord = {
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
    const key = `${flavour} ${stored.record.image}`;
    const cached = this.#content.get(key);
    if (cached) return cached;
    const built = buildImageContent(
      stored.record.labels,
      flavour,
      layerFiles(stored.record),
    );
    const contentDigest = sha256(built.manifest);
    const declared = stored.record.image.split('@')[1];
    const content: ImageContent = {
      manifest: built.manifest,
      manifestMediaType: built.mediaType,
      digest:
        flavour === 'oci' || !stored.contentAddressed
          ? declared
          : contentDigest,
      contentDigest,
      blobs: built.blobs,
    };
    this.#content.set(key, content);
    return content;
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
      const r = s.record;
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
    this.#content.clear();
    for (const l of this.#listeners) l();
  }
}
