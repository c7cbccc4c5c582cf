import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { LayeringBackendClient } from './LayeringBackendClient';
import { runWithTaskSignal } from './taskSignal';
import { startSilentServer, until } from '../__testUtils__/silentServer';

/** A layering backend that takes every request and never answers. */
async function silentBackend() {
  const server = await startSilentServer();
  return { ...server, base: `http://${server.host}/api/layering` };
}

function clientOf(base: string, timeoutMs: number) {
  const auth = mockServices.auth.mock({
    getOwnServiceCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:scaffolder' },
    }),
    getPluginRequestToken: async () => ({ token: 'secret-service-token' }),
  });
  const discovery = mockServices.discovery.mock({ getBaseUrl: async () => base });
  return new LayeringBackendClient({ auth, discovery, timeoutMs });
}

describe('LayeringBackendClient against a backend that does not answer', () => {
  let backend: Awaited<ReturnType<typeof silentBackend>>;
  beforeEach(async () => {
    backend = await silentBackend();
  });
  afterEach(() => backend.close());

  it('fails after the configured time limit, naming the call and the host but not the token', async () => {
    const client = clientOf(backend.base, 300);
    const error = await client.getPool('ocp-418', 'worker').then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    const host = new URL(backend.base).host;
    expect(error.message).toBe(
      `No answer from the layering backend at ${host} to GET /clusters/ocp-418/pools/worker within 300 ms`,
    );
    expect(JSON.stringify(error)).not.toContain('secret-service-token');
    // At most the one request (on a loaded machine the limit may pass before it is even sent).
    expect(backend.seen.length).toBeLessThanOrEqual(1);
  }, 30_000);

  it('aborts the request in flight when the task is cancelled', async () => {
    const client = clientOf(backend.base, 120_000);
    const task = new AbortController();
    const pending = runWithTaskSignal(task.signal, () =>
      client.recordRequest('ocp-418', 'worker', {
        kind: 'pause',
        delivery: 'direct',
        outcome: 'applied',
        requestedBy: 'user:default/jdoe',
        taskId: 't1',
        summary: 'Paused',
      }),
    ).then(
      () => undefined,
      e => e,
    );
    await until(() => backend.seen.length > 0);
    task.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Cancelled POST /clusters/ocp-418/pools/worker/requests on the layering backend at ${
        new URL(backend.base).host
      }: the task was cancelled`,
    );
    await until(() => backend.closed.length > 0);
  }, 30_000);
});
