import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { LayeringBackendClient } from './LayeringBackendClient';

const server = setupServer();
registerMswTestHooks(server);

const BASE = 'http://backend.test/api/layering';

function client() {
  const auth = mockServices.auth.mock({
    getOwnServiceCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'plugin:scaffolder' } }),
    getPluginRequestToken: async () => ({ token: 'service-token' }),
  });
  const discovery = mockServices.discovery.mock({ getBaseUrl: async () => BASE });
  return { client: new LayeringBackendClient({ auth, discovery }), auth };
}

describe('LayeringBackendClient', () => {
  it('records a request with a service token for the layering plugin', async () => {
    let seen: { auth: string | null; body: unknown; url: string } | undefined;
    server.use(
      http.post(`${BASE}/clusters/:cluster/pools/:pool/requests`, async ({ request }) => {
        seen = { auth: request.headers.get('authorization'), body: await request.json(), url: request.url };
        return HttpResponse.json({ id: 'r1', cluster: 'ocp-418', pool: 'infra' }, { status: 201 });
      }),
    );
    const { client: c, auth } = client();

    const record = await c.recordRequest('ocp-418', 'infra', {
      kind: 'pause',
      delivery: 'direct',
      outcome: 'applied',
      requestedBy: 'user:default/jdoe',
      taskId: 't1',
      summary: 'Paused',
    });

    expect(record.id).toBe('r1');
    expect(seen).toEqual({
      auth: 'Bearer service-token',
      url: `${BASE}/clusters/ocp-418/pools/infra/requests`,
      body: {
        kind: 'pause',
        delivery: 'direct',
        outcome: 'applied',
        requestedBy: 'user:default/jdoe',
        taskId: 't1',
        summary: 'Paused',
      },
    });
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: expect.objectContaining({ principal: expect.objectContaining({ type: 'service' }) }),
      targetPluginId: 'layering',
    });
  });

  it('encodes path segments, answers undefined for 404 and throws ResponseError otherwise', async () => {
    const urls: string[] = [];
    server.use(
      http.get(`${BASE}/clusters/:cluster/pools/:pool`, ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({ error: { name: 'NotFoundError', message: 'no pool' } }, { status: 404 });
      }),
      http.get(`${BASE}/clusters/:cluster/release`, () =>
        HttpResponse.json({ error: { name: 'Error', message: 'boom' } }, { status: 500 }),
      ),
    );
    const { client: c } = client();

    await expect(c.getPool('ocp-418', 'a/b')).resolves.toBeUndefined();
    expect(urls).toEqual([`${BASE}/clusters/ocp-418/pools/a%2Fb`]);
    await expect(c.getRelease('ocp-418')).rejects.toMatchObject({ name: 'ResponseError' });
  });
});
