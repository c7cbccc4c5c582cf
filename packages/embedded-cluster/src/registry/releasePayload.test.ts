import { createHash } from 'node:crypto';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  addReleasePayloads,
  assembleCluster,
  AssembledCluster,
} from '../assemble';
import { loadStateDir } from '../state/loadState';
import { InMemoryImageCatalog } from './ImageCatalog';

const STATES = path.resolve(__dirname, '../../states');

jest.setTimeout(60_000);

const sha256 = (data: Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * The regular files of a tar archive by path: read independently of the registry code, the
 * way a client unpacking a layer would (ustar headers, octal sizes, 512-byte blocks).
 */
function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every(b => b === 0)) break;
    const text = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    let checksum = 0;
    header.forEach((b, i) => {
      checksum += i >= 148 && i < 156 ? 32 : b;
    });
    expect(parseInt(text(148, 8).trim(), 8)).toBe(checksum);
    expect(text(257, 6)).toBe('ustar');
    const size = parseInt(text(124, 12).trim(), 8);
    const prefix = text(345, 155);
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
    const type = text(156, 1) || '0';
    if (type === '0') {
      files.set(name, archive.subarray(offset + 512, offset + 512 + size));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

interface Manifest {
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: Array<{ mediaType: string; digest: string; size: number }>;
}

/** Read a release payload over HTTP as a client of the registry would. */
async function readPayload(
  registryUrl: string,
  image: string,
  accept = 'application/vnd.oci.image.manifest.v1+json',
) {
  const [repository, digest] = image.split('@');
  const get = async (kind: string, ref: string, headers = {}) => {
    const res = await fetch(`${registryUrl}/v2/${repository}/${kind}/${ref}`, {
      headers,
    });
    expect(res.status).toBe(200);
    return {
      bytes: Buffer.from(await res.arrayBuffer()),
      digest: res.headers.get('docker-content-digest'),
      type: res.headers.get('content-type'),
    };
  };
  const manifestRes = await get('manifests', digest, { accept });
  // The manifest is served under the declared (made-up) digest of the release image.
  expect(manifestRes.digest).toBe(digest);
  const manifest = JSON.parse(manifestRes.bytes.toString('utf8')) as Manifest;
  expect(manifest.mediaType).toBe(manifestRes.type);
  const config = await get('blobs', manifest.config.digest);
  expect(sha256(config.bytes)).toBe(manifest.config.digest);
  expect(config.bytes.length).toBe(manifest.config.size);
  expect(manifest.layers).toHaveLength(1);
  const layer = await get('blobs', manifest.layers[0].digest);
  expect(sha256(layer.bytes)).toBe(manifest.layers[0].digest);
  expect(layer.bytes.length).toBe(manifest.layers[0].size);
  const tar = gunzipSync(layer.bytes);
  const parsedConfig = JSON.parse(config.bytes.toString('utf8')) as {
    config: { Labels: Record<string, string> };
    rootfs: { diff_ids: string[] };
  };
  expect(parsedConfig.rootfs.diff_ids).toEqual([sha256(tar)]);
  const files = untar(tar);
  const json = (name: string) => {
    const file = files.get(name);
    expect(file).toBeDefined();
    return JSON.parse(file!.toString('utf8'));
  };
  return {
    manifest,
    labels: parsedConfig.config.Labels,
    imageReferences: json('release-manifests/image-references') as {
      kind: string;
      apiVersion: string;
      metadata: { name: string };
      spec: {
        tags: Array<{ name: string; from: { kind: string; name: string } }>;
      };
    },
    releaseMetadata: json('release-manifests/release-metadata'),
  };
}

/** What `oc adm release info --image-for <tag>` prints, from the payload read back. */
function imageFor(
  payload: Awaited<ReturnType<typeof readPayload>>,
  tag: string,
): string | undefined {
  return payload.imageReferences.spec.tags.find(t => t.name === tag)?.from.name;
}

describe.each(['ocp-417', 'ocp-418', 'ocp-419', 'sno-419'])(
  'release payloads of the %s state',
  state => {
    let cluster: AssembledCluster;
    const dir = path.join(STATES, state);
    const { releases, objects } = loadStateDir(dir);

    beforeAll(async () => {
      cluster = await assembleCluster({ stateDir: dir, port: 0 });
    });
    afterAll(async () => {
      await cluster.stop();
    });

    it('serves every release of releases.yaml, whose image references name its RHCOS images', async () => {
      expect(releases.length).toBeGreaterThan(0);
      for (const release of releases) {
        const payload = await readPayload(cluster.registryUrl, release.image);
        expect(payload.manifest.layers[0].mediaType).toBe(
          'application/vnd.oci.image.layer.v1.tar+gzip',
        );
        expect(payload.labels['io.openshift.release']).toBe(release.version);
        expect(payload.imageReferences).toMatchObject({
          kind: 'ImageStream',
          apiVersion: 'image.openshift.io/v1',
          metadata: { name: release.version },
        });
        expect(imageFor(payload, 'rhel-coreos')).toBe(release.rhcosImage);
        expect(imageFor(payload, 'rhel-coreos-extensions')).toBe(
          release.extensionsImage,
        );
        expect(payload.releaseMetadata).toEqual({
          kind: 'cincinnati-metadata-v0',
          version: release.version,
        });
      }
    });

    it('covers every release of the ClusterVersion history', () => {
      const cv = objects.find(o => o.object.kind === 'ClusterVersion')!
        .object as unknown as { status: { history: Array<{ image: string }> } };
      for (const entry of cv.status.history) {
        expect(releases.map(r => r.image)).toContain(entry.image);
        expect(cluster.catalog.resolve(entry.image)?.references).toBeDefined();
      }
    });
  },
);

describe('release payloads', () => {
  const RELEASE = {
    version: '4.18.21',
    image: `quay.io/openshift-release-dev/ocp-release@sha256:${'1'.repeat(64)}`,
    rhcosImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'2'.repeat(
      64,
    )}`,
  };

  it('are served in the Docker flavour too, with the Docker layer media type', async () => {
    const cluster = await assembleCluster({ port: 0, releases: [RELEASE] });
    try {
      const payload = await readPayload(
        cluster.registryUrl,
        RELEASE.image,
        'application/vnd.docker.distribution.manifest.v2+json',
      );
      expect(payload.manifest.mediaType).toBe(
        'application/vnd.docker.distribution.manifest.v2+json',
      );
      expect(payload.manifest.layers[0].mediaType).toBe(
        'application/vnd.docker.image.rootfs.diff.tar.gzip',
      );
      expect(imageFor(payload, 'rhel-coreos')).toBe(RELEASE.rhcosImage);
      expect(imageFor(payload, 'rhel-coreos-extensions')).toBeUndefined();
    } finally {
      await cluster.stop();
    }
  });

  it('keep what images.yaml declares and refuse a contradicting catalogue', () => {
    const catalog = new InMemoryImageCatalog();
    catalog.add({
      image: RELEASE.image,
      labels: { 'io.openshift.release': '4.18.21', extra: 'kept' },
      references: {
        'rhel-coreos': RELEASE.rhcosImage,
        cli: RELEASE.rhcosImage,
      },
    });
    addReleasePayloads(catalog, [RELEASE]);
    expect(catalog.resolve(RELEASE.image)).toMatchObject({
      labels: { extra: 'kept' },
      references: { cli: RELEASE.rhcosImage },
    });
    expect(() =>
      addReleasePayloads(catalog, [
        { ...RELEASE, rhcosImage: RELEASE.rhcosImage.replace(/2/g, '3') },
      ]),
    ).toThrow(/rhel-coreos image/);
    expect(() =>
      addReleasePayloads(catalog, [{ ...RELEASE, version: '4.18.22' }]),
    ).toThrow(/io\.openshift\.release=4\.18\.21/);
  });

  it('need a version label and image references that are references', () => {
    const catalog = new InMemoryImageCatalog();
    expect(() =>
      catalog.add({
        image: RELEASE.image,
        references: { 'rhel-coreos': RELEASE.rhcosImage },
      }),
    ).toThrow(/needs the label io\.openshift\.release/);
    expect(() =>
      catalog.add({
        image: RELEASE.image,
        labels: { 'io.openshift.release': '4.18.21' },
        references: { 'rhel-coreos': 'not a reference' },
      }),
    ).toThrow(/references\.rhel-coreos must be an image reference/);
    expect(catalog.list()).toEqual([]);
  });
});
