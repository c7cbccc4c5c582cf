import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  emptyFleetStatusCounts,
  layeringPoolReadPermission,
  type LayeringTrendResponse,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import request from 'supertest';
import { FixedFleet, testPoolView } from '../../__testUtils__/FixedFleet';
import { createLayeringPoolConditionalDecision, layeringPoolConditions } from '../../permissions';
import { createTrendRoutes } from '../../routes/trend';
import { clusterCounts, DriftTrendRecorder } from './DriftTrendRecorder';
import { DriftTrendStore } from './DriftTrendStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2026-12-01T00:00:00.000Z');

const counts = (partial: Partial<ReturnType<typeof emptyFleetStatusCounts>>) => ({
  ...emptyFleetStatusCounts(),
  ...partial,
});

async function newStore(): Promise<DriftTrendStore> {
  const knex = await databases.init('SQLITE_3');
  return DriftTrendStore.create(mockServices.database({ knex }));
}

describe('DriftTrendStore', () => {
  it('lists the window oldest first, with each cluster’s last sample before it', async () => {
    const store = await newStore();
    const at = (days: number) => new Date(T0 + days * DAY).toISOString();
    await store.add({ cluster: 'a', at: at(-40), counts: counts({ behind: 9 }) });
    await store.add({ cluster: 'a', at: at(-35), counts: counts({ behind: 5 }) });
    await store.add({ cluster: 'b', at: at(-50), counts: counts({ 'in-sync': 2 }) });
    await store.add({ cluster: 'a', at: at(-3), counts: counts({ behind: 1 }) });
    await store.add({ cluster: 'b', at: at(-2), counts: counts({ unknown: 2 }) });

    const all = await store.list({ since: at(-30) });
    expect(all.map(s => [s.cluster, s.at, s.counts.behind])).toEqual([
      ['b', at(-50), 0],
      ['a', at(-35), 5],
      ['a', at(-3), 1],
      ['b', at(-2), 0],
    ]);
    const a = await store.list({ since: at(-30), cluster: 'a' });
    expect(a.map(s => s.at)).toEqual([at(-35), at(-3)]);
    expect((await store.latest('b'))?.counts).toEqual(counts({ unknown: 2 }));
  });

  it('prunes samples past retention but keeps each cluster’s newest', async () => {
    const store = await newStore();
    const at = (days: number) => new Date(T0 + days * DAY).toISOString();
    await store.add({ cluster: 'a', at: at(-200), counts: counts({ behind: 3 }) });
    await store.add({ cluster: 'a', at: at(-100), counts: counts({ behind: 2 }) });
    await store.add({ cluster: 'a', at: at(-1), counts: counts({ behind: 1 }) });
    await store.add({ cluster: 'quiet', at: at(-300), counts: counts({ 'in-sync': 4 }) });
    expect(await store.prune(at(-90))).toBe(2);
    const left = await store.list({ since: at(-400) });
    expect(left.map(s => [s.cluster, s.at])).toEqual([
      ['quiet', at(-300)],
      ['a', at(-1)],
    ]);
  });
});

describe('DriftTrendRecorder', () => {
  let now = T0;
  let fleet: FixedFleet;
  let store: DriftTrendStore;
  let recorder: DriftTrendRecorder;

  beforeEach(async () => {
    now = T0;
    fleet = new FixedFleet(['a'], [
      testPoolView('a', 'master', 'in-sync'),
      testPoolView('a', 'worker', 'behind'),
      { ...testPoolView('a', 'infra', 'in-sync'), stale: true },
    ]);
    store = await newStore();
    recorder = new DriftTrendRecorder({
      fleet,
      store,
      logger: mockServices.logger.mock(),
      intervalMs: 15 * MINUTE,
      retentionDays: 90,
      now: () => now,
    });
  });

  afterEach(() => recorder.stop());

  it('counts a cluster’s pools as the fleet page does (stale pools are unreachable)', () => {
    expect(clusterCounts(fleet, 'a')).toEqual(counts({ behind: 1, 'in-sync': 1, unreachable: 1 }));
    expect(clusterCounts(fleet, 'nowhere')).toBeUndefined();
  });

  it('writes a sample when counts change, at most one per interval, and nothing when they do not', async () => {
    await recorder.sample('a');
    await recorder.sample('a');
    expect(await store.list({ since: new Date(0).toISOString() })).toHaveLength(1);

    // A change five minutes later waits for the interval's end.
    now = T0 + 5 * MINUTE;
    fleet.pools = fleet.pools.map(p => (p.name === 'master' ? testPoolView('a', 'master', 'behind') : p));
    await recorder.sample('a');
    expect(await store.list({ since: new Date(0).toISOString() })).toHaveLength(1);

    // Once it is over, the counts of then are written.
    now = T0 + 15 * MINUTE;
    await recorder.sample('a');
    const samples = await store.list({ since: new Date(0).toISOString() });
    expect(samples.map(s => [s.at, s.counts])).toEqual([
      [new Date(T0).toISOString(), counts({ behind: 1, 'in-sync': 1, unreachable: 1 })],
      [new Date(T0 + 15 * MINUTE).toISOString(), counts({ behind: 2, unreachable: 1 })],
    ]);
  });

  it('skips a cluster that is still syncing', async () => {
    const syncing = Object.assign(fleet, {
      getCluster: (name: string) =>
        name === 'a'
          ? { name, status: 'syncing' as const, lastSync: null, release: { version: null, baseImage: null, rhcosVersion: null } }
          : undefined,
    });
    const r = new DriftTrendRecorder({ fleet: syncing, store, logger: mockServices.logger.mock(), now: () => now });
    await r.sample('a');
    expect(await store.latest('a')).toBeUndefined();
  });

  it('samples every cluster at start and after a fleet change', async () => {
    recorder.start();
    await waitFor(async () => (await store.latest('a')) !== undefined);
    now = T0 + 20 * MINUTE;
    fleet.setPools([...fleet.pools, testPoolView('a', 'gpu', 'unknown')]);
    await waitFor(async () => (await store.latest('a'))?.counts.unknown === 1);
    expect((await store.latest('a'))?.counts.unknown).toBe(1);
  });
});

/** Polls a condition (real timers; no assertion on how long it takes). */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('GET /trend', () => {
  const authorize = jest.fn();
  const authorizeConditional = jest.fn();
  let app: express.Express;
  let store: DriftTrendStore;

  beforeEach(async () => {
    authorize.mockReset();
    authorize.mockImplementation(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    authorizeConditional.mockReset();
    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    store = await newStore();
    const fleet = new FixedFleet(['a', 'b'], [] as PoolView[]);
    app = express();
    app.use(
      createTrendRoutes({
        fleet,
        store,
        httpAuth: mockServices.httpAuth({ pluginId: 'layering' }),
        permissions: mockServices.permissions.mock({ authorize, authorizeConditional }),
        now: () => T0,
      }),
    );
    app.use(mockErrorHandler());
    await store.add({ cluster: 'a', at: new Date(T0 - 40 * DAY).toISOString(), counts: counts({ behind: 4 }) });
    await store.add({ cluster: 'a', at: new Date(T0 - 2 * DAY).toISOString(), counts: counts({ behind: 1 }) });
    await store.add({ cluster: 'b', at: new Date(T0 - DAY).toISOString(), counts: counts({ 'in-sync': 3 }) });
    // A cluster no longer configured is left out.
    await store.add({ cluster: 'gone', at: new Date(T0 - DAY).toISOString(), counts: counts({ behind: 7 }) });
  });

  it('answers the window of every configured cluster, or one', async () => {
    const res = await request(app).get('/trend?days=30');
    expect(res.status).toBe(200);
    const body: LayeringTrendResponse = res.body;
    expect(body.since).toBe(new Date(T0 - 30 * DAY).toISOString());
    expect(body.samples.map(s => [s.cluster, s.counts.behind])).toEqual([
      ['a', 4],
      ['a', 1],
      ['b', 0],
    ]);
    const one = await request(app).get('/trend?cluster=b');
    expect(one.body.samples.map((s: { cluster: string }) => s.cluster)).toEqual(['b']);
  });

  it('answers 400 for bad parameters and 404 for an unknown cluster', async () => {
    for (const [query, field] of [
      ['days=0', 'days'],
      ['days=91', 'days'],
      ['days=soon', 'days: must be a whole number'],
      ['colour=red', 'colour'],
    ]) {
      const res = await request(app).get(`/trend?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(field);
    }
    expect((await request(app).get('/trend?cluster=nowhere')).status).toBe(404);
  });

  it('refuses callers who may read only some pools, or no clusters', async () => {
    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() =>
        createLayeringPoolConditionalDecision(layeringPoolReadPermission, {
          anyOf: [layeringPoolConditions.isInCluster({ clusters: ['a'] })],
        }),
      ),
    );
    const conditional = await request(app).get('/trend');
    expect(conditional.status).toBe(403);
    expect(conditional.body.error.message).toContain('layering.pool.read');
    authorize.mockImplementation(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.DENY })),
    );
    expect((await request(app).get('/trend')).status).toBe(403);
  });
});
