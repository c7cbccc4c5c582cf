import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import { setupServer } from 'msw/node';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import {
  embeddedRegistries,
  eventually,
  startSampleCluster,
} from '../../__testUtils__/testBackend';
import { FleetService } from '../../services/FleetService';
import {
  DatabaseRequestStore,
  type LayeringRequestChange,
} from '../../services/RequestStore';
import {
  ProvenanceLinker,
  type ProvenanceRequestStore,
} from '../ProvenanceLinker';
import { ApplyClaims } from './ApplyClaims';
import { ApplyOnMerge } from './ApplyOnMerge';
import { ForgeMergedFiles } from './MergedFiles';
import {
  mergedPull,
  PR_URL,
  recordingAuditor,
  renderedInfraLayer,
} from './__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
// The forge is mocked; the embedded cluster is real, so its requests pass through.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/**
 * Both paths that record `applied`, for real and at the same moment: apply on merge writes the
 * merged object to the cluster, and just when it records its apply, the provenance linker (which
 * watches the same cluster) links the pool: it read the request before apply on merge's record
 * was stored, so it sees the object appear with no `applied` in the history yet and records one
 * too. The store keeps one.
 */
describe('apply on merge and the provenance linker on one cluster', () => {
  let cluster: EmbeddedCluster;
  let fleet: FleetService;

  beforeAll(async () => {
    cluster = await startSampleCluster('aomlink');
    fleet = FleetService.create({
      clusters: [
        {
          name: 'aomlink',
          url: cluster.url,
          skipTLSVerify: true,
          authMetadata: {},
          reader: { type: 'token', token: cluster.tokens.readOnly },
          registries: embeddedRegistries(cluster),
          source: 'config',
        },
      ],
      registries: [],
      logger: mockServices.logger.mock(),
      debounceMs: 10,
    });
    await fleet.ready();
  });

  afterAll(async () => {
    await fleet?.stop();
    await cluster?.stop();
  });

  it('records applied once when both see the apply at the same moment', async () => {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
      { logger: mockServices.logger.mock() },
    );
    const requestId = randomUUID();
    const { record } = await requests.add({
      requestId,
      cluster: 'aomlink',
      pool: 'infra',
      kind: 'modify',
      delivery: 'pull-request',
      pullRequestUrl: PR_URL,
      taskId: 'task-12',
      requestedBy: 'user:default/alice',
      outcome: 'opened',
      summary: 'Add usbguard to infra',
    });
    mergedPull(server, stringify(renderedInfraLayer(requestId)));

    const writer: LayeringClusterDetails = {
      name: 'aomlink',
      url: cluster.url,
      skipTLSVerify: true,
      authMetadata: {},
      reader: { type: 'token', token: cluster.tokens.readOnly },
      writer: { type: 'token', token: cluster.tokens.admin },
      registries: [],
      source: 'config',
    };
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
    const linkerStore: ProvenanceRequestStore = {
      list: async (name, pool, options) => {
        const records = await requests.list(name, pool, options);
        readByLinker();
        await applierStored;
        return records;
      },
      get: id => requests.get(id),
      listMerged: options => requests.listMerged(options),
      onChange: listener => requests.onChange(listener),
      recordEvent: (id, event, options) =>
        requests.recordEvent(id, event, options),
    };
    const linker = new ProvenanceLinker({
      fleet,
      source: fleet,
      requests: linkerStore,
      logger: mockServices.logger.mock(),
      portalManagers: ['backstage-layering'],
      intervalMs: 0,
    });
    let linked: string[] | undefined;
    let ownRecorded: boolean | undefined;
    // Apply on merge's view of the store: once the watch caches show the object it wrote, the
    // linker links the pool, and apply on merge's applied goes in right after the linker read.
    const racing: ProvenanceRequestStore = {
      list: (name, pool, options) => requests.list(name, pool, options),
      get: id => requests.get(id),
      listMerged: options => requests.listMerged(options),
      onChange: listener => requests.onChange(listener),
      recordEvent: async (id, event, options) => {
        if (event.type !== 'applied')
          return requests.recordEvent(id, event, options);
        await eventually(async () => {
          const objects = fleet.getPoolProvenance('aomlink', 'infra')?.objects;
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
    };
    const applier = new ApplyOnMerge({
      config: new ConfigReader({
        layering: {
          clusters: { options: { aomlink: { applyOnMerge: true } } },
        },
      }),
      logger: mockServices.logger.mock(),
      auditor,
      clusters: { getClusters: async () => [writer] },
      files: new ForgeMergedFiles(
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: {
              github: [{ host: 'github.com', token: 'ghp-test-token' }],
            },
          }),
        ),
      ),
      requests: racing,
      fieldManager: 'backstage-layering',
      claims: await ApplyClaims.create(knex, { owner: 'replica-1' }),
    });
    const heard: LayeringRequestChange[] = [];
    requests.onChange(change => {
      heard.push(change);
    });
    requests.onChange(applier.onRequestChange);
    try {
      await requests.recordEvent(record.id, {
        type: 'merged',
        at: new Date().toISOString(),
        by: 'github:bob',
      });
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
