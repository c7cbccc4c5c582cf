import { ConfigReader } from '@backstage/config';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { ClusterView } from '@rhcos-layering/plugin-layering-common';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import type { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetService } from '../services/FleetService';
import type { ClusterRelease } from '../services/fleetTypes';
import { testPoolView } from '../__testUtils__/FixedFleet';
import { eventually } from '../__testUtils__/testBackend';
import { openScaleDatabase } from '../__testUtils__/scaleDatabase';
import { ClusterLeases } from './ClusterLeases';
import { ScaledFleetService } from './ScaledFleetService';
import { SharedViewStore } from './SharedViewStore';

jest.setTimeout(60_000);

/**
 * One replica serving a cluster another replica owns, from the views that owner shares through
 * the database. The owner here is the real lease and view store of a second replica id on the
 * same SQLite file, driven by the test, so each kind of write can be made on its own.
 */
describe('ScaledFleetService serving a cluster another replica owns', () => {
  let dir: string;
  const dbs: Knex[] = [];

  const open = async () => {
    const db = await openScaleDatabase(join(dir, 'db.sqlite'));
    dbs.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scaled-fleet-'));
  });

  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const remote: LayeringClusterDetails = {
    name: 'remote',
    // Never connected: the lease stays with the other replica.
    url: 'https://127.0.0.1:9',
    skipTLSVerify: false,
    authMetadata: {},
    reader: { type: 'token', token: 'unused' },
    registries: [],
    source: 'config',
  };
  const clusterView = (changes: Partial<ClusterView> = {}): ClusterView => ({
    name: 'remote',
    status: 'ok',
    lastSync: '2026-12-05T10:00:00.000Z',
    release: { version: '4.18.21', baseImage: null, rhcosVersion: null },
    ...changes,
  });
  const release: ClusterRelease = {
    cluster: 'remote',
    version: '4.18.21',
    baseImage: null,
    rhcosVersion: null,
    status: 'ok',
    stale: false,
    history: [],
  };
  const poolWrite = (drift: 'in-sync' | 'behind') => {
    const view = testPoolView('remote', 'worker', drift);
    return {
      name: 'worker',
      view: JSON.stringify(view),
      detail: JSON.stringify({ ...view, nodes: [], builds: [] }),
    };
  };

  it('keeps its fleet answer when the owner refreshes only the cluster view, and moves its views version when a status moves', async () => {
    const ownerDb = await open();
    const owner = new ClusterLeases({
      db: ownerDb,
      replicaId: 'owner',
      logger: mockServices.logger.mock(),
      ttlMs: 600_000,
      renewIntervalMs: 600_000,
      clusters: () => ['remote'],
      onOwnershipChange: async () => {},
    });
    await owner.round();
    expect([...owner.owned]).toEqual(['remote']);
    const shared = new SharedViewStore(ownerDb, 'owner');
    await shared.write('remote', {
      cluster: clusterView(),
      release,
      pools: [poolWrite('in-sync')],
      allPools: ['worker'],
    });

    const db = await open();
    const config = new ConfigReader({});
    const logger = mockServices.logger.mock();
    const replica = await ScaledFleetService.create({
      config,
      logger,
      clusters: { getClusters: async () => [remote] },
      database: { getClient: async () => db } as unknown as DatabaseService,
      createFleet: owned =>
        FleetService.fromClustersService({ config, logger, clusters: owned, refreshIntervalMs: 0 }),
      settings: { replicaId: 'reader', viewPollIntervalMs: 20, leaseTtlMs: 600_000, renewIntervalMs: 600_000 },
    });
    try {
      expect(replica.replica.owned).toEqual([]);
      await eventually(async () => {
        expect(replica.listFleetPools().map(p => p.drift.status)).toEqual(['in-sync']);
      });
      const answer = replica.listFleetPoolsResponse();
      let version = replica.viewsVersion();

      // Every few seconds an owner rewrites its clusters' views for their lastSync alone.
      await shared.touch([{ cluster: clusterView({ lastSync: '2026-12-05T10:00:10.000Z' }), release }]);
      await eventually(async () => {
        expect(replica.getCluster('remote')?.lastSync).toBe('2026-12-05T10:00:10.000Z');
      });
      // The pools did not change: the serialised answer (4 MB for a large fleet) is not rebuilt.
      expect(replica.listFleetPoolsResponse()).toBe(answer);
      expect(replica.viewsVersion()).toBeGreaterThan(version);
      version = replica.viewsVersion();

      // A status that moves without a pool changing moves the version, so the fleet page's
      // statuses are worked out again.
      await shared.touch([{ cluster: clusterView({ status: 'unreachable' }), release }]);
      await eventually(async () => {
        expect(replica.listClusters().map(c => c.status)).toEqual(['unreachable']);
      });
      expect(replica.viewsVersion()).toBeGreaterThan(version);
      expect(replica.listFleetPoolsResponse()).toBe(answer);
      version = replica.viewsVersion();

      // A pool that changes gives a new answer and a new version.
      await shared.write('remote', {
        cluster: clusterView(),
        release,
        pools: [poolWrite('behind')],
        allPools: ['worker'],
      });
      await eventually(async () => {
        expect(replica.listFleetPools().map(p => p.drift.status)).toEqual(['behind']);
      });
      expect(replica.viewsVersion()).toBeGreaterThan(version);
      const next = replica.listFleetPoolsResponse();
      expect(next).not.toBe(answer);
      expect(JSON.parse(next.body.toString()).items[0].drift.status).toBe('behind');
    } finally {
      await replica.stop();
      await owner.stop({ release: false });
    }
  });
});
