import { RegistryClient } from './RegistryClient';
import { expectRegistryError, useTestRegistries } from './__testUtils__/registryTests';
import {
  blob,
  buildImage,
  buildIndex,
  imageReferences,
  OCI,
} from './__testUtils__/images';

const RHCOS_LABELS = {
  'org.opencontainers.image.version': '418.94.202507221249-0',
  version: '418.94.202507221249-0',
  'io.openshift.build.versions': 'machine-os=418.94.202507221249-0',
};

describe('RegistryClient', () => {
  const start = useTestRegistries();

  it('reads labels through a mirror with the Bearer token flow, basic credentials at the realm', async () => {
    const registry = await start({
      auth: 'bearer',
      username: 'reader',
      password: 's3cret-pass',
    });
    const image = buildImage(RHCOS_LABELS);
    registry.addImage('openshift-release-dev/ocp-v4.0-art-dev', 'rhcos', image);
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'reader', password: 's3cret-pass' },
        },
      ],
    });

    await expect(
      client.getImageLabels(
        'quay.io/openshift-release-dev/ocp-v4.0-art-dev:rhcos',
      ),
    ).resolves.toEqual(RHCOS_LABELS);

    expect(registry.tokenRequests).toHaveLength(1);
    const tokenUrl = new URL(registry.tokenRequests[0].path, registry.url);
    expect(tokenUrl.searchParams.get('scope')).toBe(
      'repository:openshift-release-dev/ocp-v4.0-art-dev:pull',
    );
    expect(tokenUrl.searchParams.get('service')).toBe('test-registry');
    expect(registry.tokenRequests[0].authorization).toMatch(/^Basic /);
    const manifestRequest = registry.requests.find(
      r => r.path.includes('/manifests/rhcos') && r.authorization,
    );
    expect(manifestRequest?.accept).toBe(
      'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    );

    // By digest, the answer comes from the cache: no further request.
    const before = registry.requests.length;
    await expect(
      client.getImageLabels(
        `quay.io/openshift-release-dev/ocp-v4.0-art-dev@${image.manifest.digest}`,
      ),
    ).resolves.toEqual(RHCOS_LABELS);
    expect(registry.requests).toHaveLength(before);

    // A tag is resolved again (tags move), but the token is reused.
    await client.getImageLabels(
      'quay.io/openshift-release-dev/ocp-v4.0-art-dev:rhcos',
    );
    expect(registry.tokenRequests).toHaveLength(1);
  });

  it('shares one read between concurrent callers of the same image', async () => {
    const registry = await start();
    registry.addImage('org/img', 'v1', buildImage({ shared: 'yes' }));
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    const results = await Promise.all([
      client.getImageLabels('quay.io/org/img:v1'),
      client.getImageLabels('quay.io/org/img:v1'),
      client.getImageLabels('quay.io/org/img:v1'),
    ]);
    expect(results).toEqual([
      { shared: 'yes' },
      { shared: 'yes' },
      { shared: 'yes' },
    ]);
    // One manifest and one config read.
    expect(registry.requests.map(r => r.path)).toEqual([
      '/v2/org/img/manifests/v1',
      expect.stringMatching(/^\/v2\/org\/img\/blobs\/sha256:/),
    ]);
  });

  it('answers a Basic challenge', async () => {
    const registry = await start({
      auth: 'basic',
      username: 'u',
      password: 'p',
    });
    const client = new RegistryClient({
      registries: [
        {
          host: '*',
          mirror: registry.url,
          auth: { username: 'u', password: 'p' },
        },
      ],
    });
    // A `*` mirror keeps the image's registry host in the path.
    registry.addImage(
      'registry.example.com/team/img',
      'v1',
      buildImage({ a: '2' }),
    );
    await expect(
      client.getImageLabels('registry.example.com/team/img:v1'),
    ).resolves.toEqual({ a: '2' });
    expect(
      registry.requests.some(
        r => r.path === '/v2/registry.example.com/team/img/manifests/v1',
      ),
    ).toBe(true);
  });

  it('uses a path prefix of a host-specific mirror', async () => {
    const registry = await start();
    registry.addImage('quay-proxy/org/img', 'v1', buildImage({ b: '1' }));
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: `${registry.url}/quay-proxy/` }],
    });
    await expect(client.getImageLabels('quay.io/org/img:v1')).resolves.toEqual({
      b: '1',
    });
  });

  it('sends a configured token preemptively', async () => {
    const registry = await start();
    registry.addImage('org/img', 'v1', buildImage({}));
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { token: 'static-token' },
        },
      ],
    });
    await expect(client.getImageLabels('quay.io/org/img:v1')).resolves.toEqual(
      {},
    );
    expect(registry.requests[0].authorization).toBe('Bearer static-token');
  });

  it('reports refused credentials without revealing them', async () => {
    const registry = await start({
      auth: 'bearer',
      username: 'reader',
      password: 'right',
    });
    registry.addImage('org/img', 'v1', buildImage({}));
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'reader', password: 'wrong-password-123' },
        },
      ],
    });
    const error = await expectRegistryError(
      client.getImageLabels('quay.io/org/img:v1'),
      'unauthorized',
    );
    expect(error.message).toContain('quay.io/org/img:v1');
    expect(error.message).not.toContain('wrong-password-123');
    expect(error.message).not.toContain('reader');
    expect(JSON.stringify(error)).not.toContain('wrong-password-123');

    const anonymous = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      anonymous.getImageLabels('quay.io/org/img:v1'),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('follows an index to the linux/amd64 image', async () => {
    const registry = await start();
    const amd = buildImage({ arch: 'amd64' });
    const arm = buildImage({ arch: 'arm64' }, { architecture: 'arm64' });
    registry.addImage('org/multi', null, amd);
    registry.addImage('org/multi', null, arm);
    const index = buildIndex([
      { image: arm, architecture: 'arm64' },
      { image: amd, architecture: 'amd64' },
    ]);
    registry.addManifest('org/multi', 'latest', index);
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      client.getImageConfig(`quay.io/org/multi@${index.digest}`),
    ).resolves.toEqual({
      manifestDigest: amd.manifest.digest,
      configDigest: amd.config.digest,
      labels: { arch: 'amd64' },
    });
    const arm64 = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    await expect(
      arm64.getImageLabels('quay.io/org/multi:latest'),
    ).resolves.toEqual({ arch: 'arm64' });

    registry.addManifest(
      'org/armonly',
      'latest',
      buildIndex([{ image: arm, architecture: 'arm64' }]),
    );
    registry.addImage('org/armonly', null, arm);
    await expect(
      client.getImageLabels('quay.io/org/armonly:latest'),
    ).rejects.toMatchObject({ code: 'no-platform' });
  });

  it('reads Docker v2s2 manifests and manifests without a mediaType field', async () => {
    const registry = await start();
    const image = buildImage({ docker: 'yes' });
    const dockerManifest = blob(
      image.manifest.data
        .toString()
        .replace(
          OCI.manifest,
          'application/vnd.docker.distribution.manifest.v2+json',
        ),
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    registry.addImage('org/docker', null, image);
    registry.addManifest('org/docker', 'v2s2', dockerManifest);
    const bare = JSON.parse(image.manifest.data.toString());
    delete bare.mediaType;
    registry.addManifest(
      'org/docker',
      'bare',
      blob(JSON.stringify(bare), OCI.manifest),
    );
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      client.getImageLabels('quay.io/org/docker:v2s2'),
    ).resolves.toEqual({ docker: 'yes' });
    await expect(
      client.getImageLabels('quay.io/org/docker:bare'),
    ).resolves.toEqual({ docker: 'yes' });
  });

  it('answers undefined for images the registry does not know', async () => {
    const registry = await start();
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      client.getImageLabels('quay.io/org/none:v1'),
    ).resolves.toBeUndefined();
    await expect(
      client.getImageLabels(`quay.io/org/none@sha256:${'0'.repeat(64)}`),
    ).resolves.toBeUndefined();
  });

  it('refuses content that does not match its digest', async () => {
    const image = buildImage({ x: '1' });
    const registry = await start({ tamper: [image.config.digest] });
    registry.addImage('org/img', 'v1', image);
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      client.getImageLabels('quay.io/org/img:v1'),
    ).rejects.toMatchObject({ code: 'digest-mismatch' });
    // A manifest served under a digest it does not hash to.
    const wrongDigest = `sha256:${'1'.repeat(64)}`;
    registry.addManifest('org/img', null, {
      ...image.manifest,
      digest: wrongDigest,
    });
    await expect(
      client.getImageLabels(`quay.io/org/img@${wrongDigest}`),
    ).rejects.toMatchObject({ code: 'digest-mismatch' });
  });

  it('accepts mismatching digests only when told to, and then caches per endpoint', async () => {
    const image = buildImage({ dev: 'yes' });
    const registry = await start({ tamper: [image.config.digest] });
    const madeUp = `sha256:${'2'.repeat(64)}`;
    registry.addImage('org/img', null, image);
    registry.addManifest('org/img', null, {
      ...image.manifest,
      digest: madeUp,
    });
    const lenient = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          dangerouslySkipDigestVerification: true,
        },
        { host: 'registry.example.com', mirror: registry.url },
      ],
    });
    await expect(
      lenient.getImageConfig(`quay.io/org/img@${madeUp}`),
    ).resolves.toMatchObject({
      manifestDigest: madeUp,
      labels: { dev: 'yes' },
    });
    // The same digest read from a verifying endpoint is not answered from that cache.
    await expect(
      lenient.getImageLabels(`registry.example.com/org/img@${madeUp}`),
    ).rejects.toMatchObject({ code: 'digest-mismatch' });
  });

  it('reads the rhel-coreos image a release payload references', async () => {
    const registry = await start();
    const rhcos = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'4'.repeat(
      64,
    )}`;
    const release = buildImage(
      { 'io.openshift.release': '4.18.21' },
      {
        files: {
          'release-manifests/image-references': imageReferences({
            'rhel-coreos': rhcos,
            'rhel-coreos-extensions': 'x',
          }),
        },
      },
    );
    registry.addImage(
      'openshift-release-dev/ocp-release',
      '4.18.21-x86_64',
      release,
    );
    const plain = buildImage({ 'io.openshift.release': '4.18.0' });
    registry.addImage('openshift-release-dev/ocp-release', 'no-refs', plain);
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    await expect(
      client.getReleaseRhcosImage(
        'quay.io/openshift-release-dev/ocp-release:4.18.21-x86_64',
      ),
    ).resolves.toBe(rhcos);
    await expect(
      client.getReleaseRhcosImage(
        'quay.io/openshift-release-dev/ocp-release:no-refs',
      ),
    ).resolves.toBeUndefined();
    await expect(
      client.getReleaseRhcosImage(
        'quay.io/openshift-release-dev/ocp-release:missing',
      ),
    ).resolves.toBeUndefined();
    const before = registry.requests.length;
    await expect(
      client.getReleaseRhcosImage(
        `quay.io/openshift-release-dev/ocp-release@${release.manifest.digest}`,
      ),
    ).resolves.toBe(rhcos);
    expect(registry.requests).toHaveLength(before);
  });
});
