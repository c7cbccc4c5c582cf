import { mockServices } from '@backstage/backend-test-utils';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import request from 'supertest';
import { eventually, startLayeringBackend } from './__testUtils__/testBackend';

jest.setTimeout(120_000);

describe('with no cluster configured', () => {
  it('starts the embedded cluster with its sample state and says so', async () => {
    const logger = mockServices.rootLogger.mock();
    logger.child.mockImplementation(() => logger);
    const backend = await startLayeringBackend({
      config: {},
      features: [logger.factory],
    });
    try {
      const cluster: ClusterView = await eventually(async () => {
        const res = await request(backend.server).get('/api/layering/clusters');
        expect(res.body.items).toHaveLength(1);
        expect(res.body.items[0].status).toBe('ok');
        return res.body.items[0];
      });
      expect(cluster).toMatchObject({
        name: 'embedded',
        release: { version: '4.18.21' },
      });
      const pools: PoolView[] = await eventually(async () => {
        const res = await request(backend.server).get(
          '/api/layering/clusters/embedded/pools',
        );
        const master = res.body.items.find(
          (p: PoolView) => p.name === 'master',
        );
        expect(master?.drift.status).toBe('in-sync');
        return res.body.items;
      });
      expect(pools.map(p => p.name)).toEqual(['infra', 'master', 'worker']);
      expect(JSON.stringify(logger.warn.mock.calls)).toContain(
        'embedded OpenShift cluster',
      );
    } finally {
      await backend.stop();
    }
  });

  it('lists no cluster when the embedded cluster is disabled', async () => {
    const backend = await startLayeringBackend({
      config: { layering: { embeddedCluster: { enabled: false } } },
    });
    try {
      const res = await request(backend.server).get('/api/layering/clusters');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      // No integrations either: the templates must be told that a pull request cannot be opened.
      const delivery = await request(backend.server).get(
        '/api/layering/delivery',
      );
      expect(delivery.status).toBe(200);
      expect(delivery.body.pullRequestAvailable).toBe(false);
    } finally {
      await backend.stop();
    }
  });
});
