import { createHash } from 'node:crypto';
import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';

const RHCOS_418_21 =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';
const WORKER_CUSTOM =
  'registry.example.com/platform-os/worker-custom@sha256:6c5767635f615fcd297cea1e9061e6e1d49bbd0c854d494ad3a2abc931a322de';

const sha256 = (data: ArrayBuffer) =>
  `sha256:${createHash('sha256').update(Buffer.from(data)).digest('hex')}`;

jest.setTimeout(60_000);

describe('the registry under /v2/', () => {
  let t: TestCluster;

  beforeAll(async () => {
    t = await startTestCluster();
  });
  afterAll(async () => {
    await t.stop();
  });

  const get = (path: string, accept?: string) =>
    fetch(
      `${t.cluster.registryUrl}${path}`,
      accept ? { headers: { accept } } : undefined,
    );

  /** `/v2/<name>/manifests/<digest>` for an image of another registry, served as a mirror. */
  const manifestPath = (image: string) => {
    const [repo, digest] = image.split('@');
    return `/v2/${repo}/manifests/${digest}`;
  };

  it('answers the version check without a token', async () => {
    const res = await get('/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe(
      'registry/2.0',
    );
  });

  it('serves a manifest whose config blob holds the labels, inherited from the base image', async () => {
    const res = await get(manifestPath(WORKER_CUSTOM));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(res.headers.get('docker-content-digest')).toBe(
      WORKER_CUSTOM.split('@')[1],
    );
    const manifest = (await res.json()) as {
      config: { digest: string; size: number };
      layers: Array<{ digest: string }>;
    };
    const repo = WORKER_CUSTOM.split('@')[0];
    const blob = await get(`/v2/${repo}/blobs/${manifest.config.digest}`);
    expect(blob.status).toBe(200);
    const bytes = await blob.arrayBuffer();
    expect(sha256(bytes)).toBe(manifest.config.digest);
    expect(bytes.byteLength).toBe(manifest.config.size);
    const config = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
      config: { Labels: Record<string, string> };
    };
    // worker-custom declares no labels: all come from its base, 4.18.17's RHCOS.
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.version': '418.94.202506121335-0',
      'containers.bootc': '1',
    });
    const layer = await get(`/v2/${repo}/blobs/${manifest.layers[0].digest}`);
    expect(sha256(await layer.arrayBuffer())).toBe(manifest.layers[0].digest);
  });

  it('serves Docker schema 2 manifests when only those are accepted', async () => {
    const res = await get(
      manifestPath(RHCOS_418_21),
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.docker.distribution.manifest.v2+json',
    );
  });

  it('answers 404 like a registry for unknown images and blobs', async () => {
    const unknown = await get(
      `/v2/registry.example.com/platform-os/nope/manifests/sha256:${'0'.repeat(
        64,
      )}`,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      errors: [expect.objectContaining({ code: 'MANIFEST_UNKNOWN' })],
    });
    const blob = await get(
      `/v2/registry.example.com/platform-os/worker-custom/blobs/sha256:${'0'.repeat(
        64,
      )}`,
    );
    expect(blob.status).toBe(404);
  });

  it('gives images added by the cluster a real content digest, reachable by tag and digest', async () => {
    const added = t.cluster.catalog.add({
      image: `${t.cluster.registryHost}/platform-os/infra-layered:infra-build-1`,
      base: RHCOS_418_21,
      labels: { machineconfigpool: 'infra' },
    });
    const digest = added.image.split('@')[1];
    const byDigest = await get(
      `/v2/platform-os/infra-layered/manifests/${digest}`,
    );
    expect(byDigest.status).toBe(200);
    expect(sha256(await byDigest.arrayBuffer())).toBe(digest);
    const byTag = await fetch(
      `${t.cluster.registryUrl}/v2/platform-os/infra-layered/manifests/infra-build-1`,
      { method: 'HEAD' },
    );
    expect(byTag.status).toBe(200);
    expect(byTag.headers.get('docker-content-digest')).toBe(digest);
  });
});
