import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { embeddedClusterEnabled, readClusterSpecs } from './clusterConfig';

const kubernetes = {
  clusterLocatorMethods: [
    { type: 'catalog' },
    {
      type: 'config',
      clusters: [
        {
          name: 'ocp-prod',
          url: 'https://api.prod.example.com:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'secret-token',
          caData: 'Y2E=',
        },
        { name: 'ocp-lab', url: 'https://api.lab.example.com:6443', serviceAccountToken: 't' },
        { name: 'eks', url: 'https://eks.example.com', authProvider: 'aws' },
        { name: 'ocp-notoken', url: 'https://x.example.com', authProvider: 'serviceAccount' },
      ],
    },
  ],
};

describe('readClusterSpecs', () => {
  it('reads the Kubernetes plugin clusters, keeping unusable ones with a clear error and warning', () => {
    const logger = mockServices.logger.mock();
    const { clusters } = readClusterSpecs(new ConfigReader({ kubernetes }), logger);
    expect(clusters.map(c => c.name)).toEqual(['ocp-prod', 'ocp-lab', 'eks', 'ocp-notoken']);
    expect(clusters[0]).toMatchObject({
      url: 'https://api.prod.example.com:6443',
      token: 'secret-token',
      caData: 'Y2E=',
      skipTLSVerify: false,
      configError: undefined,
    });
    expect(clusters[2].configError).toContain('Auth provider "aws" is not supported');
    expect(clusters[3].configError).toContain('No serviceAccountToken');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('auth provider'),
      expect.objectContaining({ cluster: 'eks', authProvider: 'aws' }),
    );
    // The token never reaches the log.
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('secret-token');
  });

  it('filters with layering.clusters include/exclude and adds per-cluster registries', () => {
    const { clusters, registries } = readClusterSpecs(
      new ConfigReader({
        kubernetes,
        layering: {
          clusters: {
            include: ['ocp-*'],
            exclude: ['ocp-lab'],
            options: {
              'ocp-prod': { registries: [{ host: 'quay.io', auth: { token: 'q' } }] },
            },
          },
          registries: [{ host: '*', mirror: 'https://mirror.example.com' }],
        },
      }),
      mockServices.logger.mock(),
    );
    expect(clusters.map(c => c.name)).toEqual(['ocp-prod', 'ocp-notoken']);
    expect(clusters[0].registries).toEqual([
      { host: 'quay.io', mirror: undefined, auth: { username: undefined, password: undefined, token: 'q' } },
    ]);
    expect(registries).toEqual([{ host: '*', mirror: 'https://mirror.example.com', auth: undefined }]);
  });

  it('finds no cluster without Kubernetes configuration', () => {
    expect(readClusterSpecs(new ConfigReader({}), mockServices.logger.mock()).clusters).toEqual([]);
  });
});

describe('embeddedClusterEnabled', () => {
  it('is on unless turned off', () => {
    expect(embeddedClusterEnabled(new ConfigReader({}))).toBe(true);
    expect(embeddedClusterEnabled(new ConfigReader({ layering: { embeddedCluster: false } }))).toBe(false);
    expect(
      embeddedClusterEnabled(new ConfigReader({ layering: { embeddedCluster: { enabled: false } } })),
    ).toBe(false);
    expect(
      embeddedClusterEnabled(new ConfigReader({ layering: { embeddedCluster: { enabled: true } } })),
    ).toBe(true);
  });
});
