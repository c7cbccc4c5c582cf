import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FleetService } from '../services/FleetService';
import { eventually, startSampleCluster } from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

/**
 * A proxy in front of the embedded cluster, one per configured cluster: it passes everything
 * through but holds the answer of every list (a GET with `limit`, as the informers send) until
 * the test releases it, and records how many lists of its cluster were in flight at most.
 */
interface HoldingProxy {
  url: string;
  held: Array<() => void>;
  inFlight: number;
  mostInFlight: number;
  close(): Promise<void>;
}

async function holdingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const proxy: HoldingProxy = {
    url: '',
    held: [],
    inFlight: 0,
    mostInFlight: 0,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const isList =
      req.method === 'GET' &&
      new URL(req.url!, 'http://x').searchParams.has('limit');
    if (isList) {
      proxy.inFlight += 1;
      proxy.mostInFlight = Math.max(proxy.mostInFlight, proxy.inFlight);
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      answer => {
        if (!isList) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          proxy.held.push(() => {
            proxy.inFlight -= 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }),
        );
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

let cluster: EmbeddedCluster;

beforeAll(async () => {
  cluster = await startSampleCluster('ocp-418');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('the fleet list bounds', () => {
  it('lists one cluster at a time per layering.informers.listConcurrencyPerCluster, several clusters at once', async () => {
    const proxies = [
      await holdingProxy(cluster.url),
      await holdingProxy(cluster.url),
    ];
    const details = (name: string, url: string): LayeringClusterDetails => ({
      name,
      url,
      skipTLSVerify: true,
      authMetadata: {},
      reader: { type: 'token', token: cluster.tokens.readOnly },
      registries: [],
      source: 'catalog',
    });
    const fleet = await FleetService.fromClustersService({
      config: new ConfigReader({
        layering: {
          // Held lists must not time out (and be sent again) however slow the machine is.
          informers: {
            listConcurrency: 8,
            listConcurrencyPerCluster: 1,
            requestTimeoutMs: 120_000,
          },
        },
      }),
      logger: mockServices.logger.mock(),
      clusters: {
        getClusters: async () => [
          details('a', proxies[0].url),
          details('b', proxies[1].url),
        ],
      },
      refreshIntervalMs: 0,
      debounceMs: 10,
    });
    try {
      // Both clusters list at once (the global bound has room), each one list only.
      await eventually(async () => {
        expect(proxies.map(p => p.held.length)).toEqual([1, 1]);
      }, 300);
      // Release the lists as they come until both clusters are in sync.
      await eventually(async () => {
        for (const proxy of proxies)
          proxy.held.splice(0).forEach(release => release());
        expect(fleet.listClusters().map(c => [c.name, c.status])).toEqual([
          ['a', 'ok'],
          ['b', 'ok'],
        ]);
      });
      // Every informer of each cluster listed (5 before discovery, 2 after), never two at once.
      for (const proxy of proxies) {
        expect(proxy.mostInFlight).toBe(1);
      }
      const lists = fleet.caches.map(cache => cache.connection?.stats.lists);
      for (const count of lists) expect(count).toBeGreaterThanOrEqual(7);
    } finally {
      await fleet.stop();
      for (const proxy of proxies) {
        proxy.held.splice(0).forEach(release => release());
        await proxy.close();
      }
    }
  });
});
