import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { createClusterAccess } from '@rhcos-layering/plugin-layering-node';
import { ClusterClient } from './ClusterClient';
import { clusterDetails } from '../__testUtils__/cluster';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * A scripted API server: discovery for ConfigMaps, and for every other request the next reply
 * of the script (or the stored object). Counts requests per method.
 */
async function scriptedServer(script: Array<Reply | ((req: http.IncomingMessage) => Reply)>) {
  const calls: string[] = [];
  let stored: any;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      const send = ({ status, body, headers }: Reply) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.url === '/api/v1') {
        send({
          status: 200,
          body: {
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              { name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list', 'patch', 'delete'] },
            ],
          },
        });
        return;
      }
      calls.push(`${req.method} ${req.url}`);
      const next = script.shift();
      if (next) {
        const reply = typeof next === 'function' ? next(req) : next;
        if (req.method === 'PATCH' && reply.status === 500 && raw.includes('"took-effect"')) {
          stored = JSON.parse(raw);
        }
        send(reply);
        return;
      }
      if (req.method === 'PATCH') {
        stored = { ...JSON.parse(raw), metadata: { ...JSON.parse(raw).metadata, resourceVersion: '2' } };
        send({ status: 200, body: stored });
      } else if (stored) {
        send({ status: 200, body: stored });
      } else {
        send({ status: 404, body: { kind: 'Status', reason: 'NotFound', code: 404 } });
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise(resolve => server.close(resolve)) };
}

async function client(url: string, sleeps: number[], retry: { maxRetries?: number } = {}) {
  return ClusterClient.create(
    createClusterAccess(
      clusterDetails('test', url, { writer: { type: 'token', token: 'not-a-real-token' } }),
      { role: 'writer' },
    ),
    {
      logger: mockServices.logger.mock(),
      retry: { ...retry, sleep: async ms => void sleeps.push(ms) },
    },
  );
}

const configMap = (value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'ns' },
  data: { value },
});
const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns' };

describe('ClusterClient', () => {
  it('retries a GET after 5xx with growing backoff', async () => {
    const server = await scriptedServer([
      { status: 503, body: { message: 'etcd leader changed' } },
      { status: 500 },
      { status: 200, body: configMap('a') },
    ]);
    const sleeps: number[] = [];
    try {
      const c = await client(server.url, sleeps);
      await expect(c.get(ref)).resolves.toMatchObject({ data: { value: 'a' } });
      expect(sleeps).toEqual([250, 500]);
    } finally {
      await server.close();
    }
  });

  it('re-reads after a failed apply and does not write again when the write took effect', async () => {
    const server = await scriptedServer([{ status: 500, body: { message: 'timeout' } }]);
    const sleeps: number[] = [];
    try {
      const c = await client(server.url, sleeps);
      const result = await c.apply(configMap('took-effect'), {
        fieldManager: 'test',
        isApplied: current => (current as any).data?.value === 'took-effect',
      });
      expect(result).toMatchObject({ data: { value: 'took-effect' } });
      expect(server.calls.filter(c2 => c2.startsWith('PATCH'))).toHaveLength(1);
      expect(sleeps).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('re-reads after a failed apply and writes again when the write did not take effect', async () => {
    const server = await scriptedServer([{ status: 502 }]);
    const sleeps: number[] = [];
    try {
      const c = await client(server.url, sleeps);
      await c.apply(configMap('b'), {
        fieldManager: 'test',
        isApplied: current => (current as any).data?.value === 'b',
      });
      expect(server.calls.filter(c2 => c2.startsWith('PATCH'))).toHaveLength(2);
      expect(server.calls.filter(c2 => c2.startsWith('GET'))).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('does not retry a 429 without Retry-After, nor wait longer than allowed', async () => {
    const server = await scriptedServer([
      { status: 429, body: { message: 'slow down' } },
      { status: 429, headers: { 'retry-after': '3600' } },
    ]);
    const sleeps: number[] = [];
    try {
      const c = await client(server.url, sleeps);
      await expect(c.get(ref)).rejects.toThrow(/kept throttling get ConfigMap\/x in ns/);
      await expect(c.get(ref)).rejects.toThrow(/kept throttling/);
      expect(sleeps).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([
    [401, 'AuthenticationError', 'Cluster test did not accept the credentials configured for it'],
    [403, 'NotAllowedError', 'The service account configured for cluster test may not get ConfigMap/x in ns: configmaps "x" is forbidden'],
    [409, 'ConflictError', 'Conflict on get ConfigMap/x in ns on cluster test'],
    [422, 'InputError', 'The cluster rejected get ConfigMap/x in ns on cluster test. data.value: too long'],
  ])('translates %s into %s', async (status, name, message) => {
    const server = await scriptedServer([
      {
        status,
        body: {
          kind: 'Status',
          message: status === 403 ? 'configmaps "x" is forbidden' : 'rejected',
          details: status === 422 ? { causes: [{ field: 'data.value', message: 'too long' }] } : undefined,
        },
      },
    ]);
    try {
      const c = await client(server.url, []);
      const error = await c.get(ref).catch(e => e);
      expect(error.name).toBe(name);
      expect(error.message).toContain(message);
      expect(server.calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('never puts the token into an error', async () => {
    const c = await client('http://127.0.0.1:1', [], { maxRetries: 0 });
    const error = await c.get(ref).catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.toContain('not-a-real-token');
  });
});
