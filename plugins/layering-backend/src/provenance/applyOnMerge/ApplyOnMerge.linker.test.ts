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
import { ProvenanceLinker } from '../ProvenanceLinker';
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
 * Both paths that record `applied` at once, for real: apply on merge writes the merged object and
 * records its apply, while the provenance linker, watching the same cluster every 50 ms, sees
 * the object with the request's digest appear and records it too.
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

  it('records applied once when both see the apply', async () => {
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
      requests,
      fieldManager: 'backstage-layering',
      claims: await ApplyClaims.create(knex, { owner: 'replica-1' }),
    });
    const linker = new ProvenanceLinker({
      fleet,
      source: fleet,
      requests,
      logger: mockServices.logger.mock(),
      portalManagers: ['backstage-layering'],
      intervalMs: 50,
    });
    const heard: LayeringRequestChange[] = [];
    requests.onChange(change => {
      heard.push(change);
    });
    requests.onChange(applier.onRequestChange);
    linker.start();
    try {
      await requests.recordEvent(record.id, {
        type: 'merged',
        at: new Date().toISOString(),
        by: 'github:bob',
      });
      // Apply on merge has written and recorded; the linker has seen the object by now too
      // (it records the build the write caused only after it saw the object).
      await eventually(async () => {
        const events = (await requests.get(record.id))!.events!;
        expect(audits.map(a => a.outcome)).toEqual(['success']);
        expect(events.map(e => e.type)).toContain('build-started');
      });
      await linker.idle();
      const stored = (await requests.get(record.id))!;
      expect(stored.outcome).toBe('applied');
      expect(stored.events?.filter(e => e.type === 'applied')).toHaveLength(1);
      expect(heard.filter(c => c.event.type === 'applied')).toHaveLength(1);
    } finally {
      await linker.stop();
    }
  });
});
