import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { LayeringClient } from './LayeringClient';
import { inSyncPool } from '../__fixtures__/pools';

const baseUrl = 'http://backstage.test/api/layering';

describe('LayeringClient (fleet page)', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new LayeringClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('asks for a page with its filters, lists joined by commas, and always a limit', async () => {
    const queries: URLSearchParams[] = [];
    const answer = {
      items: [inSyncPool],
      nextCursor: 'abc',
      total: 1,
      summary: {
        total: 1,
        byStatus: { behind: 0, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 },
        byCluster: [],
      },
    };
    server.use(
      http.get(`${baseUrl}/pools`, ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json(answer);
      }),
    );
    await expect(
      client.getFleetPage({
        drift: ['behind', 'unreachable'],
        cluster: 'ocp-418',
        q: '',
        sort: 'name',
        limit: 200,
        cursor: 'xyz',
      }),
    ).resolves.toEqual(answer);
    expect(Object.fromEntries(queries[0])).toEqual({
      drift: 'behind,unreachable',
      cluster: 'ocp-418',
      sort: 'name',
      limit: '200',
      cursor: 'xyz',
    });
    await client.getFleetPage({});
    expect(Object.fromEntries(queries[1])).toEqual({ limit: '100' });
  });

  it('reads the trend and passes errors on as ResponseError', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      http.get(`${baseUrl}/trend`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return query.get('days') === '0'
          ? HttpResponse.json(
              { error: { name: 'InputError', message: 'days: too small' } },
              { status: 400 },
            )
          : HttpResponse.json({ since: '2026-11-05T00:00:00.000Z', samples: [] });
      }),
    );
    await expect(client.getTrend({ cluster: 'ocp-418', days: 30 })).resolves.toEqual({
      since: '2026-11-05T00:00:00.000Z',
      samples: [],
    });
    expect(Object.fromEntries(query!)).toEqual({ cluster: 'ocp-418', days: '30' });
    await expect(client.getTrend({ days: 0 })).rejects.toBeInstanceOf(ResponseError);
  });
});
