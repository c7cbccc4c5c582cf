import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterLeases } from './ClusterLeases';
import { LEASES_TABLE } from './tables';
import { openScaleDatabase } from '../__testUtils__/scaleDatabase';

jest.setTimeout(60_000);

/** Polls `check` every 50 ms until it holds, for at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const CLUSTERS = Array.from({ length: 10 }, (_, i) => `c${i}`);

describe('ClusterLeases', () => {
  let dir: string;
  const dbs: Knex[] = [];
  const running: ClusterLeases[] = [];

  /** A replica with its own connection to the one database file, as separate processes have. */
  async function replica(
    id: string,
    options: { ttlMs?: number; renewIntervalMs?: number; clusters?: () => string[] } = {},
  ) {
    const db = await openScaleDatabase(join(dir, 'db.sqlite'));
    dbs.push(db);
    const watching = new Set<string>();
    const leases = new ClusterLeases({
      db,
      replicaId: id,
      logger: mockServices.logger.mock(),
      ttlMs: options.ttlMs ?? 4000, // well above a busy machine's event-loop stalls
      renewIntervalMs: options.renewIntervalMs ?? 200,
      clusters: options.clusters ?? (() => CLUSTERS),
      onOwnershipChange: async owned => {
        watching.clear();
        owned.forEach(c => watching.add(c));
      },
    });
    running.push(leases);
    return { leases, watching, db };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leases-'));
  });

  afterEach(async () => {
    for (const leases of running.splice(0)) await leases.stop({ release: false });
    for (const db of dbs.splice(0)) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a single replica every cluster at once', async () => {
    const a = await replica('a');
    await a.leases.start();
    expect([...a.watching].sort()).toEqual(CLUSTERS);
  });

  it('splits the clusters between two replicas with no overlap, and never both at once', async () => {
    const a = await replica('a');
    await a.leases.start();
    const b = await replica('b');
    // Checked at every change of either: no cluster is in both sets at any moment.
    const overlaps: string[] = [];
    const check = () => {
      for (const c of a.watching) if (b.watching.has(c)) overlaps.push(c);
    };
    const timer = setInterval(check, 10);
    try {
      await b.leases.start();
      await until(() => a.watching.size === 5 && b.watching.size === 5, 20_000, 'a 5/5 split');
    } finally {
      clearInterval(timer);
    }
    expect(overlaps).toEqual([]);
    expect([...a.watching, ...b.watching].sort()).toEqual(CLUSTERS);
    const rows: Array<{ cluster: string; owner: string }> = await a.db(LEASES_TABLE).select();
    for (const row of rows) {
      expect(row.owner === 'a' ? a.watching.has(row.cluster) : b.watching.has(row.cluster)).toBe(true);
    }
  });

  it('takes over the clusters of a replica that stopped renewing once its leases expire', async () => {
    const a = await replica('a');
    const b = await replica('b');
    await a.leases.start();
    await b.leases.start();
    await until(() => a.watching.size === 5 && b.watching.size === 5, 20_000, 'a 5/5 split');
    // A crash: no more renewals and nothing released.
    await a.leases.stop({ release: false });
    const crashedWith = new Set(a.watching);
    await until(() => b.watching.size === 10, 20_000, 'b to own every cluster');
    expect([...crashedWith].every(c => b.watching.has(c))).toBe(true);
  });

  it('claims a dead replica’s clusters when its leases end, not at its next regular round', async () => {
    const a = await replica('a');
    // B's regular rounds are a minute apart: only the look at the moment A's leases end
    // (which it plans from the expiries it reads) can take them over within this test.
    const b = await replica('b', { ttlMs: 120_000, renewIntervalMs: 60_000 });
    await a.leases.start();
    await b.leases.start();
    await until(() => a.watching.size === 5 && b.watching.size === 5, 20_000, 'a 5/5 split');
    await a.leases.stop({ release: false });
    await until(() => b.watching.size === 10, 20_000, 'b to own every cluster');
    expect([...b.watching].sort()).toEqual(CLUSTERS);
  });

  it('hands the clusters over at the next round when a replica releases them', async () => {
    const a = await replica('a', { ttlMs: 60_000 });
    const b = await replica('b', { ttlMs: 60_000 });
    await a.leases.start();
    await b.leases.start();
    await until(() => a.watching.size === 5 && b.watching.size === 5, 20_000, 'a 5/5 split');
    await a.leases.stop({ release: true });
    // Well before the 60 s TTL: released leases are free at once.
    await until(() => b.watching.size === 10, 20_000, 'b to own every cluster');
    expect([...b.watching].sort()).toEqual(CLUSTERS);
  });

  it('stops watching when it cannot renew, before the leases can expire', async () => {
    const a = await replica('a', { ttlMs: 1500 });
    await a.leases.start();
    expect(a.watching.size).toBe(10);
    // The database becomes unreachable for this replica.
    await a.db.destroy();
    await until(() => a.watching.size === 0, 20_000, 'a to stop watching');
    expect(a.leases.stats.failures).toBeGreaterThan(0);
  });

  it('lets go of clusters that are no longer configured', async () => {
    let clusters = CLUSTERS;
    const a = await replica('a', { clusters: () => clusters });
    await a.leases.start();
    clusters = CLUSTERS.slice(0, 3);
    await until(() => a.watching.size === 3, 20_000, 'only three clusters');
    expect([...a.watching].sort()).toEqual(['c0', 'c1', 'c2']);
  });
});
