import { mockServices } from '@backstage/backend-test-utils';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterConnection } from './ClusterConnection';
import { Informer } from './Informer';

jest.setTimeout(60_000);

type Handler = (url: URL, res: http.ServerResponse) => void;

/** A scripted API server: each request takes the next handler of its kind (list or watch). */
async function scriptedServer(script: { list: Handler[]; watch: Handler[] }) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const watch = url.searchParams.get('watch') === '1';
    seen.push(`${watch ? 'watch' : 'list'} ${url.search}`);
    const next = (watch ? script.watch : script.list).shift();
    if (!next) {
      // Nothing scripted: accept and hold the request open, as a quiet watch would.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      req.on('close', () => res.end());
      return;
    }
    next(url, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const node = (name: string, rv: string, ready = 'True', heartbeat = '1') => ({
  metadata: { name, resourceVersion: rv },
  status: { conditions: [{ type: 'Ready', status: ready, lastHeartbeatTime: heartbeat }] },
});

function until(check: () => boolean): Promise<void> {
  return new Promise(resolve => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 10));
    poll();
  });
}


describe('Informer', () => {
  it('lists page by page, restarts a list whose continue token expired, watches and re-lists on 410', async () => {
    const server = await scriptedServer({
      list: [
        (_u, res) => json(res, 200, { items: [node('a', '5')], metadata: { resourceVersion: '10', continue: 'c1' } }),
        (_u, res) => json(res, 410, { kind: 'Status', code: 410, message: 'continue expired' }),
        (_u, res) => json(res, 200, { items: [node('a', '5')], metadata: { resourceVersion: '12', continue: 'c2' } }),
        (_u, res) => json(res, 200, { items: [node('b', '6')], metadata: { resourceVersion: '12' } }),
        // After the 410 on watch:
        (_u, res) => json(res, 200, { items: [node('c', '20')], metadata: { resourceVersion: '20' } }),
      ],
      watch: [
        (_u, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(`${JSON.stringify({ type: 'MODIFIED', object: node('a', '13', 'True', '2') })}\n`);
          res.write(`${JSON.stringify({ type: 'MODIFIED', object: node('b', '14', 'False') })}\n`);
          res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } })}\n`);
        },
      ],
    });
    const connection = await ClusterConnection.create({
      name: 'scripted',
      url: server.url,
      reader: { type: 'token', token: 't' },
      skipTLSVerify: true,
      registries: [],
      authMetadata: {},
      source: 'config',
    });
    let changes = 0;
    const informer = new Informer({
      resource: 'nodes',
      connection,
      path: '/api/v1/nodes',
      project: o => ({ name: o.metadata!.name, ready: JSON.stringify(o).includes('"status":"True"') }),
      logger: mockServices.logger.mock(),
      onChange: () => {
        changes += 1;
      },
      onStatus: () => {},
      pageSize: 1,
      random: () => 0,
    });
    informer.start();
    // The informer enters "watching" as it sends the watch; wait until the server has seen it too.
    await until(
      () => informer.items.has('c') && informer.phase === 'watching' && server.seen.length >= 7,
    );
    expect([...informer.items.keys()]).toEqual(['c']);
    expect(informer.stats).toMatchObject({ lists: 2, relistsAfterGone: 2 });
    expect(server.seen).toEqual([
      'list ?limit=1',
      'list ?limit=1&continue=c1',
      'list ?limit=1',
      'list ?limit=1&continue=c2',
      'watch ?resourceVersion=12&allowWatchBookmarks=true&timeoutSeconds=225&watch=1',
      'list ?limit=1',
      'watch ?resourceVersion=20&allowWatchBookmarks=true&timeoutSeconds=225&watch=1',
    ]);
    // First list, the MODIFIED of b (a's heartbeat changed nothing projected), the re-list.
    expect(changes).toBe(3);
    await informer.stop();
    connection.close();
    await server.close();
  });

  it('reports 401 and retries with back-off instead of hammering the server', async () => {
    const server = await scriptedServer({
      list: [
        (_u, res) => json(res, 401, { kind: 'Status', code: 401, message: 'Unauthorized' }),
        (_u, res) => json(res, 200, { items: [], metadata: { resourceVersion: '1' } }),
      ],
      watch: [],
    });
    const connection = await ClusterConnection.create({
      name: 'scripted',
      url: server.url,
      reader: { type: 'token', token: 'wrong' },
      skipTLSVerify: true,
      registries: [],
      authMetadata: {},
      source: 'config',
    });
    const phases: string[] = [];
    const informer = new Informer({
      resource: 'nodes',
      connection,
      path: '/api/v1/nodes',
      project: o => o,
      logger: mockServices.logger.mock(),
      onChange: () => {},
      onStatus: () => phases.push(`${informer.phase}${informer.error ? `:${informer.error.kind}` : ''}`),
      backoff: { initialMs: 20, maxMs: 40 },
    });
    informer.start();
    await until(() => informer.synced);
    expect(phases).toEqual(['listing', 'retrying:unauthorized', 'listing:unauthorized', 'watching']);
    expect(server.seen.filter(s => s.startsWith('list'))).toHaveLength(2);
    await informer.stop();
    connection.close();
    await server.close();
  });

  it('treats a cluster that does not answer in time as unreachable, and keeps trying', async () => {
    // The answering lists must also finish within the limit: 1 s and a few answers in reserve
    // leave room on a busy machine (one slow answer is retried, not left to an endless hang).
    const answer: Handler = (_u, res) =>
      json(res, 200, { items: [node('a', '1')], metadata: { resourceVersion: '1' } });
    const server = await scriptedServer({
      list: [
        () => {
          // Never answers.
        },
        ...Array.from({ length: 5 }, () => answer),
      ],
      watch: [],
    });
    const connection = await ClusterConnection.create(
      { name: 'slow', url: server.url, reader: { type: 'token', token: 't' }, skipTLSVerify: true, registries: [], authMetadata: {}, source: 'config' },
      { requestTimeoutMs: 1000 },
    );
    const errors: string[] = [];
    const informer = new Informer({
      resource: 'nodes',
      connection,
      path: '/api/v1/nodes',
      project: o => o,
      logger: mockServices.logger.mock(),
      onChange: () => {},
      onStatus: () => {
        if (informer.error) errors.push(`${informer.error.kind}: ${informer.error.message}`);
      },
      backoff: { initialMs: 20, maxMs: 40 },
    });
    informer.start();
    await until(() => informer.synced);
    expect(errors[0]).toBe('unreachable: Cluster slow did not answer within 1000 ms');
    expect([...informer.items.keys()]).toEqual(['a']);
    await informer.stop();
    connection.close();
    await server.close();
  });
});
