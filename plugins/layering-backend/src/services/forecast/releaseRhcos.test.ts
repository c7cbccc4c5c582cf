import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import { RegistryReleaseRhcosReader, type ReleaseRegistry } from './releaseRhcos';

const RELEASE = `quay.io/openshift-release-dev/ocp-release@sha256:${'a'.repeat(64)}`;
const RHCOS = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'b'.repeat(64)}`;

function setup(registry: Partial<ReleaseRegistry>) {
  const created: unknown[] = [];
  const getClusters = jest.fn(async () => [
    { name: 'alpha', registries: [{ host: 'quay.io', mirror: 'https://mirror.example.com' }] } as unknown as LayeringClusterDetails,
  ]);
  const reader = new RegistryReleaseRhcosReader({
    config: new ConfigReader({ layering: { registries: [{ host: 'registry.example.com' }] } }),
    clusters: { getClusters },
    logger: mockServices.logger.mock(),
    createClient: registries => {
      created.push(registries);
      return {
        getReleaseRhcosImage: async () => RHCOS,
        getImageLabels: async () => ({ 'ostree.linux': 'rhcos', version: '418.94.202508201022-0' }),
        ...registry,
      };
    },
  });
  return { reader, created, getClusters };
}

describe('RegistryReleaseRhcosReader', () => {
  it("reads through the cluster's registries, then layering.registries, with one client per set", async () => {
    const { reader, created, getClusters } = setup({});
    await expect(reader.read('alpha', RELEASE)).resolves.toEqual({
      rhcosImage: RHCOS,
      rhcosVersion: '418.94.202508201022-0',
    });
    await reader.read('alpha', RELEASE);
    expect(created).toEqual([
      [
        { host: 'quay.io', mirror: 'https://mirror.example.com' },
        expect.objectContaining({ host: 'registry.example.com' }),
      ],
    ]);
    expect(getClusters).toHaveBeenCalledTimes(1);
  });

  it('says what is missing instead of throwing', async () => {
    const missing = setup({ getReleaseRhcosImage: async () => undefined });
    await expect(missing.reader.read('alpha', RELEASE)).resolves.toMatchObject({
      rhcosImage: null,
      rhcosVersion: null,
      problem: expect.stringContaining('does not serve the release payload'),
    });
    const failing = setup({
      getReleaseRhcosImage: async () => {
        throw new Error('registry answered 503');
      },
    });
    await expect(failing.reader.read('alpha', RELEASE)).resolves.toMatchObject({
      rhcosVersion: null,
      problem: expect.stringContaining('registry answered 503'),
    });
    const unlabelled = setup({ getImageLabels: async () => ({}) });
    await expect(unlabelled.reader.read('alpha', RELEASE)).resolves.toMatchObject({
      rhcosImage: RHCOS,
      rhcosVersion: null,
      problem: expect.stringContaining('no RHCOS version label'),
    });
  });
});
