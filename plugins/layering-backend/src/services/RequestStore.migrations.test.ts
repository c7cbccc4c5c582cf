import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseRequestStore } from './RequestStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const directory = resolvePackagePath(
  '@rhcos-layering/plugin-layering-backend',
  'migrations',
);

describe('request events migration', () => {
  it('gives records made before it the events their outcome implies, once', async () => {
    const knex = await databases.init('SQLITE_3');
    // The two migrations before events existed.
    await knex.migrate.up({ directory });
    await knex.migrate.up({ directory });
    const row = {
      cluster: 'ocp-418',
      pool: 'worker',
      kind: 'modify',
      task_id: 'task-old',
      requested_by: 'user:default/alice',
      summary: null,
    };
    await knex('layering_requests').insert([
      {
        ...row,
        id: 'a',
        delivery: 'pull-request',
        pull_request_url: 'https://github.com/acme/fleet/pull/1',
        created_at: '2026-11-30T10:00:00.000Z',
        updated_at: '2026-12-01T10:00:00.000Z',
        outcome: 'merged',
      },
      {
        ...row,
        id: 'b',
        kind: 'pause',
        delivery: 'direct',
        pull_request_url: null,
        created_at: '2026-11-30T11:00:00.000Z',
        outcome: 'applied',
      },
    ]);

    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
    );
    const [direct, merged] = await requests.list('ocp-418', 'worker');
    expect(merged.events).toEqual([
      {
        type: 'opened',
        at: '2026-11-30T10:00:00.000Z',
        by: 'user:default/alice',
        url: 'https://github.com/acme/fleet/pull/1',
      },
      { type: 'merged', at: '2026-12-01T10:00:00.000Z' },
    ]);
    expect(direct.events).toEqual([
      { type: 'applied', at: '2026-11-30T11:00:00.000Z' },
    ]);
    // The backfilled events count as recorded: the forge seeing the merge again adds nothing.
    const again = await requests.recordEvent('a', {
      type: 'merged',
      at: '2026-12-01T10:00:00Z',
      by: 'github:carol',
    });
    expect(again.recorded).toBe(false);
  });
});
