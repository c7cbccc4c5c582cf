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
