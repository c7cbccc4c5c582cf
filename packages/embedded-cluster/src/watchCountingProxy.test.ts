import * as http from 'node:http';
import { startEmbeddedCluster, type EmbeddedCluster } from './cluster';
import { SAMPLE_STATE } from './__testUtils__/testCluster';
import {
  startWatchCountingProxy,
  type WatchCountingProxy,
} from './watchCountingProxy';

jest.setTimeout(60_000);

/** Polls `check` every 50 ms until it holds, for at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('startWatchCountingProxy', () => {
  let cluster: EmbeddedCluster;
  let proxy: WatchCountingProxy;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      name: 'proxy-test',
      stateDir: SAMPLE_STATE,
      speed: 0,
    });
    await cluster.settle();
    proxy = await startWatchCountingProxy(cluster.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await cluster?.stop();
  });

  const pools = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools';

  it('passes requests on unchanged and does not count lists as watches', async () => {
    const res = await fetch(`${proxy.url}${pools}`, {
      headers: { authorization: `Bearer ${cluster.tokens.readOnly}` },
    });
    expect(res.status).toBe(200);
    const list = (await res.json()) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('MachineConfigPoolList');
    expect(list.items.length).toBeGreaterThan(0);
    // Without the token the API server's own answer comes back through the proxy.
    expect((await fetch(`${proxy.url}${pools}`)).status).toBe(401);
    expect(proxy.open).toBe(0);
    expect(proxy.opened).toBe(0);
  });

  it('counts a watch as open until the client closes it', async () => {
    const request = http.get(`${proxy.url}${pools}?watch=true`, {
      headers: { authorization: `Bearer ${cluster.tokens.readOnly}` },
    });
    const response = await new Promise<http.IncomingMessage>((done, fail) => {
      request.once('response', done);
      request.once('error', fail);
    });
    expect(response.statusCode).toBe(200);
    // The watch stream starts with the current pools as ADDED events.
    const first = await new Promise<string>(done =>
      response.once('data', (chunk: Buffer) => done(chunk.toString('utf8'))),
    );
    expect(JSON.parse(first.split('\n')[0]).type).toBe('ADDED');
    expect(proxy.open).toBe(1);
    expect(proxy.opened).toBe(1);
    request.destroy();
    await until(() => proxy.open === 0);
    expect(proxy.opened).toBe(1);
  });
});
