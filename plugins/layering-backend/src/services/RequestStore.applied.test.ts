import { mockServices } from '@backstage/backend-test-utils';
import type { LayeringRequestEvent } from '@rhcos-layering/plugin-layering-common';
import {
  DatabaseRequestStore,
  type LayeringRequestChange,
  type NewLayeringRequest,
} from './RequestStore';
import { EVENTS_TABLE, toEventRow } from './requestEvents';
import { testEngines } from '../__testUtils__/throwawayPostgres';

/**
 * `applied` is recorded once per request although two paths report it: the provenance linker
 * (the object with the request's digest appeared on the cluster) and apply on merge (its own
 * write). On SQLite the store's transactions run one after the other; on PostgreSQL two
 * replicas really race, and the unique index is what keeps the second out. The PostgreSQL case
 * runs on a throw-away server from Debian's packages (`scripts/test-services/postgres.sh`,
 * which `npm test` installs), or on `BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING`.
 */

jest.setTimeout(120_000);

const REQUEST: NewLayeringRequest = {
  cluster: 'ocp-418',
  pool: 'infra',
  kind: 'modify',
  delivery: 'pull-request',
  outcome: 'opened',
  taskId: 'task-12',
  pullRequestUrl: 'https://github.com/acme/fleet-config/pull/12',
  requestedBy: 'user:default/alice',
  summary: 'Add usbguard to infra',
};

const DIGEST = `sha256:${'a'.repeat(64)}`;
const COMMIT = '3f1c2b7a9d8e6f5a4b3c2d1e0f9a8b7c6d5e4f3a';

/** What the linker records when the object appears (its key and event, as linkRequest makes them). */
const byLinker: { event: LayeringRequestEvent; key: string } = {
  key: `applied:${DIGEST}`,
  event: {
    type: 'applied',
    at: '2030-01-01T10:00:02.000Z',
    detail: `MachineOSConfig infra (${DIGEST.slice(
      0,
      19,
    )}) written by the portal`,
  },
};
/** What apply on merge records after its write. */
const byApplyOnMerge: { event: LayeringRequestEvent; key: string } = {
  key: `applied-on-merge:${COMMIT}`,
  event: {
    type: 'applied',
    at: '2030-01-01T10:00:03.000Z',
    by: 'github:bob',
    detail: `Applied on merge by the portal (MachineOSConfig/infra at ${COMMIT.slice(
      0,
      12,
    )}); the merge by github:bob is the approval`,
  },
};

const engines = testEngines();

describe.each(engines.map(e => [e.name, e] as const))(
  'applied once per request on %s',
  (_name, engine) => {
    afterAll(() => engine.close());

    async function replicas() {
      const { first, second } = await engine.open();
      const a = await DatabaseRequestStore.create(
        mockServices.database({ knex: first }),
        { logger: mockServices.logger.mock() },
      );
      // The second replica finds the tables made (its migrations have nothing left to do).
      const b = await DatabaseRequestStore.create(
        mockServices.database({ knex: second }),
        { logger: mockServices.logger.mock() },
      );
      return { a, b, knex: first };
    }

    it('records it once when the linker and apply on merge report it at the same moment on two replicas', async () => {
      const { a, b } = await replicas();
      const { record } = await a.add(REQUEST);
      await a.recordEvent(record.id, {
        type: 'merged',
        at: '2030-01-01T10:00:00Z',
        by: 'github:bob',
      });
      const heard: LayeringRequestChange[] = [];
      a.onChange(change => {
        heard.push(change);
      });
      b.onChange(change => {
        heard.push(change);
      });
      // Both paths, each from both replicas, several times over, all at once.
      const attempts = Array.from({ length: 6 }, (_, i) => {
        const store = i % 2 ? b : a;
        const { event, key } = i % 3 ? byLinker : byApplyOnMerge;
        return store.recordEvent(record.id, event, { key });
      });
      const results = await Promise.all(attempts);
      expect(results.filter(r => r.recorded)).toHaveLength(1);
      const stored = await a.get(record.id);
      expect(stored?.outcome).toBe('applied');
      expect(stored?.events?.filter(e => e.type === 'applied')).toHaveLength(1);
      expect(heard.filter(c => c.event.type === 'applied')).toHaveLength(1);
      // Later reports (a restart of the linker, a retried apply) add nothing either.
      expect(
        (await b.recordEvent(record.id, byLinker.event, { key: byLinker.key }))
          .recorded,
      ).toBe(false);
    });

    it('does not record applied again for a request applied before it was once-only', async () => {
      const { a, knex } = await replicas();
      const { record } = await a.add({
        ...REQUEST,
        taskId: 'task-13',
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/13',
      });
      // A row written under the old rule: keyed by its content, not by its type.
      await knex(EVENTS_TABLE).insert({
        ...toEventRow(record.id, {
          type: 'applied',
          at: '2030-01-01T09:00:00.000Z',
        }),
        dedupe_key: 'c'.repeat(64),
      });
      const again = await a.recordEvent(record.id, byApplyOnMerge.event, {
        key: byApplyOnMerge.key,
      });
      expect(again.recorded).toBe(false);
      expect(
        again.record.events?.filter(e => e.type === 'applied'),
      ).toHaveLength(1);
    });
  },
);
