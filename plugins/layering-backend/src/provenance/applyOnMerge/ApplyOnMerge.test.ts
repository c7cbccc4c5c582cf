import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { LAYERING_REQUEST_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import { setupServer } from 'msw/node';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import {
  eventually,
  startSampleCluster,
} from '../../__testUtils__/testBackend';
import { DatabaseRequestStore } from '../../services/RequestStore';
import { ApplyOnMerge } from './ApplyOnMerge';
import { ForgeMergedFiles } from './MergedFiles';
import {
  COMMIT,
  CONTAINERFILE,
  mergedPull as mergedPullOn,
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
const mergedPull = (manifest: string) => mergedPullOn(server, manifest);

describe('ApplyOnMerge', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startSampleCluster('aom');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function setup(applyOnMerge: boolean) {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
      {
        logger: mockServices.logger.mock(),
      },
    );
    const requestId = randomUUID();
    const { record } = await requests.add({
      requestId,
      cluster: 'aom',
      pool: 'infra',
      kind: 'modify',
      delivery: 'pull-request',
      pullRequestUrl: PR_URL,
      taskId: 'task-12',
      requestedBy: 'user:default/alice',
      outcome: 'opened',
      summary: 'Add usbguard to infra',
    });
    const details: LayeringClusterDetails = {
      name: 'aom',
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
        layering: { clusters: { options: { aom: { applyOnMerge } } } },
      }),
      logger: mockServices.logger.mock(),
      auditor,
      clusters: { getClusters: async () => [details] },
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
    });
    requests.onChange(applier.onRequestChange);
    return { requests, record, requestId, applier, audits };
  }

  async function readInfra() {
    const res = await fetch(
      `${cluster.url}/apis/machineconfiguration.openshift.io/v1/machineosconfigs/infra`,
      {
        headers: { authorization: `Bearer ${cluster.tokens.admin}` },
      },
    );
    return (await res.json()) as {
      metadata: {
        resourceVersion: string;
        generation?: number;
        managedFields?: Array<{ manager: string }>;
        annotations?: Record<string, string>;
      };
      spec: { containerFile: Array<{ content: string }> };
    };
  }

  it('applies the merged files of the merge commit with the writer, records who approved, audits, and is idempotent', async () => {
    const { requests, record, requestId, applier, audits } = await setup(true);
    const authorizations = mergedPull(stringify(renderedInfraLayer(requestId)));

    await requests.recordEvent(record.id, {
      type: 'merged',
      at: new Date().toISOString(),
      by: 'github:bob',
    });
    const applied = await eventually(async () => {
      const event = (await requests.get(record.id))!.events!.find(
        e => e.type === 'applied',
      );
      expect(event).toBeDefined();
      return event!;
    });
    expect(applied.by).toBe('github:bob');
    expect(applied.detail).toBe(
      `Applied on merge by the portal (MachineOSConfig/infra at ${COMMIT.slice(
        0,
        12,
      )}); the merge by github:bob is the approval`,
    );
    expect(authorizations[0]).toBe('Bearer ghp-test-token');
    const onCluster = await readInfra();
    expect(onCluster.spec.containerFile[0].content).toBe(CONTAINERFILE);
    expect(
      onCluster.metadata.annotations?.[LAYERING_REQUEST_ANNOTATIONS.requestId],
    ).toBe(requestId);
    expect(onCluster.metadata.managedFields?.map(m => m.manager)).toContain(
      'backstage-layering',
    );
    expect(audits).toEqual([
      expect.objectContaining({
        outcome: 'success',
        meta: expect.objectContaining({
          trigger: 'apply-on-merge',
          approvedBy: 'github:bob',
          request: requestId,
        }),
      }),
    ]);

    // Applying again (a second backend, a retry) writes nothing new: once the MCO is done with
    // the change (it annotates and builds), a second apply leaves the object as it is.
    // The MCO may still write the object's status (a build finishing), which moves its
    // resourceVersion, and its own annotations; what the apply owns is the spec (generation)
    // and the request's annotations.
    await cluster.settle();
    const owned = (o: Awaited<ReturnType<typeof readInfra>>) => ({
      generation: o.metadata.generation,
      annotations: Object.entries(o.metadata.annotations ?? {}).filter(([k]) =>
        k.startsWith('layering.openshift.io/'),
      ),
      spec: o.spec,
    });
    const settled = owned(await readInfra());
    await applier.apply((await requests.get(record.id))!, {
      type: 'merged',
      at: applied.at,
      by: 'github:bob',
    });
    await cluster.settle();
    expect(owned(await readInfra())).toEqual(settled);
    expect(
      (await requests.get(record.id))!.events!.filter(
        e => e.type === 'applied',
      ),
    ).toHaveLength(1);
  });

  it("applies nothing that is not layering content or not the request's own, and records why", async () => {
    const { requests, record, applier, audits } = await setup(true);
    const before = await readInfra();
    // Another request's object.
    mergedPull(
      stringify(renderedInfraLayer(randomUUID(), {})).replace(
        /template-run: task-12/,
        'template-run: task-99',
      ),
    );
    await expect(
      applier.apply(record, {
        type: 'merged',
        at: new Date().toISOString(),
        by: 'github:bob',
      }),
    ).rejects.toThrow(/was not rendered by request/);
    // More than layering content: a status block.
    mergedPull(
      stringify(
        renderedInfraLayer(record.id, {
          status: { currentImagePullSpec: 'x' },
        }),
      ),
    );
    await expect(
      applier.apply(record, {
        type: 'merged',
        at: new Date().toISOString(),
        by: 'github:bob',
      }),
    ).rejects.toThrow(
      /not layering content for pool infra: .*status: The MCO owns the status/,
    );
    expect((await readInfra()).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(audits.map(a => a.outcome)).toEqual(['failure', 'failure']);
    const failed = (await requests.get(record.id))!.events!.filter(
      e => e.type === 'failed',
    );
    expect(failed).toHaveLength(2);
    expect(failed[0].detail).toMatch(/^Apply on merge failed: /);
  });

  it('leaves clusters without applyOnMerge to their GitOps controller', async () => {
    const { requests, record, audits } = await setup(false);
    const before = await readInfra();
    await requests.recordEvent(record.id, {
      type: 'merged',
      at: new Date().toISOString(),
      by: 'github:bob',
    });
    expect(audits).toEqual([]);
    expect((await readInfra()).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });
});
