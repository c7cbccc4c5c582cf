import { resolvePackagePath, type DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseRequestStore } from '../services/RequestStore';
import { FixedFleet, testPoolView } from '../__testUtils__/FixedFleet';
import { DriftTrendRecorder } from '../services/trend/DriftTrendRecorder';
import { DriftTrendStore } from '../services/trend/DriftTrendStore';
import { migrateLatestSafely, withStartupLock } from './startupLock';
import { ensureScaleTables, LEASES_TABLE } from './tables';

/**
 * Replicas on one PostgreSQL server, each a knex pool of its own (as separate processes have).
 *
 * Start-up: every store's schema set-up runs on all of them at once on a fresh database. Before
 * the start-up lock, two of them racing in knex's migrations failed with "relation
 * knex_migrations already exists" or "Migration table is already locked".
 *
 * Drift trend: replicas sampling the same cluster at the same moment write one sample.
 */
jest.setTimeout(120_000);

const pgScript = resolvePackagePath(
  '@rhcos-layering/plugin-layering-backend',
  '../../scripts/test-services/postgres.sh',
);

describe('replicas on one PostgreSQL', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'layering-startup-'));
  let connection: { host: string; port: number; user: string; password: string };
  let admin: Knex;
  const pools: Knex[] = [];
  let databases = 0;

  /** A fresh database, and one knex pool per replica on it. */
  async function freshDatabase(replicas: number): Promise<Knex[]> {
    databases += 1;
    const name = `startup_${databases}`;
    await admin.raw(`create database ${name}`);
    return Array.from({ length: replicas }, () => {
      const db = knexFactory({
        client: 'pg',
        connection: { ...connection, database: name },
        pool: { min: 0, max: 4 },
        // knex warns on the console when its own migration lock is taken (one test does that).
        log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
      });
      pools.push(db);
      return db;
    });
  }

  const service = (db: Knex) => ({ getClient: async () => db }) as unknown as DatabaseService;

  beforeAll(() => {
    const [port, password] = execFileSync('bash', [pgScript, 'start', workDir], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    connection = { host: '127.0.0.1', port: Number(port), user: 'postgres', password };
    admin = knexFactory({ client: 'pg', connection: { ...connection, database: 'postgres' } });
  });

  afterAll(async () => {
    for (const db of pools) await db.destroy();
    await admin?.destroy();
    execFileSync('bash', [pgScript, 'stop', workDir]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('lets three replicas set up every store at the same moment, and each store works', async () => {
    const replicas = await freshDatabase(3);
    const logger = mockServices.logger.mock();
    const started = await Promise.all(
      replicas.map(async db => {
        const [requests, trend] = await Promise.all([
          DatabaseRequestStore.create(service(db), { logger }),
          DriftTrendStore.create(service(db), { logger }),
          ensureScaleTables(db),
        ]);
        return { requests, trend, db };
      }),
    );

    // Each migration ran once, and every replica reads and writes every store.
    const [first] = replicas;
    const ran = await first('knex_migrations').select('name');
    expect(ran.map(r => r.name).sort()).toEqual([
      '20261126000000_layering_requests.js',
      '20261205000000_layering_requests_unique.js',
      '20261205100000_layering_request_events.js',
    ]);
    expect(await first('layering_trend_migrations').count({ n: '*' })).toEqual([{ n: '1' }]);
    for (const [i, { trend, db }] of started.entries()) {
      await trend.add({
        cluster: `c${i}`,
        at: '2026-12-05T10:00:00.000Z',
        counts: { behind: i, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 },
      });
      await db(LEASES_TABLE).insert({ cluster: `c${i}`, owner: `r${i}`, expires_at: 1, acquired_at: 1 });
    }
    for (const { trend, requests } of started) {
      expect(await trend.list({ since: '2026-12-05T00:00:00.000Z' })).toHaveLength(3);
      expect(await requests.list('c0', 'worker')).toEqual([]);
    }
    expect(await first(LEASES_TABLE).count({ n: '*' })).toEqual([{ n: '3' }]);
  });

  it('clears a knex migration lock that a replica which died while migrating left behind', async () => {
    const [db] = await freshDatabase(1);
    const directory = resolvePackagePath('@rhcos-layering/plugin-layering-backend', 'migrations/trend');
    const config = { directory, tableName: 'layering_trend_migrations' };
    // As knex leaves it when the process is killed between taking its lock row and freeing it.
    await db.schema.createTable('layering_trend_migrations_lock', t => {
      t.increments('index').primary();
      t.integer('is_locked');
    });
    await db('layering_trend_migrations_lock').insert({ is_locked: 1 });
    await expect(db.migrate.latest(config)).rejects.toThrow(/already locked/);

    const logger = mockServices.logger.mock();
    await migrateLatestSafely(db, config, { logger });
    expect(await db.schema.hasTable('layering_drift_samples')).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('knex migration lock'),
      expect.objectContaining({ table: 'layering_trend_migrations_lock' }),
    );
  });

  it('runs one holder of a lock at a time across pools, and gives up after the wait', async () => {
    const [one, two] = await freshDatabase(2);
    let inside = 0;
    let most = 0;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>(entered => {
      void withStartupLock(one, 'test-lock', async () => {
        inside += 1;
        most = Math.max(most, inside);
        entered();
        await new Promise<void>(resolve => {
          releaseFirst = resolve;
        });
        inside -= 1;
      });
    });
    await firstHeld;
    // While the first pool holds it, the second cannot get it within a short wait.
    await expect(
      withStartupLock(two, 'test-lock', async () => 'never', { waitMs: 300 }),
    ).rejects.toThrow(/start-up lock "test-lock"/);
    // Waiting without a short limit, it gets the lock once the first lets go.
    const second = withStartupLock(two, 'test-lock', async () => {
      inside += 1;
      most = Math.max(most, inside);
      inside -= 1;
      return 'second';
    });
    releaseFirst();
    await expect(second).resolves.toBe('second');
    expect(most).toBe(1);
  });

  it('writes a drift sample once when replicas sample one cluster at the same moment', async () => {
    const replicas = await freshDatabase(3);
    const logger = mockServices.logger.mock();
    const stores = await Promise.all(replicas.map(db => DriftTrendStore.create(service(db), { logger })));
    const t0 = Date.parse('2026-12-05T10:00:00.000Z');
    let now = t0;
    // Each replica's fleet holds the cluster; two of them even count it differently (one of
    // them still had an older view), as can happen while a lease changes hands.
    const fleets = [
      new FixedFleet(['a'], [testPoolView('a', 'worker', 'behind'), testPoolView('a', 'master')]),
      new FixedFleet(['a'], [testPoolView('a', 'worker', 'behind'), testPoolView('a', 'master')]),
      new FixedFleet(['a'], [testPoolView('a', 'worker'), testPoolView('a', 'master')]),
    ];
    const recorders = stores.map(
      (store, i) =>
        new DriftTrendRecorder({ fleet: fleets[i], store, logger, intervalMs: 15 * 60_000, now: () => now }),
    );
    const since = new Date(0).toISOString();
    for (let round = 0; round < 5; round++) {
      await Promise.all(recorders.flatMap(r => [r.sample('a'), r.sample('a')]));
    }
    expect(await stores[0].list({ since })).toHaveLength(1);

    // Within the interval nothing more is written, whichever counts a replica holds.
    now = t0 + 5 * 60_000;
    await Promise.all(recorders.map(r => r.sample('a')));
    expect(await stores[1].list({ since })).toHaveLength(1);

    // Once the interval is over, one more sample (from whichever replica came first).
    now = t0 + 16 * 60_000;
    fleets.forEach(f => {
      f.pools = [testPoolView('a', 'worker', 'ahead'), testPoolView('a', 'master')];
    });
    await Promise.all(recorders.map(r => r.sample('a')));
    const samples = await stores[2].list({ since });
    expect(samples.map(s => s.counts.ahead)).toEqual([0, 1]);
    await Promise.all(recorders.map(r => r.stop()));
  });

  it('leaves a cluster to the replica that watches it', async () => {
    const [db] = await freshDatabase(1);
    const logger = mockServices.logger.mock();
    const store = await DriftTrendStore.create(service(db), { logger });
    const fleet = new FixedFleet(['a', 'b'], [testPoolView('a', 'worker'), testPoolView('b', 'worker')]);
    const recorder = new DriftTrendRecorder({ fleet, store, logger, samples: c => c === 'a' });
    await Promise.all([recorder.sample('a'), recorder.sample('b')]);
    expect(await store.latest('a')).toBeDefined();
    expect(await store.latest('b')).toBeUndefined();
    await recorder.stop();
  });
});
