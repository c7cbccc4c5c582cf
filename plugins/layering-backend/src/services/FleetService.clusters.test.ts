import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { FleetService } from './FleetService';
import { eventually, startSampleCluster } from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

let cluster: EmbeddedCluster;

beforeAll(async () => {
  cluster = await startSampleCluster('ocp-418');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const details = (name: string): LayeringClusterDetails => ({
  name,
  url: cluster.url,
  skipTLSVerify: true,
  authMetadata: {},
  reader: { type: 'token', token: cluster.tokens.readOnly },
  registries: [],
  source: 'catalog',
});

describe('FleetService.fromClustersService', () => {
  it('follows the clusters service: clusters that appear start, clusters that go stop', async () => {
    // A clusters service whose answer changes, as a catalog locator's does.
    let current: LayeringClusterDetails[] = [];
    let failNext = false;
    const fleet = await FleetService.fromClustersService({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      clusters: {
        getClusters: async () => {
          if (failNext) {
            failNext = false;
            throw new Error('catalog not ready');
          }
          return current;
        },
      },
      refreshIntervalMs: 50,
      debounceMs: 10,
    });
    try {
      expect(fleet.listClusters()).toEqual([]);

      current = [details('a'), details('b')];
      // A cluster's status is its caches' health now, while its pools are those of the last
      // (debounced) views: wait for both rather than read the pools as soon as the status is ok.
      await eventually(async () => {
        expect(fleet.listClusters().map(c => [c.name, c.status])).toEqual([
          ['a', 'ok'],
          ['b', 'ok'],
        ]);
        expect(fleet.listPools('a')?.map(p => p.name).sort()).toEqual(['infra', 'master', 'worker']);
      });
      // Neither has a writer, so a direct apply has nobody to write as.
      expect(fleet.listClusters().map(c => c.directApplyAs)).toEqual(['none', 'none']);

      // A failed lookup (catalog not answering yet) is only logged; the next one applies.
      failNext = true;
      current = [details('b')];
      await eventually(async () => {
        expect(failNext).toBe(false);
        expect(fleet.listClusters().map(c => c.name)).toEqual(['b']);
      });
      expect(fleet.listPools('a')).toBeUndefined();

      // Says who a direct apply writes as, never with what.
      current = [
        details('b'),
        { ...details('c'), writer: { type: 'user' } },
        { ...details('d'), writer: { type: 'token', token: 'writer-secret' } },
      ];
      await eventually(async () => {
        expect(fleet.listClusters().map(c => [c.name, c.directApplyAs])).toEqual([
          ['b', 'none'],
          ['c', 'person'],
          ['d', 'service'],
        ]);
      });
      expect(JSON.stringify(fleet.listClusters())).not.toContain('writer-secret');
    } finally {
      await fleet.stop();
    }
  });
});

describe('FleetService.viewsVersion', () => {
  it('moves whenever a cluster status that listClusters reports moves, before the views are rebuilt', async () => {
    const doomed = await startSampleCluster('doomed');
    const fleet = await FleetService.fromClustersService({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      clusters: {
        getClusters: async () => [
          details('a'),
          { ...details('doomed'), url: doomed.url, reader: { type: 'token', token: doomed.tokens.readOnly } },
        ],
      },
      refreshIntervalMs: 0,
      // Long enough that views built after a data change never come first; a health change
      // rebuilds at once all the same.
      debounceMs: 2000,
    });
    // Every turn of the event loop (setImmediate runs after the I/O that reports a failed
    // watch and before the timer that rebuilds the views), the statuses and the version.
    const samples: Array<{ version: number; statuses: string }> = [];
    let sampling = true;
    const sample = () => {
      samples.push({
        version: fleet.viewsVersion(),
        statuses: fleet.listClusters().map(c => `${c.name}:${c.status}`).join(','),
      });
      if (sampling) setImmediate(sample);
    };
    sample();
    try {
      await eventually(async () => {
        expect(fleet.listClusters().map(c => c.status)).toEqual(['ok', 'ok']);
      });
      await doomed.stop();
      await eventually(async () => {
        expect(fleet.getCluster('doomed')?.status).toBe('unreachable');
      });
    } finally {
      sampling = false;
      await fleet.stop();
      await doomed.stop();
    }
    const moves = samples.filter((s, i) => i > 0 && s.statuses !== samples[i - 1].statuses);
    // syncing → ok for each cluster, then ok → unreachable: the test saw the statuses move.
    expect(moves.length).toBeGreaterThanOrEqual(2);
    const unnoticed = samples.filter(
      (s, i) => i > 0 && s.statuses !== samples[i - 1].statuses && s.version === samples[i - 1].version,
    );
    expect(unnoticed).toEqual([]);
  });
});
