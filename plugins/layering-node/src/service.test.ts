import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefaultLayeringClustersService } from './service';

const POD_TOKEN = '/run/test/pod-token';

function read(config: object, extra: { catalog?: any } = {}) {
  const logger = mockServices.logger.mock();
  const service = DefaultLayeringClustersService.fromConfig(new ConfigReader(config), {
    logger,
    podTokenPath: POD_TOKEN,
    auth: mockServices.auth(),
    ...extra,
  });
  return { service, logger };
}

const kubernetes = (clusters: object[]) => ({
  clusterLocatorMethods: [{ type: 'config', clusters }],
});

describe('DefaultLayeringClustersService: config locator', () => {
  it('reads every cluster option of the Kubernetes plugin entry', async () => {
    const { service, logger } = read({
      kubernetes: kubernetes([
        {
          name: 'prod',
          title: 'Production',
          url: 'https://api.prod.example.com:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'reader-token',
          caData: 'Y2E=',
          authMetadata: { 'example.com/team': 'platform' },
        },
        {
          name: 'lab',
          url: 'https://api.lab.example.com:6443',
          authProvider: 'serviceAccount',
          caFile: '/etc/pki/lab-ca.pem',
          skipTLSVerify: true,
        },
      ]),
    });
    const [prod, lab] = await service.getClusters();
    expect(prod).toEqual({
      name: 'prod',
      title: 'Production',
      url: 'https://api.prod.example.com:6443',
      caData: 'Y2E=',
      caFile: undefined,
      skipTLSVerify: false,
      authMetadata: {
        'example.com/team': 'platform',
        'kubernetes.io/auth-provider': 'serviceAccount',
      },
      reader: { type: 'token', token: 'reader-token' },
      writer: undefined,
      registries: [],
      configError: undefined,
      source: 'config',
    });
    // No token in the entry: the pod's own token file, as the Kubernetes plugin does.
    expect(lab).toMatchObject({
      caFile: '/etc/pki/lab-ca.pem',
      skipTLSVerify: true,
      reader: { type: 'tokenFile', path: POD_TOKEN },
    });
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain('reader-token');
  });

  it('reads writers of every form and per-cluster registries, and applies include/exclude', async () => {
    const { service } = read({
      kubernetes: kubernetes([
        { name: 'a-1', url: 'https://a1.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
        { name: 'a-2', url: 'https://a2.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
        { name: 'a-3', url: 'https://a3.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
        { name: 'a-4', url: 'https://a4.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
        { name: 'b-1', url: 'https://b1.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
        { name: 'a-skip', url: 'https://x.example.com', authProvider: 'serviceAccount' },
      ]),
      layering: {
        clusters: {
          include: ['a-*'],
          exclude: ['a-skip'],
          options: {
            'a-1': {
              writer: { serviceAccountToken: 'writer-token' },
              registries: [{ host: 'quay.io', mirror: 'https://mirror.example.com' }],
            },
            'a-2': { writer: { serviceAccountTokenFile: '/var/run/writer/token' } },
            'a-3': { writer: { authProvider: 'oidc', oidcTokenProvider: 'openshift' } },
            'a-4': {
              reader: { clientCertData: 'Y2VydA==', clientKeyData: 'a2V5' },
              writer: { clientCertFile: '/pki/w.crt', clientKeyFile: '/pki/w.key' },
            },
          },
        },
      },
    });
    const clusters = await service.getClusters();
    expect(clusters.map(c => c.name)).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    expect(clusters[0].writer).toEqual({ type: 'token', token: 'writer-token' });
    expect(clusters[0].registries).toEqual([
      { host: 'quay.io', mirror: 'https://mirror.example.com', auth: undefined },
    ]);
    expect(clusters[1].writer).toEqual({ type: 'tokenFile', path: '/var/run/writer/token' });
    expect(clusters[2].writer).toEqual({ type: 'user' });
    // `user` is the older name of the same writer.
    expect(() =>
      read({ layering: { clusters: { options: { b: { writer: { authProvider: 'user' } } } } } }),
    ).not.toThrow();
    expect(clusters[3].reader).toEqual({
      type: 'clientCertificate',
      certData: 'Y2VydA==',
      keyData: 'a2V5',
      certFile: undefined,
      keyFile: undefined,
    });
    expect(clusters[3].writer).toMatchObject({
      type: 'clientCertificate',
      certFile: '/pki/w.crt',
      keyFile: '/pki/w.key',
    });
  });

  it('keeps a cluster signed in per person (oidc) as errored unless a reader is configured', async () => {
    const { service, logger } = read({
      kubernetes: kubernetes([
        { name: 'people', url: 'https://p.example.com', authProvider: 'oidc', oidcTokenProvider: 'okta' },
        { name: 'people-2', url: 'https://p2.example.com', authProvider: 'oidc', oidcTokenProvider: 'okta' },
      ]),
      layering: {
        clusters: { options: { 'people-2': { reader: { serviceAccountTokenFile: '/t' } } } },
      },
    });
    const [people, people2] = await service.getClusters();
    expect(people.reader).toBeUndefined();
    expect(people.configError).toContain('layering.clusters.options.people.reader');
    expect(people2.reader).toEqual({ type: 'tokenFile', path: '/t' });
    expect(people2.configError).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no service credential'),
      expect.objectContaining({ cluster: 'people', authProvider: 'oidc' }),
    );
  });

  it.each([
    [{ writer: { authProvider: 'serviceAccount' } }, 'layering.clusters.options.c.writer.authProvider'],
    [
      { writer: { authProvider: 'oidc', oidcTokenProvider: 'okta' } },
      'layering.clusters.options.c.writer.oidcTokenProvider: only "openshift"',
    ],
    [{ writer: { oidcTokenProvider: 'openshift' } }, 'layering.clusters.options.c.writer.oidcTokenProvider: only valid with authProvider: oidc'],
    [{ reader: { authProvider: 'user' } }, 'layering.clusters.options.c.reader.authProvider'],
    [
      { writer: { serviceAccountToken: 'a', serviceAccountTokenFile: '/b' } },
      'layering.clusters.options.c.writer: more than one credential',
    ],
    [{ writer: { clientCertData: 'Y2VydA==' } }, 'layering.clusters.options.c.writer: a client certificate needs'],
    [{ writer: { unknown: 'x' } }, 'layering.clusters.options.c.writer: no credential given'],
  ])('refuses a malformed credential block %j, naming its key', (options, message) => {
    expect(() =>
      read({ layering: { clusters: { options: { c: options } } } }),
    ).toThrow(message);
  });

  it('treats a credential block left empty as not configured', async () => {
    const { service } = read({
      kubernetes: kubernetes([
        { name: 'c', url: 'https://c.example.com', authProvider: 'serviceAccount', serviceAccountToken: 'r' },
      ]),
      layering: { clusters: { options: { c: { writer: {} } } } },
    });
    expect((await service.getClusters())[0].writer).toBeUndefined();
  });

  it('refuses a cluster URL that is not a URL, naming the entry', () => {
    expect(() =>
      read({ kubernetes: kubernetes([{ name: 'bad', url: 'api.example.com:6443' }]) }),
    ).toThrow('kubernetes.clusterLocatorMethods[0].clusters (bad).url');
  });

  it('lists no cluster without configuration', async () => {
    const { service } = read({});
    await expect(service.getClusters()).resolves.toEqual([]);
  });
});

describe('DefaultLayeringClustersService: catalog locator', () => {
  const cluster = (name: string, annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  });

  it('reads Resource entities of type kubernetes-cluster with the Kubernetes plugin annotations', async () => {
    const catalog = catalogServiceMock({
      entities: [
        cluster('from-catalog', {
          'kubernetes.io/api-server': 'https://api.cat.example.com:6443',
          'kubernetes.io/api-server-certificate-authority': 'Y2E=',
          'kubernetes.io/skip-tls-verify': 'false',
          'kubernetes.io/auth-provider': 'serviceAccount',
        }),
        // What the layering catalog module emits for clusters: no API server, not a source.
        cluster('emitted', { 'backstage.io/kubernetes-cluster': 'emitted' }),
        cluster('people', {
          'kubernetes.io/api-server': 'https://api.people.example.com',
          'kubernetes.io/auth-provider': 'oidc',
        }),
        cluster('configured', { 'kubernetes.io/api-server': 'https://other.example.com' }),
      ],
    });
    const { service } = read(
      {
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                { name: 'configured', url: 'https://configured.example.com', serviceAccountToken: 't' },
              ],
            },
          ],
        },
        layering: {
          clusters: { options: { 'from-catalog': { writer: { authProvider: 'user' } } } },
        },
      },
      { catalog },
    );
    const clusters = await service.getClusters();
    expect(clusters.map(c => [c.name, c.source])).toEqual([
      ['configured', 'config'],
      ['from-catalog', 'catalog'],
      ['people', 'catalog'],
    ]);
    expect(clusters[1]).toMatchObject({
      url: 'https://api.cat.example.com:6443',
      caData: 'Y2E=',
      skipTLSVerify: false,
      reader: { type: 'tokenFile', path: POD_TOKEN },
      writer: { type: 'user' },
    });
    expect(clusters[2].configError).toContain('layering.clusters.options.people.reader');
  });

  it('needs the catalog service for a catalog locator', () => {
    expect(() =>
      DefaultLayeringClustersService.fromConfig(
        new ConfigReader({ kubernetes: { clusterLocatorMethods: [{ type: 'catalog' }] } }),
        { logger: mockServices.logger.mock() },
      ),
    ).toThrow('kubernetes.clusterLocatorMethods[0]');
  });
});
