import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { createClusterAccess } from '@rhcos-layering/plugin-layering-node';
import { ClusterClient, type RetryPolicy } from './ClusterClient';
import { loadClientNode } from './loadClientNode';
import type { KubeObject } from './types';
import { runWithTaskSignal } from '../services/taskSignal';
import { useTestCluster } from '../__testUtils__/cluster';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns' };
const CORE_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list'] }],
};

/** A server that accepts every request and answers through `answer`, or never when it returns false. */
async function startServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => boolean) {
  const requests: string[] = [];
  const closed: string[] = [];
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.on('close', () => closed.push(`${req.method} ${req.url}`));
    waiting.splice(0).forEach(wake => wake());
    if (!answer(req, res)) {
      return; // never answers
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    closed,
    /** Resolves once the server has seen a request. */
    requested: () =>
      requests.length > 0 ? Promise.resolve() : new Promise<void>(resolve => waiting.push(resolve)),
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

/** A client of the cluster at `url` with a read token. */
function clientFor(name: string, url: string, token: string, retry: Partial<RetryPolicy> = {}) {
  const access = createClusterAccess(
    {
      name,
      url,
      skipTLSVerify: true,
      authMetadata: {},
      reader: { type: 'token', token },
      registries: [],
      source: 'custom',
    },
    { role: 'reader' },
  );
  return ClusterClient.create(access, {
    logger: mockServices.logger.mock(),
    retry: { sleep: async () => {}, ...retry },
  });
}

describe('ClusterClient against slow or failing clusters', () => {
  const servers: Array<{ close: () => Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  it('fails a call the cluster never answers after the configured time limit, naming call and cluster', async () => {
    const server = await startServer((req, res) => {
      if (req.url !== '/api/v1') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(CORE_RESOURCES));
      return true;
    });
    servers.push(server);
    const client = await clientFor('slow-cluster', server.url, 'never-in-errors', { timeoutMs: 2_000 });
    // The first call of a client loads parts of client-node; do that within the time limit.
    await client.list('v1', 'ConfigMap', { namespace: 'ns' }).catch(() => undefined);
    server.requests.splice(0);
    const error = await client.get(ref).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'No answer from cluster slow-cluster to get ConfigMap/x in ns within 2000 ms',
    );
    expect(error.message).not.toContain('never-in-errors');
    // Not retried: at most the one request for the object (on a loaded machine the limit may
    // pass before the server has even read it).
    expect(server.requests.length).toBeLessThanOrEqual(1);
    expect(server.requests.filter(r => r !== 'GET /api/v1/namespaces/ns/configmaps/x')).toEqual([]);
  }, 60_000);

  it('cancels a call in flight when the task is cancelled, closing its request', async () => {
    const server = await startServer(() => false);
    servers.push(server);
    const client = await clientFor('slow-cluster', server.url, 'never-in-errors', { timeoutMs: 120_000 });
    const task = new AbortController();
    const pending = runWithTaskSignal(task.signal, () => client.get(ref)).then(
      () => undefined,
      e => e,
    );
    await server.requested();
    task.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'Cancelled get ConfigMap/x in ns on cluster slow-cluster: the task was cancelled',
    );
    // The request itself was aborted, not merely abandoned.
    await new Promise<void>(resolve => {
      const check = () => (server.closed.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    expect(server.requests).toHaveLength(1);
    // A cancelled task starts no further call.
    await expect(runWithTaskSignal(task.signal, () => client.get(ref))).rejects.toThrow(
      'Cancelled get ConfigMap/x in ns on cluster slow-cluster',
    );
    expect(server.requests).toHaveLength(1);
  }, 60_000);

  it('asks for the MachineOSConfig API version again after a failed probe, and keeps an answer', async () => {
    let failures = 1;
    const server = await startServer((req, res) => {
      if (req.url === '/apis/machineconfiguration.openshift.io/v1' && failures > 0) {
        failures -= 1;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 500, message: 'etcd unavailable' }));
        return true;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'machineconfiguration.openshift.io/v1',
          resources: [{ name: 'machineosconfigs', namespaced: false, kind: 'MachineOSConfig', verbs: ['get'] }],
        }),
      );
      return true;
    });
    servers.push(server);
    const client = await clientFor('slow-cluster', server.url, 'never-in-errors', { maxRetries: 0 });
    await expect(client.machineOSConfigApiVersion()).rejects.toThrow(
      'Cluster slow-cluster failed discover machineconfiguration.openshift.io/v1 with HTTP 500',
    );
    await expect(client.machineOSConfigApiVersion()).resolves.toBe('v1');
    await expect(client.machineOSConfigApiVersion()).resolves.toBe('v1');
    expect(server.requests).toEqual([
      'GET /apis/machineconfiguration.openshift.io/v1',
      'GET /apis/machineconfiguration.openshift.io/v1',
    ]);
  }, 60_000);
});

describe('ClusterClient lists page by page', () => {
  const test = useTestCluster({}, 'all');

  it('follows continue tokens over several pages of nodes of the embedded cluster', async () => {
    const { cluster } = test;
    const client = await clientFor('ocp-418', cluster.url, cluster.tokens.admin);
    const list = jest.spyOn(loadClientNode().KubernetesObjectApi.prototype, 'list');
    try {
      const all = await client.list<KubeObject>('v1', 'Node');
      const paged = await client.list<KubeObject>('v1', 'Node', { pageSize: 2 });
      expect(all.length).toBeGreaterThan(4);
      expect(paged.map(n => n.metadata.name)).toEqual(all.map(n => n.metadata.name));
      const pagedCalls = list.mock.calls.slice(1);
      expect(pagedCalls).toHaveLength(Math.ceil(all.length / 2));
      expect(pagedCalls.map(call => call[8])).toEqual(pagedCalls.map(() => 2));
      expect(pagedCalls[0][9]).toBeUndefined();
      expect(pagedCalls.slice(1).every(call => typeof call[9] === 'string')).toBe(true);
    } finally {
      list.mockRestore();
    }
  }, 60_000);
});
