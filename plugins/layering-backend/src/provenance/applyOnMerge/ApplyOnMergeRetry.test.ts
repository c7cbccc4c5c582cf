import { TestDatabases } from '@backstage/backend-test-utils';
import { LAYERING_REQUEST_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { stringify } from 'yaml';
import { eventually } from '../../__testUtils__/testBackend';
import { recordingLogger } from '../../forge/__testUtils__/forgeBackend';
import type { DatabaseRequestStore } from '../../services/RequestStore';
import { ApplyClaims } from './ApplyClaims';
import { ApplyOnMergeRetry } from './ApplyOnMergeRetry';
import {
  applierFor,
  FORGE_TOKEN,
  infraRequest,
  mergedEvent,
  mockedForge,
  readInfra,
  storeWithRequest,
  useSampleCluster,
} from './__testUtils__/embedded';
import {
  mergedPull,
  recordingAuditor,
  renderedInfraLayer,
  type AuditEntry,
} from './__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const server = mockedForge();

/** A loopback port nothing listens on: a cluster that does not answer. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? done(address.port)
          : fail(new Error('no port')),
      );
    });
  });
}

describe('ApplyOnMergeRetry', () => {
  const sample = useSampleCluster('aom');
  const stops: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
  });

  /** A request store on a fresh database, with one request merged by github:bob. */
  async function merged() {
    const stored = await storeWithRequest(databases, infraRequest('aom'));
    await stored.requests.recordEvent(stored.record.id, mergedEvent());
    return stored;
  }

  /** One replica's apply on merge and its retry, on the given store and database. */
  async function replica(
    knex: Knex,
    requests: DatabaseRequestStore,
    options: {
      clusters?: () => LayeringClusterDetails;
      backoffMs?: number;
      initialDelayMs?: number;
    } = {},
  ) {
    const { auditor, events } = recordingAuditor();
    const log = recordingLogger();
    const claims = await ApplyClaims.create(knex, {
      owner: `replica-${randomUUID().slice(0, 8)}`,
      backoff: { baseMs: options.backoffMs ?? 60_000 },
    });
    const applier = applierFor(sample, {
      requests,
      auditor,
      logger: log.logger,
      claims,
      details: options.clusters,
    });
    const retry = new ApplyOnMergeRetry({
      applier,
      requests,
      logger: log.logger,
      intervalMs: 60_000,
      initialDelayMs: options.initialDelayMs,
    });
    stops.push(() => retry.stop());
    return { applier, retry, claims, audits: events, lines: log.lines };
  }

  async function infraRequestId() {
    const { metadata } = await readInfra(sample);
    return metadata.annotations?.[LAYERING_REQUEST_ANNOTATIONS.requestId];
  }

  it('applies on start a request merged while the portal was down, once', async () => {
    // The merge was recorded with no apply on merge listening (the poll saw it, or the portal
    // stopped before applying).
    const { knex, requests, record, requestId } = await merged();
    mergedPull(server, stringify(renderedInfraLayer(requestId)));
    expect(await requests.listMerged()).toHaveLength(1);

    const { retry, audits } = await replica(knex, requests, {
      initialDelayMs: 0,
    });
    retry.start();
    const applied = await eventually(async () => {
      const event = (await requests.get(record.id))?.events?.find(
        e => e.type === 'applied',
      );
      expect(event).toBeDefined();
      return event!;
    });
    expect(applied.by).toBe('github:bob');
    expect(await infraRequestId()).toBe(requestId);
    expect((await requests.get(record.id))?.outcome).toBe('applied');
    expect(audits).toEqual([
      expect.objectContaining({
        outcome: 'success',
        meta: expect.objectContaining({
          trigger: 'apply-on-merge',
          request: requestId,
          approvedBy: 'github:bob',
        }),
      }),
    ]);
    // Nothing is left to catch up with: a later pass does nothing and audits nothing.
    expect(await requests.listMerged()).toEqual([]);
    expect(await retry.run({ ignoreBackoff: true })).toEqual({
      applied: 0,
      skipped: 0,
      failed: 0,
      refused: 0,
    });
    expect(audits).toHaveLength(1);
  });

  it('tries again after the back-off when the cluster did not answer at the merge', async () => {
    const port = await closedPort();
    let details: LayeringClusterDetails = {
      ...sample.details(),
      url: `https://127.0.0.1:${port}`,
    };
    const { knex, requests, record, requestId } = await merged();
    const { applier, retry, claims, audits, lines } = await replica(
      knex,
      requests,
      { clusters: () => details, backoffMs: 300 },
    );
    mergedPull(server, stringify(renderedInfraLayer(requestId)));
    // What the store's listener does when the merge is recorded.
    const current = (await requests.get(record.id))!;
    await applier.onRequestChange({
      record: current,
      event: current.events!.find(e => e.type === 'merged')!,
    });

    const failed = (await requests.get(record.id))!;
    expect(failed.outcome).toBe('merged');
    expect(failed.events?.at(-1)).toMatchObject({
      type: 'failed',
      detail: expect.stringMatching(/^Apply on merge failed: /),
    });
    expect(audits.map(a => a.outcome)).toEqual(['failure']);
    expect(await claims.state(record.id)).toMatchObject({
      attempts: 1,
      refused: null,
      held: false,
    });

    // The cluster answers again; the next passes apply it once its back-off is over.
    details = sample.details();
    const pass = await eventually(async () => {
      const result = await retry.run();
      expect(result.applied).toBe(1);
      return result;
    });
    expect(pass.failed).toBe(0);
    const stored = (await requests.get(record.id))!;
    expect(stored.outcome).toBe('applied');
    expect(stored.events?.map(e => e.type)).toEqual([
      'opened',
      'merged',
      'failed',
      'applied',
    ]);
    expect(await infraRequestId()).toBe(requestId);
    expect(audits.map(a => a.outcome)).toEqual(['failure', 'success']);
    expect(await claims.state(record.id)).toBeUndefined();
    // Neither the writer's token nor the forge's reaches the history (what the API answers),
    // the audit log or the logs, the failure included.
    const told = JSON.stringify([stored, audits, lines]);
    expect(told).toContain('Apply on merge failed');
    expect(told).not.toContain(sample.cluster.tokens.admin);
    expect(told).not.toContain(FORGE_TOKEN);
  });

  it('does not try a refused request again on its own', async () => {
    const { knex, requests, record } = await merged();
    // The merged file is another request's object.
    mergedPull(
      server,
      stringify(renderedInfraLayer(randomUUID())).replace(
        /template-run: task-12/,
        'template-run: task-99',
      ),
    );
    const { retry, claims, audits } = await replica(knex, requests);
    expect(await retry.run({ ignoreBackoff: true })).toMatchObject({
      refused: 1,
    });
    expect(await claims.state(record.id)).toMatchObject({
      refused: expect.stringMatching(/was not rendered by request/),
    });
    // A restart's pass ignores back-offs, not refusals.
    expect(await retry.run({ ignoreBackoff: true })).toMatchObject({
      refused: 0,
      skipped: 1,
    });
    expect(audits).toHaveLength(1);
    expect((await requests.get(record.id))?.outcome).toBe('merged');
  });

  it('leaves a missed merge alone when a newer merge for the pool came after it', async () => {
    const { knex, requests, record } = await merged();
    // Request 13 for the same pool was opened, merged after 12 and applied (by GitOps, say)
    // while 12 waited: applying 12 now would undo it.
    const { record: newer } = await requests.add({
      requestId: randomUUID(),
      ...infraRequest('aom', {
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/13',
        taskId: 'task-13',
        requestedBy: 'user:default/dave',
        summary: 'Add tcpdump to infra',
      }),
    });
    const later = new Date(Date.now() + 60_000).toISOString();
    await requests.recordEvent(newer.id, mergedEvent('github:carol', later));
    await requests.recordEvent(newer.id, { type: 'applied', at: later });
    const before = await infraRequestId();
    const { retry, claims, audits } = await replica(knex, requests);

    expect(await retry.run({ ignoreBackoff: true })).toMatchObject({
      refused: 1,
      applied: 0,
    });
    // Nothing was written or audited; the history says why.
    expect(audits).toEqual([]);
    expect(await infraRequestId()).toBe(before);
    const stored = (await requests.get(record.id))!;
    expect(stored.outcome).toBe('merged');
    expect(stored.events?.at(-1)).toMatchObject({
      type: 'failed',
      detail: `Not applied on merge: request ${newer.id} (Add tcpdump to infra) changed pool infra after this merge; applying it now would undo that change`,
    });
    expect(await claims.state(record.id)).toMatchObject({
      refused: expect.stringContaining(newer.id),
    });
    expect(await retry.run({ ignoreBackoff: true })).toMatchObject({
      refused: 0,
      skipped: 1,
    });
  });

  it('lets one replica apply a request when two catch up, and the listener and the retry race', async () => {
    const { knex, requests, record, requestId } = await merged();
    mergedPull(server, stringify(renderedInfraLayer(requestId)));
    const audits: AuditEntry[] = [];
    const a = await replica(knex, requests);
    const b = await replica(knex, requests);
    const results = await Promise.all([
      a.retry.run({ ignoreBackoff: true }),
      b.retry.run({ ignoreBackoff: true }),
      // The merge's listener on replica a, at the same moment.
      a.applier.applyOnce(record, mergedEvent(), { ignoreBackoff: true }),
    ]);
    audits.push(...a.audits, ...b.audits);
    const appliedCount =
      results[0].applied +
      results[1].applied +
      (results[2] === 'applied' ? 1 : 0);
    expect(appliedCount).toBe(1);
    expect(audits.map(x => x.outcome)).toEqual(['success']);
    const stored = (await requests.get(record.id))!;
    expect(stored.events?.filter(e => e.type === 'applied')).toHaveLength(1);
    expect(await infraRequestId()).toBe(requestId);
  });
});
