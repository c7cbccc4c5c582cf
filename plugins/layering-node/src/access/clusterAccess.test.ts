import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import type { LayeringClusterDetails } from '../types';
import { DefaultLayeringClustersService } from '../service';
import { createClusterAccess, OPENSHIFT_TOKEN_SECRET } from './clusterAccess';
import { loadClientNode } from './loadClientNode';

jest.setTimeout(120_000);

let cluster: EmbeddedCluster;
let dir: string;

beforeAll(async () => {
  // client-node is large; Jest transforms it once, here, not inside the first test's time limit.
  loadClientNode();
  cluster = await startEmbeddedCluster({
    name: 'ocp-test',
    stateDir: path.join(
      path.dirname(require.resolve('@rhcos-layering/embedded-openshift/package.json')),
      'states',
      'ocp-418',
    ),
    speed: 0,
  });
  if (!cluster.httpsUrl || !cluster.caCertificate) {
    throw new Error('The embedded cluster offers no TLS endpoint with a CA certificate');
  }
  dir = await mkdtemp(path.join(tmpdir(), 'layering-node-'));
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Cluster details as the config locator reads them, for the embedded cluster over HTTPS. */
async function detailsFromConfig(entry: object, options: object = {}): Promise<LayeringClusterDetails> {
  const service = DefaultLayeringClustersService.fromConfig(
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'ocp-test', url: cluster.httpsUrl, authProvider: 'serviceAccount', ...entry },
            ],
          },
        ],
      },
      layering: { clusters: { options: { 'ocp-test': options } } },
    }),
    { logger: mockServices.logger.mock(), podTokenPath: path.join(dir, 'pod-token') },
  );
  const [details] = await service.getClusters();
  return details;
}

/** Names of the MachineConfigPools, read through client-node with the access's KubeConfig. */
async function poolNames(details: LayeringClusterDetails, role: 'reader' | 'writer', secrets?: Record<string, string>) {
  const k8s = loadClientNode();
  const access = createClusterAccess(details, { role, secrets });
  const api = access.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const list = (await api.listClusterCustomObject({
    group: 'machineconfiguration.openshift.io',
    version: 'v1',
    plural: 'machineconfigpools',
  })) as { items: Array<{ metadata: { name: string } }> };
  return list.items.map(i => i.metadata.name).sort();
}

/** One GET with the access's TLS options and Authorization header, as the backend's watches do. */
async function rawGet(details: LayeringClusterDetails): Promise<number> {
  const access = createClusterAccess(details, { role: 'reader' });
  const tls = await access.tls();
  const authorization = await access.authorization();
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${details.url}/apis/machineconfiguration.openshift.io/v1/machineconfigpools`,
      { ...tls, headers: authorization ? { authorization } : {} },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end();
  });
}

describe('createClusterAccess against an embedded cluster over HTTPS', () => {
  it('trusts the cluster through caFile for client-node calls and raw requests alike', async () => {
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, cluster.caCertificate!);
    const details = await detailsFromConfig({
      serviceAccountToken: cluster.tokens.readOnly,
      caFile,
    });
    expect(details.caFile).toBe(caFile);
    await expect(poolNames(details, 'reader')).resolves.toEqual(['infra', 'master', 'worker']);
    await expect(rawGet(details)).resolves.toBe(200);
  });

  it('trusts the cluster through caData', async () => {
    const details = await detailsFromConfig({
      serviceAccountToken: cluster.tokens.readOnly,
      caData: Buffer.from(cluster.caCertificate!).toString('base64'),
    });
    await expect(poolNames(details, 'reader')).resolves.toEqual(['infra', 'master', 'worker']);
  });

  it('refuses a cluster whose certificate it cannot verify, and accepts it with skipTLSVerify', async () => {
    const strict = await detailsFromConfig({ serviceAccountToken: cluster.tokens.readOnly });
    await expect(poolNames(strict, 'reader')).rejects.toThrow();
    const lax = await detailsFromConfig({
      serviceAccountToken: cluster.tokens.readOnly,
      skipTLSVerify: true,
    });
    await expect(poolNames(lax, 'reader')).resolves.toHaveLength(3);
  });

  it('reads the pod token file when the entry has no token, again after each rotation', async () => {
    const podToken = path.join(dir, 'pod-token');
    await writeFile(podToken, `${cluster.tokens.readOnly}\n`);
    const details = await detailsFromConfig({
      caData: Buffer.from(cluster.caCertificate!).toString('base64'),
    });
    expect(details.reader).toEqual({ type: 'tokenFile', path: podToken });
    const access = createClusterAccess(details, { role: 'reader' });
    const k8s = loadClientNode();
    const api = access.kubeConfig.makeApiClient(k8s.CoreV1Api);

    await expect(api.listNode()).resolves.toBeDefined();
    expect(await rawGet(details)).toBe(200);

    // The kubelet rotates the token: here to one the cluster does not know, which must be sent.
    await writeFile(podToken, 'rotated-but-unknown-token');
    await expect(api.listNode()).rejects.toMatchObject({ code: 401 });
    expect(await rawGet(details)).toBe(401);

    // And to a valid one again: the same KubeConfig picks it up with no restart.
    await writeFile(podToken, cluster.tokens.admin);
    await expect(api.listNode()).resolves.toBeDefined();
    expect(await access.authorization()).toBe(`Bearer ${cluster.tokens.admin}`);
  });

  it('reports a missing token file by its path, without a token', async () => {
    const details = await detailsFromConfig({ skipTLSVerify: true }, {
      reader: { serviceAccountTokenFile: path.join(dir, 'missing') },
    });
    const access = createClusterAccess(details, { role: 'reader' });
    await expect(access.authorization()).rejects.toThrow(
      `Cannot read the service account token file ${path.join(dir, 'missing')}: ENOENT`,
    );
  });
});

describe('createClusterAccess: the writer', () => {
  const base = {
    serviceAccountToken: 'reader-token-not-for-writes',
    skipTLSVerify: true,
  };

  it('refuses to write without a writer, naming the config key, and never uses the reader', async () => {
    const details = await detailsFromConfig(base);
    expect(() => createClusterAccess(details, { role: 'writer' })).toThrow(
      expect.objectContaining({
        name: 'NotAllowedError',
        message: expect.stringContaining('layering.clusters.options.ocp-test.writer'),
      }),
    );
  });

  it('writes with the configured writer token', async () => {
    const details = await detailsFromConfig(base, {
      writer: { serviceAccountToken: cluster.tokens.admin },
    });
    const access = createClusterAccess(details, { role: 'writer' });
    expect(await access.authorization()).toBe(`Bearer ${cluster.tokens.admin}`);
    await expect(poolNames(details, 'writer')).resolves.toHaveLength(3);
  });

  it('acts as the person with authProvider user, and asks for the task secret by field when it is missing', async () => {
    const details = await detailsFromConfig(base, { writer: { authProvider: 'user' } });
    let error: unknown;
    try {
      createClusterAccess(details, { role: 'writer', secrets: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^secrets\.openshiftToken: /),
    });
    await expect(
      poolNames(details, 'writer', { [OPENSHIFT_TOKEN_SECRET]: cluster.tokens.admin }),
    ).resolves.toHaveLength(3);
    const access = createClusterAccess(details, {
      role: 'writer',
      secrets: { [OPENSHIFT_TOKEN_SECRET]: 'person-token' },
    });
    expect(await access.authorization()).toBe('Bearer person-token');
    // The person's token is never in the KubeConfig's description of the cluster.
    expect(JSON.stringify(access.cluster)).not.toContain('person-token');
  });
});

describe('createClusterAccess: client certificates', () => {
  // The embedded cluster authenticates bearer tokens only, so the KubeConfig and TLS options
  // built for a client certificate are checked here.
  const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const key = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');

  it('builds a KubeConfig user and TLS options with the certificate and key, and no bearer token', async () => {
    const details = await detailsFromConfig(
      { skipTLSVerify: true },
      {
        reader: {
          clientCertData: cert.toString('base64'),
          clientKeyData: key.toString('base64'),
        },
      },
    );
    const access = createClusterAccess(details, { role: 'reader' });
    const user = access.kubeConfig.getCurrentUser();
    expect(user).toMatchObject({
      certData: cert.toString('base64'),
      keyData: key.toString('base64'),
    });
    expect(user?.token).toBeUndefined();
    const tls = await access.tls();
    expect(Buffer.from(tls.cert!).toString()).toBe(cert.toString());
    expect(Buffer.from(tls.key!).toString()).toBe(key.toString());
    expect(tls.rejectUnauthorized).toBe(false);
    expect(await access.authorization()).toBeUndefined();
  });

  it('reads the certificate and key from files', async () => {
    const certFile = path.join(dir, 'client.crt');
    const keyFile = path.join(dir, 'client.key');
    await writeFile(certFile, cert);
    await writeFile(keyFile, key);
    const details = await detailsFromConfig(
      { skipTLSVerify: true },
      { writer: { clientCertFile: certFile, clientKeyFile: keyFile } },
    );
    const tls = await createClusterAccess(details, { role: 'writer' }).tls();
    expect(Buffer.from(tls.cert!).toString()).toBe(cert.toString());
    expect(Buffer.from(tls.key!).toString()).toBe(key.toString());
  });
});
