import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';

/** How long a replica waits for another one's schema changes before it gives up starting. */
const DEFAULT_WAIT_MS = 120_000;

/** The minimal part of a node-postgres client we use on the connection that holds the lock. */
interface PgConnection {
  query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

function isPostgres(db: Knex): boolean {
  const client = String(db.client.config.client ?? '');
  return (
    (db.client as { driverName?: string }).driverName === 'pg' ||
    client === 'pg' ||
    client === 'postgres' ||
    client === 'postgresql'
  );
}

/** Two 32-bit keys for `pg_advisory_lock(int, int)`, derived from the lock's name. */
function lockKeys(name: string): [number, number] {
  const digest = createHash('sha1').update(`rhcos-layering\0${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

function poolMax(db: Knex): number {
  const pool = (db.client as { pool?: { max?: number } }).pool;
  const configured = (db.client.config as { pool?: { max?: number } }).pool?.max;
  return pool?.max ?? configured ?? 10;
}

/**
 * Runs `fn` while holding a PostgreSQL advisory lock named `name`, so that replicas starting at
 * the same moment on one database change its schema one after the other. Elsewhere (SQLite, or
 * a pool of one connection, which could not lend `fn` a second connection) `fn` runs directly.
 *
 * @remarks
 * The lock is a session lock on a connection held aside for the duration: PostgreSQL releases it
 * when that session ends, so a replica that dies while migrating leaves no lock behind (unlike
 * knex's own migration lock row). Waiting polls `pg_try_advisory_lock`, up to `waitMs`.
 */
export async function withStartupLock<T>(
  db: Knex,
  name: string,
  fn: () => Promise<T>,
  options: { waitMs?: number; logger?: LoggerService } = {},
): Promise<T> {
  if (!isPostgres(db) || poolMax(db) < 2) return fn();
  const [k1, k2] = lockKeys(name);
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const connection = (await db.client.acquireConnection()) as PgConnection;
  let locked = false;
  try {
    const deadline = Date.now() + waitMs;
    let waitedLogged = false;
    for (;;) {
      const { rows } = await connection.query('select pg_try_advisory_lock($1, $2) as locked', [
        k1,
        k2,
      ]);
      if (rows[0]?.locked === true) break;
      if (Date.now() > deadline) {
        throw new ServiceUnavailableError(
          `Another replica held the database start-up lock "${name}" for more than ${Math.round(waitMs / 1000)} s`,
        );
      }
      if (!waitedLogged) {
        options.logger?.info('Waiting for another replica to finish its database changes', {
          lock: name,
        });
        waitedLogged = true;
      }
      // Jittered, so that several waiting replicas do not ask in step.
      await new Promise(resolve => setTimeout(resolve, 100 + Math.floor(Math.random() * 150)));
    }
    locked = true;
    return await fn();
  } finally {
    try {
      if (locked) await connection.query('select pg_advisory_unlock($1, $2)', [k1, k2]);
    } finally {
      await db.client.releaseConnection(connection);
    }
  }
}

/**
 * `knex.migrate.latest(config)` made safe for replicas that start at the same moment: the
 * migrations run under {@link withStartupLock}, so the second replica finds them done instead of
 * racing to create `knex_migrations` (or finding knex's lock row taken and failing). Under that
 * lock nobody else migrates, so a knex lock row still set was left by a replica that died while
 * migrating: it is cleared, with a warning, instead of blocking every start from then on.
 */
export async function migrateLatestSafely(
  db: Knex,
  config: Knex.MigratorConfig & { tableName?: string },
  options: { logger?: LoggerService; waitMs?: number } = {},
): Promise<void> {
  const tableName = config.tableName ?? 'knex_migrations';
  await withStartupLock(
    db,
    `migrations:${tableName}`,
    async () => {
      if (isPostgres(db) && poolMax(db) >= 2) {
        const lockTable = `${tableName}_lock`;
        if (await db.schema.hasTable(lockTable)) {
          const stale = await db(lockTable).where({ is_locked: 1 }).first();
          if (stale) {
            options.logger?.warn(
              'Clearing a knex migration lock left by a replica that stopped while migrating',
              { table: lockTable },
            );
            await db.migrate.forceFreeMigrationsLock(config);
          }
        }
      }
      await db.migrate.latest(config);
    },
    options,
  );
}
