import { mockServices } from '@backstage/backend-test-utils';
import {
  READER_SERVICE_ACCOUNT,
  loadRbacManifests,
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ClusterCache } from './ClusterCache';
import type { ClusterSpec } from './clusterConfig';

jest.setTimeout(120_000);

const READER_TOKEN = 'cluster-cache-rbac-reader-token';

async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/**
 * The backend's caches against an embedded cluster that enforces the shipped RBAC
 * (deploy/rbac): with the reader service account's token every list and watch is accepted, and
 * changes reach the caches through the watches.
 */
describe('ClusterCache with the shipped reader role', () => {
  let cluster: EmbeddedCluster;
  let cache: ClusterCache | undefined;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      name: 'ocp-418',
      stateDir: resolvePackagePath(
        '@rhcos-layering/embedded-openshift',
        'states/ocp-418',
      ),
      objects: loadRbacManifests().map(o => o.object),
      serviceAccounts: [{ ...READER_SERVICE_ACCOUNT, token: READER_TOKEN }],
      port: 0,
      speed: 0,
    });
  });
  afterEach(async () => {
    await cache?.stop();
    cache = undefined;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const start = (token: string) => {
    const spec: ClusterSpec = {
      name: 'ocp-418',
      url: cluster.url,
      skipTLSVerify: true,
      authMetadata: {},
      reader: { type: 'token', token },
      registries: [],
      source: 'custom',
    };
    cache = new ClusterCache({
      spec,
      logger: mockServices.logger.mock(),
      tuning: { backoff: { initialMs: 50, maxMs: 200 } },
      onChange: () => {},
    });
    void cache.start();
    return cache;
  };

  it('lists and watches every kind it caches, and reads a MachineOSConfig on demand', async () => {
    const c = start(READER_TOKEN);
    const health = await waitFor('a synced cache', () => {
      const h = c.health();
      return !h.stale ? h : undefined;
    }).catch(error => {
      throw new Error(
        `${error}: ${JSON.stringify(c.health())} ${JSON.stringify(
          c.informers.map(i => [i.resource, i.phase, i.error?.message]),
        )}`,
      );
    });
    expect(health).toMatchObject({
      status: 'ok',
      machineOSConfigApiVersion: 'v1',
    });
    expect(c.informers.length).toBeGreaterThanOrEqual(7);
    for (const informer of c.informers) {
      expect([informer.resource, informer.phase, informer.error]).toEqual([
        informer.resource,
        'watching',
        undefined,
      ]);
    }
    const snapshot = c.snapshot();
    expect(snapshot.pools.size).toBeGreaterThan(0);
    expect(snapshot.nodes.size).toBeGreaterThan(0);
    expect(snapshot.osImageUrl).toBeDefined();
    expect(snapshot.clusterVersion).toBeDefined();
    expect(await c.getMachineOSConfig('infra')).not.toBeNull();

    // A change made with the admin token reaches the cache through the reader's watch.
    const res = await fetch(`${cluster.url}/api/v1/nodes/worker-0`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${cluster.tokens.admin}`,
        'content-type': 'application/merge-patch+json',
      },
      body: JSON.stringify({
        metadata: { labels: { 'node-role.kubernetes.io/rbac-test': '' } },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    await waitFor('the watched node label', () =>
      c.snapshot().nodes.get('worker-0')?.roleLabels[
        'node-role.kubernetes.io/rbac-test'
      ] !== undefined
        ? true
        : undefined,
    );
  });

  it('reports a token the cluster does not know as unauthorized', async () => {
    const c = start('not-a-token');
    const health = await waitFor('an unauthorized cluster', () => {
      const h = c.health();
      return h.status === 'unauthorized' ? h : undefined;
    });
    expect(health.stale).toBe(true);
  });
});
