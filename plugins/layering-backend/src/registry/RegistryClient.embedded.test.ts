/*
 * The registry client against the embedded cluster's registry (/v2/ of the
 * same server), configured the way the backend's development mode does: one
 * catch-all mirror. The sample images there have made-up digests, so reading
 * them needs dangerouslySkipDigestVerification.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import { RegistryClient } from './RegistryClient';

const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';
const WORKER_CUSTOM =
  'registry.example.com/platform-os/worker-custom@sha256:6c5767635f615fcd297cea1e9061e6e1d49bbd0c854d494ad3a2abc931a322de';

describe('RegistryClient against the embedded cluster registry', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      stateDir: resolvePackagePath(
        '@rhcos-layering/embedded-openshift',
        'states/ocp-418',
      ),
      speed: 0,
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('reads the RHCOS labels of the sample images through a catch-all mirror', async () => {
    const client = new RegistryClient({
      registries: [
        {
          host: '*',
          mirror: cluster.registryUrl,
          dangerouslySkipDigestVerification: true,
        },
      ],
    });
    await expect(client.getImageLabels(RELEASE_RHCOS)).resolves.toMatchObject({
      'org.opencontainers.image.version': '418.94.202507221249-0',
    });
    // The out-of-cluster image inherits the labels of the 4.18.17 RHCOS it was built FROM.
    await expect(client.getImageLabels(WORKER_CUSTOM)).resolves.toMatchObject({
      'org.opencontainers.image.version': '418.94.202506121335-0',
    });
  });

  it('refuses the made-up digests unless told to accept them', async () => {
    const client = new RegistryClient({
      registries: [{ host: '*', mirror: cluster.registryUrl }],
    });
    await expect(client.getImageLabels(RELEASE_RHCOS)).rejects.toMatchObject({
      code: 'digest-mismatch',
    });
  });
});
