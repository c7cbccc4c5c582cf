import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { LayeringClient } from './LayeringClient';
import {
  clusterWith,
  inSyncPool,
  okCluster,
  openRequest,
  poolDetail,
  release,
} from '../__fixtures__/pools';

const baseUrl = 'http://backstage.test/api/layering';

describe('LayeringClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const fetchApi = {
    fetch: jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, init),
    ),
  };
  const client = new LayeringClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    }),
    fetchApi,
  });

  beforeEach(() => fetchApi.fetch.mockClear());

  it('lists clusters', async () => {
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json({ items: [okCluster] }),
      ),
    );
    await expect(client.getClusters()).resolves.toEqual([okCluster]);
    expect(fetchApi.fetch).toHaveBeenCalledTimes(1);
  });

  it('reads one cluster with its pools', async () => {
    server.use(
      http.get(`${baseUrl}/clusters/ocp-418`, () =>
        HttpResponse.json(clusterWith(inSyncPool)),
      ),
    );
    const cluster = await client.getCluster('ocp-418');
    expect(cluster.pools.map(p => p.name)).toEqual(['master']);
  });

  it('reads the pools of a cluster', async () => {
    server.use(
      http.get(`${baseUrl}/clusters/ocp-418/pools`, () =>
        HttpResponse.json({ items: [inSyncPool] }),
      ),
    );
    await expect(client.getPools('ocp-418')).resolves.toEqual([inSyncPool]);
  });

  it('encodes path segments', async () => {
    let seen = '';
    server.use(
      http.get(`${baseUrl}/clusters/:cluster/pools/:pool`, ({ request }) => {
        seen = new URL(request.url).pathname;
        return HttpResponse.json(poolDetail);
      }),
    );
    await client.getPool('a/b', 'c d');
    expect(seen).toBe('/api/layering/clusters/a%2Fb/pools/c%20d');
  });

  it("reads a pool's layering settings", async () => {
    const settings = {
      mode: 'on-cluster' as const,
      name: 'infra',
      apiVersion: 'machineconfiguration.openshift.io/v1',
      containerfiles: [{ arch: 'NoArch', content: 'FROM configs AS final' }],
      renderedImagePushSpec: 'registry.example.com/os/infra:latest',
      renderedImagePushSecret: 'infra-push',
      baseImagePullSecret: null,
      currentImage: null,
    };
    let seen = '';
    server.use(
      http.get(
        `${baseUrl}/clusters/:cluster/pools/:pool/layering`,
        ({ request }) => {
          seen = new URL(request.url).pathname;
          return HttpResponse.json(settings);
        },
      ),
    );
    await expect(client.getPoolLayering('ocp 418', 'infra')).resolves.toEqual(
      settings,
    );
    expect(seen).toBe('/api/layering/clusters/ocp%20418/pools/infra/layering');
  });

  it('passes fleet filters as query parameters', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      http.get(`${baseUrl}/pools`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return HttpResponse.json({ items: [inSyncPool] });
      }),
    );
    await client.getFleet({ drift: 'behind', cluster: 'ocp-418' });
    expect(query?.get('drift')).toBe('behind');
    expect(query?.get('cluster')).toBe('ocp-418');

    await client.getFleet();
    expect([...(query?.keys() ?? [])]).toEqual([]);
  });

  it('reads the release and the requests', async () => {
    server.use(
      http.get(`${baseUrl}/clusters/ocp-418/release`, () =>
        HttpResponse.json(release),
      ),
      http.get(`${baseUrl}/clusters/ocp-418/pools/worker/requests`, () =>
        HttpResponse.json({ items: [openRequest] }),
      ),
    );
    await expect(client.getRelease('ocp-418')).resolves.toEqual(release);
    await expect(client.getRequests('ocp-418', 'worker')).resolves.toEqual([
      openRequest,
    ]);
  });

  it('reads the delivery options', async () => {
    const options = {
      forges: [
        { kind: 'github' as const, host: 'github.com', credentials: true },
        { kind: 'gitlab' as const, host: 'gitlab.com', credentials: false },
      ],
      pullRequestAvailable: true,
    };
    let seen = '';
    server.use(
      http.get(`${baseUrl}/delivery`, ({ request }) => {
        seen = new URL(request.url).pathname;
        return HttpResponse.json(options);
      }),
    );
    await expect(client.getDeliveryOptions()).resolves.toEqual(options);
    expect(seen).toBe('/api/layering/delivery');
  });

  it('throws a ResponseError when the delivery options cannot be read', async () => {
    server.use(
      http.get(`${baseUrl}/delivery`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'The integrations section cannot be read',
            },
            request: { method: 'GET', url: '/delivery' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    const error = await client.getDeliveryOptions().catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect((error as ResponseError).statusCode).toBe(503);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      http.get(`${baseUrl}/clusters/nope`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No cluster named nope' },
            request: { method: 'GET', url: '/clusters/nope' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client.getCluster('nope').catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect((error as ResponseError).statusCode).toBe(404);
    expect((error as ResponseError).body.error.message).toBe(
      'No cluster named nope',
    );
  });
});
