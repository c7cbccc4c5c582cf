import type { Knex } from 'knex';
import { withStartupLock } from './startupLock';

/** Replicas alive on the database: each renews its row while it runs. */
export const REPLICAS_TABLE = 'layering_replicas';
/** Which replica watches which cluster, until when. */
export const LEASES_TABLE = 'layering_cluster_leases';
/** The cluster views the owner of each cluster shares with the other replicas. */
export const SHARED_CLUSTERS_TABLE = 'layering_shared_clusters';
/** The pool views (and pool details) the owner of each cluster shares. */
export const SHARED_POOLS_TABLE = 'layering_shared_pools';

async function ensure(
  db: Knex,
  table: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<void> {
  if (await db.schema.hasTable(table)) return;
  try {
    await db.schema.createTable(table, build);
  } catch (error) {
    // Another replica starting at the same moment may have created it first.
    if (!(await db.schema.hasTable(table))) throw error;
  }
}

/**
 * Creates the tables replicas share, when missing, under the start-up lock (replicas starting
 * together on PostgreSQL create them one after the other; the second finds them there).
 */
export async function ensureScaleTables(db: Knex): Promise<void> {
  await withStartupLock(db, 'scale-tables', () => createScaleTables(db));
}

async function createScaleTables(db: Knex): Promise<void> {
  await ensure(db, REPLICAS_TABLE, t => {
    t.string('id', 255).primary();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('started_at').notNullable();
  });
  await ensure(db, LEASES_TABLE, t => {
    t.string('cluster', 255).primary();
    t.string('owner', 255).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('acquired_at').notNullable();
  });
  await ensure(db, SHARED_CLUSTERS_TABLE, t => {
    t.string('cluster', 255).primary();
    t.string('owner', 255).notNullable();
    t.string('version', 64).notNullable();
    t.text('view').notNullable();
    t.text('release').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await ensure(db, SHARED_POOLS_TABLE, t => {
    t.string('cluster', 255).notNullable();
    t.string('pool', 255).notNullable();
    t.text('view').notNullable();
    t.text('detail', 'longtext').notNullable();
    t.primary(['cluster', 'pool']);
  });
}

/**
 * The database's clock in epoch milliseconds, so that lease expiries written by replicas on
 * different machines compare against one clock.
 */
export async function databaseNow(db: Knex): Promise<number> {
  const client = String(db.client.config.client ?? '');
  let sql: string | undefined;
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') {
    sql = 'select floor(extract(epoch from clock_timestamp()) * 1000) as now';
  } else if (client.includes('sqlite')) {
    sql = "select cast((julianday('now') - 2440587.5) * 86400000 as integer) as now";
  } else if (client.includes('mysql')) {
    sql = 'select floor(unix_timestamp(now(3)) * 1000) as now';
  }
  if (!sql) return Date.now();
  const result: any = await db.raw(sql);
  // pg answers { rows }, better-sqlite3 an array of rows, mysql [rows, fields].
  let rows: Array<{ now: unknown }> = Array.isArray(result) ? result : result.rows;
  if (Array.isArray(rows?.[0])) rows = rows[0] as unknown as Array<{ now: unknown }>;
  const now = Number(rows?.[0]?.now);
  return Number.isFinite(now) ? now : Date.now();
}
