import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { FixedFleet } from '../__testUtils__/FixedFleet';
import { DatabaseRequestStore } from '../services/RequestStore';
import { recordingAuditor } from './applyOnMerge/__testUtils__/fixtures';
import { startProvenanceTracking } from '.';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('startProvenanceTracking', () => {
  async function start(config: JsonObject, withDatabase: boolean) {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    const requests = await DatabaseRequestStore.create(database);
    return startProvenanceTracking({
      config: mockServices.rootConfig({ data: config }),
      logger: mockServices.logger.mock(),
      fleet: new FixedFleet(['aom'], []),
      requests,
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      announce: () => undefined,
      auditor: recordingAuditor().auditor,
      clusters: { getClusters: async () => [] },
      ...(withDatabase ? { database } : {}),
    });
  }

  const optedIn = {
    layering: {
      clusters: { options: { aom: { applyOnMerge: true }, other: {} } },
    },
  };

  it('catches up with missed merges when a cluster applies on merge and there is a database', async () => {
    const tracking = await start(optedIn, true);
    try {
      expect(tracking.applyRetry).toBeDefined();
      // Nothing merged: a pass has nothing to do.
      expect(await tracking.applyRetry!.run()).toEqual({
        applied: 0,
        skipped: 0,
        failed: 0,
        refused: 0,
      });
    } finally {
      await tracking.stop();
    }
  });

  it('does not look for missed merges without an opted-in cluster or a database', async () => {
    const none = await start(
      { layering: { clusters: { options: { aom: {} } } } },
      true,
    );
    const noDatabase = await start(optedIn, false);
    try {
      expect(none.applyRetry).toBeUndefined();
      expect(noDatabase.applyRetry).toBeUndefined();
    } finally {
      await none.stop();
      await noDatabase.stop();
    }
  });
});
