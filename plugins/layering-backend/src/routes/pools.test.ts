import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  layeringPoolReadPermission,
  type LayeringFleetPageResponse,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import request from 'supertest';
import { FixedFleet, testPoolView } from '../__testUtils__/FixedFleet';
import { ALPHA_WORKER_ENTITY } from '../__testUtils__/permissionMocks';
import { createLayeringPoolConditionalDecision, layeringPoolConditions } from '../permissions';
import { PoolResourceLoader } from '../permissions/poolResources';
import { createPoolsRoutes } from './pools';

/** A pool `releases` releases behind (0 = in sync), in the given layering mode. */
function pool(
  cluster: string,
  name: string,
  releases: number,
  extra: Partial<PoolView> = {},
): PoolView {
  const view = testPoolView(cluster, name, releases > 0 ? 'behind' : 'in-sync');
  return {
    ...view,
    drift: { ...view.drift, releasesBehind: releases > 0 ? releases : null },
    ...extra,
  };
}

const key = (p: PoolView) => `${p.cluster}/${p.name}`;

/** 10,000 pools over 20 clusters, every tenth behind by 1 to 3 releases. */
function bigFleet(): PoolView[] {
  const pools: PoolView[] = [];
  for (let c = 0; c < 20; c++) {
    for (let p = 0; p < 500; p++) {
      const n = c * 500 + p;
      pools.push(
        pool(`c${String(c).padStart(2, '0')}`, `pool-${String(p).padStart(3, '0')}`, n % 10 === 0 ? (n % 3) + 1 : 0),
      );
    }
  }
  return pools;
}

describe('GET /pools (paged)', () => {
  const authorizeConditional = jest.fn();
  const catalog = catalogServiceMock({ entities: [ALPHA_WORKER_ENTITY] });
  let fleet: FixedFleet;
  let app: express.Express;

  beforeEach(() => {
    authorizeConditional.mockReset();
    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    fleet = new FixedFleet(
      ['alpha', 'beta'],
      [
        pool('alpha', 'master', 0),
        pool('alpha', 'worker', 2),
        pool('alpha', 'infra', 1, { layering: { mode: 'on-cluster', source: 'infra' } }),
        pool('beta', 'master', 0, { stale: true }),
        pool('beta', 'worker', 3),
        pool('beta', 'gpu', 0, { drift: { ...testPoolView('beta', 'gpu', 'unknown').drift } }),
      ],
    );
    app = express();
    app.use(
      createPoolsRoutes({
        fleet,
        httpAuth: mockServices.httpAuth({ pluginId: 'layering' }),
        permissions: mockServices.permissions.mock({ authorizeConditional }),
        poolResources: new PoolResourceLoader({
          fleet,
          catalog,
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
        }),
      }),
    );
    app.use(mockErrorHandler());
  });

  async function page(query: string): Promise<LayeringFleetPageResponse> {
    const res = await request(app).get(`/pools?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  it('keeps the unpaged answer { items } for callers that give no paging parameter', async () => {
    const res = await request(app).get('/pools?drift=behind');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['items']);
    // The pools' own drift: the stale master of beta is not "unreachable" here.
    expect(res.body.items.map(key)).toEqual(['alpha/worker', 'alpha/infra', 'beta/worker']);
    expect(res.headers.etag).toBeDefined();
  });

  it('sorts most behind first, then by cluster and pool, and counts per status and cluster', async () => {
    const body = await page('limit=10');
    expect(body.items.map(key)).toEqual([
      'beta/worker',
      'alpha/worker',
      'alpha/infra',
      'alpha/master',
      'beta/gpu',
      'beta/master',
    ]);
    expect(body.total).toBe(6);
    expect(body.nextCursor).toBeNull();
    expect(body.summary.byStatus).toEqual({
      behind: 3,
      'in-sync': 1,
      ahead: 0,
      unknown: 1,
      unreachable: 1,
    });
    expect(body.summary.byCluster).toEqual([
      { cluster: 'alpha', total: 3, byStatus: { behind: 2, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 } },
      { cluster: 'beta', total: 3, byStatus: { behind: 1, 'in-sync': 0, ahead: 0, unknown: 1, unreachable: 1 } },
    ]);
  });

  it('filters by fleet status, cluster, mode and text; the summary ignores the status and cluster filters', async () => {
    const unreachable = await page('drift=unreachable&limit=10');
    expect(unreachable.items.map(key)).toEqual(['beta/master']);
    const behindInAlpha = await page('drift=behind&cluster=alpha&sort=name');
    expect(behindInAlpha.items.map(key)).toEqual(['alpha/infra', 'alpha/worker']);
    expect(behindInAlpha.total).toBe(2);
    expect(behindInAlpha.summary.total).toBe(6);
    const onCluster = await page('mode=on-cluster');
    expect(onCluster.items.map(key)).toEqual(['alpha/infra']);
    expect(onCluster.summary.total).toBe(1);
    const text = await page('q=BETA/W');
    expect(text.items.map(key)).toEqual(['beta/worker']);
    const both = await page('drift=in-sync,unknown&sort=name');
    expect(both.items.map(key)).toEqual(['alpha/master', 'beta/gpu']);
  });

  it('pages 10,000 pools with a cursor: every pool once, in order, with the same total', async () => {
    fleet.clusters = Array.from({ length: 20 }, (_, c) => `c${String(c).padStart(2, '0')}`);
    fleet.setPools(bigFleet());
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: LayeringFleetPageResponse = await page(
        `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(body.total).toBe(10_000);
      expect(body.items.length).toBeLessThanOrEqual(1000);
      seen.push(...body.items.map(key));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(10);
    expect(new Set(seen).size).toBe(10_000);
    // Behind first: the 1,000 behind pools fill the first page.
    const first = seen.slice(0, 1000).map(k => fleet.pools.find(p => key(p) === k)!);
    expect(first.every(p => p.drift.status === 'behind')).toBe(true);
  });

  it('keeps a cursor stable when pools are added or removed between pages', async () => {
    const first = await page('sort=name&limit=3');
    expect(first.items.map(key)).toEqual(['alpha/infra', 'alpha/master', 'alpha/worker']);
    // One pool before the cursor goes, one before it comes, and one after it comes.
    fleet.setPools([
      ...fleet.pools.filter(p => key(p) !== 'alpha/master'),
      pool('alpha', 'edge', 0),
      pool('beta', 'arm', 0),
    ]);
    const second = await page(`sort=name&limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.items.map(key)).toEqual(['beta/arm', 'beta/gpu', 'beta/master']);
    const third = await page(`sort=name&limit=3&cursor=${encodeURIComponent(second.nextCursor!)}`);
    expect(third.items.map(key)).toEqual(['beta/worker']);
    expect(third.nextCursor).toBeNull();
  });

  it('answers the same page again from its cache until a pool changes, and says so in Server-Timing', async () => {
    const first = await request(app).get('/pools?drift=behind&limit=2');
    expect(first.status).toBe(200);
    expect(first.headers['server-timing']).toMatch(/^auth;dur=[\d.]+, permission;dur=[\d.]+, page;dur=[\d.]+$/);
    const again = await request(app).get('/pools?drift=behind&limit=2');
    expect(again.headers['server-timing']).toMatch(/page;dur=[\d.]+;desc=cached$/);
    expect(again.body).toEqual(first.body);
    expect(first.body.items.map(key)).toEqual(['beta/worker', 'alpha/worker']);

    // A pool changes: the next answer is cut from the new fleet, not served from the cache.
    fleet.setPools([...fleet.pools.filter(p => key(p) !== 'beta/worker'), pool('beta', 'worker', 0)]);
    const fresh = await request(app).get('/pools?drift=behind&limit=2');
    expect(fresh.headers['server-timing']).not.toMatch(/cached/);
    expect(fresh.body.items.map(key)).toEqual(['alpha/worker', 'alpha/infra']);
    expect(fresh.body.summary.byStatus.behind).toBe(2);
  });

  it('does not answer from the cache when the read permission is not a plain allow', async () => {
    await page('limit=2');
    authorizeConditional.mockImplementation(async () => [
      { result: AuthorizeResult.DENY },
    ]);
    const denied = await request(app).get('/pools?limit=2');
    expect(denied.headers['server-timing']).not.toMatch(/cached/);
    expect(denied.body.items).toEqual([]);
    expect(denied.body.total).toBe(0);
  });

  it('answers 400 with the field at fault for bad parameters', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit: must be a whole number'],
      ['sort=age', 'sort'],
      ['mode=layered', 'mode'],
      ['drift=sideways&limit=5', 'drift'],
      ['cursor=not-a-cursor', 'cursor: is not a cursor of this listing'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['limit=5&colour=red', 'colour'],
      ['drift=unreachable', 'drift: unreachable is only a filter of the paged listing'],
    ];
    for (const [query, message] of cases) {
      const res = await request(app).get(`/pools?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(message);
    }
    const byBehind = await page('limit=2');
    const res = await request(app).get(
      `/pools?sort=name&cursor=${encodeURIComponent(byBehind.nextCursor!)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('cursor: was made for sort=behind');
    expect((await request(app).get('/pools?cluster=gamma&limit=5')).status).toBe(404);
  });

  it('applies a conditional read permission before paging, so totals and summaries count readable pools only', async () => {
    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() =>
        createLayeringPoolConditionalDecision(layeringPoolReadPermission, {
          anyOf: [
            layeringPoolConditions.isPoolOwner({ claims: ['group:default/team-a'] }),
            layeringPoolConditions.isInCluster({ clusters: ['beta'] }),
          ],
        }),
      ),
    );
    const first = await page('limit=2');
    expect(first.total).toBe(4);
    expect(first.summary.total).toBe(4);
    expect(first.summary.byCluster.map(c => [c.cluster, c.total])).toEqual([
      ['alpha', 1],
      ['beta', 3],
    ]);
    const rest = await page(`limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect([...first.items, ...rest.items].map(key)).toEqual([
      'beta/worker',
      'alpha/worker',
      'beta/gpu',
      'beta/master',
    ]);
    expect(rest.nextCursor).toBeNull();

    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.DENY })),
    );
    const none = await page('limit=5');
    expect(none).toEqual(
      expect.objectContaining({ items: [], total: 0, nextCursor: null }),
    );
    expect(none.summary.total).toBe(0);
  });
});
