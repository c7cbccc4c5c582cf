/*
 * The registry client against a REAL registry: Debian's docker-registry (CNCF
 * distribution) with htpasswd authentication, started by
 * scripts/test-services/registry.sh on a free loopback port. Images are
 * written as OCI layouts here and pushed with skopeo.
 *
 * The suite is skipped (with a console message) only when apt-get cannot
 * install docker-registry, skopeo and htpasswd.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { RegistryClient } from './RegistryClient';
import { RegistryError } from './types';
import {
  buildImage,
  buildIndex,
  imageReferences,
  type Blob,
  type BuiltImage,
} from './__testUtils__/images';

const run = promisify(execFile);
const SCRIPT = resolvePackagePath(
  '@rhcos-layering/plugin-layering-backend',
  '../../scripts/test-services/registry.sh',
);

const install = spawnSync('bash', [SCRIPT, 'install'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const cannotInstall = install.status === 3;
if (cannotInstall) {
  // eslint-disable-next-line no-console
  console.warn(
    '[registry integration test] SKIPPED: apt-get could not install docker-registry, skopeo and apache2-utils on this machine.',
  );
}
const describeWithRegistry = cannotInstall ? describe.skip : describe;

const RHCOS = {
  'org.opencontainers.image.version': '418.94.202507221249-0',
  version: '418.94.202507221249-0',
  'io.openshift.build.versions': 'machine-os=418.94.202507221249-0',
  'ostree.linux': '5.14.0-427.78.1.el9_4.x86_64',
  'containers.bootc': '1',
};

/** Writes an OCI image layout holding the given refs (images or indexes). */
async function writeLayout(
  dir: string,
  refs: Array<{ name: string; top: Blob; blobs: Blob[] }>,
): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(
    join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  for (const ref of refs) {
    for (const b of [ref.top, ...ref.blobs]) {
      await writeFile(
        join(dir, 'blobs', 'sha256', b.digest.slice('sha256:'.length)),
        b.data,
      );
    }
  }
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: refs.map(ref => ({
        mediaType: ref.top.mediaType,
        digest: ref.top.digest,
        size: ref.top.data.length,
        annotations: { 'org.opencontainers.image.ref.name': ref.name },
      })),
    }),
  );
}

const parts = (image: BuiltImage) => [image.config, ...image.layers];

describeWithRegistry(
  'RegistryClient against a real registry (docker-registry + skopeo)',
  () => {
    let dir = '';
    let host = '';
    let username = '';
    let password = '';
    let client: RegistryClient;
    const labelled = buildImage(RHCOS);
    const amd = buildImage({ ...RHCOS, arch: 'amd64' });
    const arm = buildImage(
      { ...RHCOS, arch: 'arm64' },
      { architecture: 'arm64' },
    );
    const index = buildIndex([
      { image: arm, architecture: 'arm64' },
      { image: amd, architecture: 'amd64' },
    ]);
    const rhcosByDigest = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'4'.repeat(
      64,
    )}`;
    const release = buildImage(
      { 'io.openshift.release': '4.18.21' },
      {
        files: {
          'release-manifests/image-references': imageReferences({
            'rhel-coreos': rhcosByDigest,
          }),
        },
      },
    );

    beforeAll(async () => {
      if (install.status !== 0) {
        throw new Error(
          `registry.sh install failed with status ${install.status}`,
        );
      }
      dir = await mkdtemp(join(tmpdir(), 'layering-registry-'));
      const started = await run('bash', [
        SCRIPT,
        'start',
        join(dir, 'registry'),
      ]);
      const [port, user, pass] = started.stdout.trim().split(/\s+/);
      host = `127.0.0.1:${port}`;
      username = user;
      password = pass;

      const layout = join(dir, 'layout');
      await writeLayout(layout, [
        { name: 'labelled', top: labelled.manifest, blobs: parts(labelled) },
        {
          name: 'multi',
          top: index,
          blobs: [amd.manifest, arm.manifest, ...parts(amd), ...parts(arm)],
        },
        { name: 'release', top: release.manifest, blobs: parts(release) },
      ]);
      const authFile = join(dir, 'auth.json');
      await writeFile(
        authFile,
        JSON.stringify({
          auths: {
            [host]: {
              auth: Buffer.from(`${username}:${password}`).toString('base64'),
            },
          },
        }),
        { mode: 0o600 },
      );
      const push = (ref: string, target: string) =>
        run('skopeo', [
          '--insecure-policy',
          'copy',
          '--all',
          '--dest-tls-verify=false',
          '--dest-authfile',
          authFile,
          `oci:${layout}:${ref}`,
          `docker://${host}/${target}`,
        ]);
      await push('labelled', 'platform-os/rhcos:4.18.21');
      await push('multi', 'platform-os/multi:latest');
      await push('release', 'openshift-release-dev/ocp-release:4.18.21-x86_64');

      client = new RegistryClient({
        registries: [
          { host, mirror: `http://${host}`, auth: { username, password } },
        ],
      });
    }, 300_000);

    afterAll(async () => {
      if (dir) {
        await run('bash', [SCRIPT, 'stop', join(dir, 'registry')]);
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('reads the labels of a pushed image with basic auth, by tag and by digest', async () => {
      await expect(
        client.getImageLabels(`${host}/platform-os/rhcos:4.18.21`),
      ).resolves.toEqual(RHCOS);
      const info = await client.getImageConfig(
        `${host}/platform-os/rhcos@${labelled.manifest.digest}`,
      );
      expect(info).toEqual({
        manifestDigest: labelled.manifest.digest,
        configDigest: labelled.config.digest,
        labels: RHCOS,
      });
    });

    it('follows an image index to the linux/amd64 image', async () => {
      await expect(
        client.getImageLabels(`${host}/platform-os/multi:latest`),
      ).resolves.toMatchObject({ arch: 'amd64' });
      await expect(
        client.getImageLabels(`${host}/platform-os/multi@${index.digest}`),
      ).resolves.toMatchObject({ arch: 'amd64' });
      const arm64 = new RegistryClient({
        registries: [
          { host, mirror: `http://${host}`, auth: { username, password } },
        ],
        platform: { os: 'linux', architecture: 'arm64' },
      });
      await expect(
        arm64.getImageLabels(`${host}/platform-os/multi:latest`),
      ).resolves.toMatchObject({ arch: 'arm64' });
    });

    it("reads the rhel-coreos reference from a release payload's layer", async () => {
      await expect(
        client.getReleaseRhcosImage(
          `${host}/openshift-release-dev/ocp-release:4.18.21-x86_64`,
        ),
      ).resolves.toBe(rhcosByDigest);
    });

    it('answers undefined for an image the registry does not have', async () => {
      await expect(
        client.getImageLabels(`${host}/platform-os/rhcos:missing`),
      ).resolves.toBeUndefined();
    });

    it('reports wrong or missing credentials without revealing them', async () => {
      const wrong = new RegistryClient({
        registries: [
          {
            host,
            mirror: `http://${host}`,
            auth: { username, password: 'not-the-password' },
          },
        ],
      });
      const error = await wrong
        .getImageLabels(`${host}/platform-os/rhcos:4.18.21`)
        .catch(e => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.code).toBe('unauthorized');
      expect(error.message).not.toContain('not-the-password');
      expect(error.message).not.toContain(password);

      const anonymous = new RegistryClient({
        registries: [{ host, mirror: `http://${host}` }],
      });
      await expect(
        anonymous.getImageLabels(`${host}/platform-os/rhcos:4.18.21`),
      ).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('refuses the loopback registry when it is not configured as a mirror', async () => {
      const unconfigured = new RegistryClient({ registries: [] });
      await expect(
        unconfigured.getImageLabels(`${host}/platform-os/rhcos:4.18.21`),
      ).rejects.toMatchObject({
        code: 'refused-endpoint',
      });
    });

    it('refuses a name that resolves to the loopback registry, when connecting', async () => {
      const port = host.split(':')[1];
      const resolvesToLoopback = new RegistryClient({
        registries: [],
        lookup: async () => ['127.0.0.1'],
      });
      const error = await resolvesToLoopback
        .getImageLabels(
          `registry.rebind.example:${port}/platform-os/rhcos:4.18.21`,
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.code).toBe('refused-endpoint');
      expect(error.message).toMatch(
        /^Refusing to connect to registry\.rebind\.example: it resolved to 127\.0\.0\.1, a loopback address;/,
      );
    });
  },
);
