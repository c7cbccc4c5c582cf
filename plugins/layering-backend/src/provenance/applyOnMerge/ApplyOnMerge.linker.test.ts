import { TestDatabases } from '@backstage/backend-test-utils';
import { stringify } from 'yaml';
import { eventually } from '../../__testUtils__/testBackend';
import type { LayeringRequestChange } from '../../services/RequestStore';
import { ApplyClaims } from './ApplyClaims';
import {
  applierFor,
  infraRequest,
  linkerFor,
  mergedEvent,
  mockedForge,
  storeView,
  storeWithRequest,
  useSampleCluster,
} from './__testUtils__/embedded';
import {
  mergedPull,
  recordingAuditor,
  renderedInfraLayer,
} from './__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const server = mockedForge();

/**
 * Both paths that record `applied`, for real and at the same moment: apply on merge writes the
 * merged object to the cluster, and just when it records its apply, the provenance linker (which
 * watches the same cluster) links the pool: it read the request before apply on merge's record
 * was stored, so it sees the object appear with no `applied` in the history yet and records one
 * too. The store keeps one.
 */
describe('apply on merge and the provenance linker on one cluster', () => {
  const sample = useSampleCluster('aomlink', { watched: true });

  it('records applied once when both see the apply at the same moment', async () => {
    const { knex, requests, record, requestId } = await storeWithRequest(
      databases,
      infraRequest('aomlink'),
    );
    mergedPull(server, stringify(renderedInfraLayer(requestId)));

    const { auditor, events: audits } = recordingAuditor();
    // The interleaving that records `applied` twice without the store's guard: the linker reads
    // the request (no applied yet), apply on merge stores its applied, then the linker stores
    // the applied it found.
    let readByLinker!: () => void;
    const linkerRead = new Promise<void>(resolve => {
      readByLinker = resolve;
    });
    let storedByApplier!: () => void;
    const applierStored = new Promise<void>(resolve => {
      storedByApplier = resolve;
    });
    const linkerStore = storeView(requests, {
      list: async (name, pool, options) => {
        const records = await requests.list(name, pool, options);
        readByLinker();
        await applierStored;
        return records;
      },
    });
    const linker = linkerFor(sample, linkerStore, 0);
    let linked: string[] | undefined;
    let ownRecorded: boolean | undefined;
    // Apply on merge's view of the store: once the watch caches show the object it wrote, the
    // linker links the pool, and apply on merge's applied goes in right after the linker read.
    const racing = storeView(requests, {
      recordEvent: async (id, event, options) => {
        if (event.type !== 'applied')
          return requests.recordEvent(id, event, options);
        await eventually(async () => {
          const objects = sample.fleet.getPoolProvenance(
            'aomlink',
            'infra',
          )?.objects;
          expect(
            objects?.some(
              o => o.provenance.requestId === id && o.provenance.digestMatches,
            ),
          ).toBe(true);
        });
        const linking = linker.linkPool('aomlink', 'infra');
        await linkerRead;
        const own = await requests.recordEvent(id, event, options);
        storedByApplier();
        linked = (await linking).map(e => e.type);
        ownRecorded = own.recorded;
        return own;
      },
    });
    const applier = applierFor(sample, {
      requests: racing,
      auditor,
      claims: await ApplyClaims.create(knex, { owner: 'replica-1' }),
    });
    const heard: LayeringRequestChange[] = [];
    requests.onChange(change => {
      heard.push(change);
    });
    requests.onChange(applier.onRequestChange);
    try {
      await requests.recordEvent(record.id, mergedEvent());
      await eventually(async () => {
        expect(audits.map(a => a.outcome)).toEqual(['success']);
        expect(ownRecorded).toBeDefined();
      });
      // Apply on merge got it in first; the linker's, found before, was kept out.
      expect(ownRecorded).toBe(true);
      expect(linked).not.toContain('applied');
      const stored = (await requests.get(record.id))!;
      expect(stored.outcome).toBe('applied');
      expect(stored.events?.filter(e => e.type === 'applied')).toHaveLength(1);
      expect(heard.filter(c => c.event.type === 'applied')).toHaveLength(1);
    } finally {
      await linker.stop();
    }
  });
});
