/*
 * Test helpers: build OCI image content (config, layers, manifests, indexes)
 * in memory, for the local test registry and for OCI layouts pushed with skopeo.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const OCI = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

export interface Blob {
  digest: string;
  data: Buffer;
  mediaType: string;
}

export function blob(data: Buffer | string, mediaType: string): Blob {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return {
    digest: `sha256:${createHash('sha256').update(buffer).digest('hex')}`,
    data: buffer,
    mediaType,
  };
}

/** A minimal ustar archive of regular files. */
export function makeTar(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 8, 'ascii');
    header.write('0000000\0', 108, 8, 'ascii');
    header.write('0000000\0', 116, 8, 'ascii');
    header.write(
      `${data.length.toString(8).padStart(11, '0')}\0`,
      124,
      12,
      'ascii',
    );
    header.write('00000000000\0', 136, 12, 'ascii');
    header.write('        ', 148, 8, 'ascii');
    header.write('0', 156, 1, 'ascii');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface BuiltImage {
  config: Blob;
  layers: Blob[];
  manifest: Blob;
}

/** An OCI image whose config carries `labels`, with the given layer files. */
export function buildImage(
  labels: Record<string, string>,
  options: { architecture?: string; files?: Record<string, string> } = {},
): BuiltImage {
  const layer = blob(
    gzipSync(makeTar(options.files ?? { 'etc/hello': 'hi\n' })),
    OCI.layer,
  );
  const diffId = `sha256:${createHash('sha256')
    .update(makeTar(options.files ?? { 'etc/hello': 'hi\n' }))
    .digest('hex')}`;
  const config = blob(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      os: 'linux',
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [diffId] },
    }),
    OCI.config,
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: {
        mediaType: OCI.config,
        digest: config.digest,
        size: config.data.length,
      },
      layers: [
        { mediaType: OCI.layer, digest: layer.digest, size: layer.data.length },
      ],
    }),
    OCI.manifest,
  );
  return { config, layers: [layer], manifest };
}

/** An OCI index over platform images. */
export function buildIndex(
  images: Array<{ image: BuiltImage; architecture: string }>,
): Blob {
  return blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI.index,
      manifests: images.map(({ image, architecture }) => ({
        mediaType: OCI.manifest,
        digest: image.manifest.digest,
        size: image.manifest.data.length,
        platform: { os: 'linux', architecture },
      })),
    }),
    OCI.index,
  );
}

/** The `image-references` ImageStream of a release payload. */
export function imageReferences(tags: Record<string, string>): string {
  return JSON.stringify({
    kind: 'ImageStream',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name: '4.18.21' },
    spec: {
      tags: Object.entries(tags).map(([name, image]) => ({
        name,
        from: { kind: 'DockerImage', name: image },
      })),
    },
  });
}
