import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  LayeringClusterUpdates,
  LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import { LayeringClient } from './LayeringClient';

const baseUrl = 'http://backstage.test/api/layering';

describe('LayeringClient forecast', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new LayeringClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('reads the offered updates of a cluster', async () => {
    const updates: LayeringClusterUpdates = {
      cluster: 'ocp 418',
      current: '4.18.21',
      updates: [{ version: '4.18.24', image: `x@sha256:${'a'.repeat(64)}`, conditional: false }],
    };
    server.use(
      http.get(`${baseUrl}/clusters/ocp%20418/updates`, () => HttpResponse.json(updates)),
    );
    await expect(client.getUpdates('ocp 418')).resolves.toEqual(updates);
  });

  it('asks for the forecast of one version, and surfaces the 400 of an unoffered one', async () => {
    const forecast: LayeringForecastResponse = {
      cluster: 'ocp-418',
      from: '4.18.21',
      to: '4.18.24',
      image: `x@sha256:${'a'.repeat(64)}`,
      rhcosVersion: null,
      conditional: false,
      pools: [],
    };
    server.use(
      http.get(`${baseUrl}/clusters/ocp-418/forecast`, ({ request }) => {
        const to = new URL(request.url).searchParams.get('to');
        return to === '4.18.24'
          ? HttpResponse.json(forecast)
          : HttpResponse.json(
              { error: { name: 'InputError', message: `to: ${to} is not an update cluster "ocp-418" is offered` } },
              { status: 400 },
            );
      }),
    );
    await expect(client.getForecast('ocp-418', '4.18.24')).resolves.toEqual(forecast);
    await expect(client.getForecast('ocp-418', '4.18.99&x=1')).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { message: expect.stringContaining('4.18.99&x=1 is not an update') } },
    });
  });
});
