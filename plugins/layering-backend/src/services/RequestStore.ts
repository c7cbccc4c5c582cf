import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  LayeringRequestKind,
  LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** A request to record (the store adds id and time). @public */
export interface NewLayeringRequest {
  cluster: string;
  pool: string;
  kind: LayeringRequestKind;
  delivery: LayeringRequestRecord['delivery'];
  pullRequestUrl?: string | null;
  taskId?: string | null;
  requestedBy: string;
  outcome: LayeringRequestRecord['outcome'];
  summary?: string | null;
}

/**
 * Stores the layering requests recorded by the scaffolder actions.
 * @public
 */
export interface LayeringRequestStore {
  /**
   * Records a request. Recording the same task's request twice (same task id,
   * cluster, pool and kind) returns the first record, so an action that is
   * retried does not leave duplicates.
   */
  add(request: NewLayeringRequest): Promise<{ record: LayeringRequestRecord; created: boolean }>;
  /** Requests of a pool, newest first. */
  list(cluster: string, pool: string, options?: { limit?: number }): Promise<LayeringRequestRecord[]>;
}

interface Row {
  id: string;
  cluster: string;
  pool: string;
  kind: string;
  delivery: string;
  pull_request_url: string | null;
  task_id: string | null;
  requested_by: string;
  created_at: string;
  outcome: string;
  summary: string | null;
}

const TABLE = 'layering_requests';

function toRecord(row: Row): LayeringRequestRecord {
  return {
    id: row.id,
    cluster: row.cluster,
    pool: row.pool,
    kind: row.kind as LayeringRequestKind,
    delivery: row.delivery as LayeringRequestRecord['delivery'],
    pullRequestUrl: row.pull_request_url,
    taskId: row.task_id,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    outcome: row.outcome as LayeringRequestRecord['outcome'],
    summary: row.summary,
  };
}

/** Knex implementation of {@link LayeringRequestStore} (SQLite or PostgreSQL). */
export class DatabaseRequestStore implements LayeringRequestStore {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static async create(database: DatabaseService): Promise<DatabaseRequestStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: resolvePackagePath('@rhcos-layering/plugin-layering-backend', 'migrations'),
      });
    }
    return new DatabaseRequestStore(client);
  }

  async add(request: NewLayeringRequest) {
    return this.#db.transaction(async tx => {
      if (request.taskId) {
        const existing = await tx<Row>(TABLE)
          .where({
            task_id: request.taskId,
            cluster: request.cluster,
            pool: request.pool,
            kind: request.kind,
          })
          .first();
        if (existing) {
          return { record: toRecord(existing), created: false };
        }
      }
      const row: Row = {
        id: randomUUID(),
        cluster: request.cluster,
        pool: request.pool,
        kind: request.kind,
        delivery: request.delivery,
        pull_request_url: request.pullRequestUrl ?? null,
        task_id: request.taskId ?? null,
        requested_by: request.requestedBy,
        created_at: new Date().toISOString(),
        outcome: request.outcome,
        summary: request.summary ?? null,
      };
      await tx(TABLE).insert(row);
      return { record: toRecord(row), created: true };
    });
  }

  async list(cluster: string, pool: string, options: { limit?: number } = {}) {
    const rows = await this.#db<Row>(TABLE)
      .where({ cluster, pool })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 100);
    return rows.map(toRecord);
  }
}

/**
 * The request store of the `layering` plugin (plugin database).
 * @public
 */
export const layeringRequestStoreServiceRef = createServiceRef<LayeringRequestStore>({
  id: 'layering.requests',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { database: coreServices.database },
      factory: ({ database }) => DatabaseRequestStore.create(database),
    }),
});
