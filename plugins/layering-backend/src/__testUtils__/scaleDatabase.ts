import knexFactory, { type Knex } from 'knex';
import { ensureScaleTables } from '../scale/tables';

/**
 * A connection of its own to one SQLite database file, with the replica tables (leases, shared
 * views) in place: each call stands for another replica process on the same database.
 */
export async function openScaleDatabase(file: string): Promise<Knex> {
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  await ensureScaleTables(db);
  return db;
}
