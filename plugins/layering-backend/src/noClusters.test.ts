import { mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startLayeringBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

describe('with no cluster configured', () => {
  it('serves an empty fleet and warns, and nothing simulated appears', async () => {
    const logger = mockServices.rootLogger.mock();
    logger.child.mockImplementation(() => logger);
    const backend = await startLayeringBackend({
      config: {},
      features: [logger.factory],
    });
    try {
      const clusters = await request(backend.server).get('/api/layering/clusters');
      expect(clusters.status).toBe(200);
      expect(clusters.body.items).toEqual([]);
      const pools = await request(backend.server).get('/api/layering/pools');
      expect(pools.status).toBe(200);
      expect(pools.body.items).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('No cluster is configured for the layering plugins'),
      );
      // No integrations either: the templates must be told that a pull request cannot be opened.
      const delivery = await request(backend.server).get('/api/layering/delivery');
      expect(delivery.status).toBe(200);
      expect(delivery.body.pullRequestAvailable).toBe(false);
    } finally {
      await backend.stop();
    }
  });
});
