import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';

const repoRoot = resolve(__dirname, '../../../..');
const pgScript = join(repoRoot, 'scripts/test-services/postgres.sh');

/** A database engine a test runs against: a fresh database per `open`, with two pools. */
export interface TestEngine {
  name: string;
  /** A fresh database, and a second connection pool to it (another replica). */
  open(): Promise<{ first: Knex; second: Knex }>;
  close(): Promise<void>;
}

/**
 * PostgreSQL for tests of what replicas do at the same moment: the server of
 * `BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING` when set, else a throw-away server from
 * Debian's packages (`scripts/test-services/postgres.sh`, which `npm test` installs), started
 * on the first `open`. Undefined when neither is there.
 */
export function throwawayPostgres(): TestEngine | undefined {
  const given =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING;
  const installed = existsSync('/usr/lib/postgresql') && existsSync(pgScript);
  if (!given && !installed) return undefined;
  let dir: string | undefined;
  let connection: Knex.PgConnectionConfig | undefined;
  const pools: Knex[] = [];
  return {
    name: 'PostgreSQL',
    async open() {
      if (!connection) {
        if (given) {
          connection = { connectionString: given };
        } else {
          dir = mkdtempSync(join(tmpdir(), 'layering-pg-'));
          const [port, password] = execFileSync(
            'bash',
            [pgScript, 'start', dir],
            { encoding: 'utf8' },
          )
            .trim()
            .split(' ');
          connection = {
            host: '127.0.0.1',
            port: Number(port),
            user: 'postgres',
            password,
            database: 'postgres',
          };
        }
      }
      const admin = knexFactory({ client: 'pg', connection });
      const database = `layering_test_${randomBytes(6).toString('hex')}`;
      await admin.raw('create database ??', [database]);
      await admin.destroy();
      const pool = () =>
        knexFactory({
          client: 'pg',
          connection: { ...connection, database },
          pool: { min: 0, max: 5 },
        });
      const first = pool();
      const second = pool();
      pools.push(first, second);
      return { first, second };
    },
    async close() {
      await Promise.all(pools.splice(0).map(p => p.destroy()));
      if (dir) {
        execFileSync('bash', [pgScript, 'stop', dir]);
        rmSync(dir, { recursive: true, force: true });
        dir = undefined;
      }
    },
  };
}

/**
 * The engines a test of what replicas do at the same moment runs on: SQLite (one database, and
 * one connection both replicas share, as replicas of one process would) and PostgreSQL when
 * {@link throwawayPostgres} finds one. Call it at the top of a test file: it registers the
 * SQLite databases' clean-up with Jest.
 */
export function testEngines(): TestEngine[] {
  const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
  const sqliteEngine: TestEngine = {
    name: 'SQLite',
    async open() {
      const knex = await sqlite.init('SQLITE_3');
      return { first: knex, second: knex };
    },
    async close() {},
  };
  return [sqliteEngine, throwawayPostgres()].filter(
    (e): e is TestEngine => e !== undefined,
  );
}
