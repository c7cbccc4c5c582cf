import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  LayeringRequestBody,
  LayeringRequestKind,
  LayeringRequestOutcome,
  LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * A request to record (the store adds id and time): the body of
 * `POST /clusters/:cluster/pools/:pool/requests` with its cluster and pool, and who asked.
 * One record per task, cluster, pool and kind.
 *
 * @public
 */
export interface NewLayeringRequest extends Omit<LayeringRequestBody, 'requestedBy'> {
  cluster: string;
  pool: string;
  /** Who asked: the router takes it from the task, never from the caller's body. */
  requestedBy: string;
}

/**
 * Stores the layering requests recorded by the scaffolder actions.
 * @public
 */
export interface LayeringRequestStore {
  /**
   * Records a request, or moves the outcome of the record of the same task, cluster, pool and
   * kind along one of {@link OUTCOME_TRANSITIONS}. The same outcome again changes nothing (a
   * retried action leaves no duplicate); any other change is a `ConflictError`.
   */
  add(request: NewLayeringRequest): Promise<{
    record: LayeringRequestRecord;
    created: boolean;
    /** True when an existing record's outcome moved. */
    updated: boolean;
  }>;
  /** Requests of a pool, newest first. */
  list(cluster: string, pool: string, options?: { limit?: number }): Promise<LayeringRequestRecord[]>;
}

type Outcome = LayeringRequestOutcome;

/**
 * The outcome changes a record may go through: an opened pull request is merged or closed, a
 * failed attempt may be retried by the same task. Applied, merged and closed are final.
 * @public
 */
export const OUTCOME_TRANSITIONS: Readonly<
  Record<LayeringRequestOutcome, readonly LayeringRequestOutcome[]>
> = {
  opened: ['merged', 'closed', 'failed'],
  failed: ['applied', 'opened'],
  applied: [],
  merged: [],
  closed: [],
};

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
  updated_at?: string | null;
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
    try {
      return await this.#upsert(request);
    } catch (error) {
      // Two calls for the same target raced and the unique index refused the second insert:
      // the record exists now, so the second call goes through the update path.
      if (await this.#find(this.#db, request)) {
        return this.#upsert(request);
      }
      throw error;
    }
  }

  #find(db: Knex, request: NewLayeringRequest): Promise<Row | undefined> {
    return db<Row>(TABLE)
      .where({
        task_id: request.taskId,
        cluster: request.cluster,
        pool: request.pool,
        kind: request.kind,
      })
      .first();
  }

  async #upsert(request: NewLayeringRequest) {
    return this.#db.transaction(async tx => {
      const existing = await this.#find(tx, request);
      if (existing) {
        const from = existing.outcome as Outcome;
        if (from === request.outcome) {
          return { record: toRecord(existing), created: false, updated: false };
        }
        if (!OUTCOME_TRANSITIONS[from]?.includes(request.outcome)) {
          throw new ConflictError(
            `outcome: the ${request.kind} request of task ${request.taskId} is ${from} and cannot become ${request.outcome}`,
          );
        }
        const changes: Partial<Row> = {
          outcome: request.outcome,
          updated_at: new Date().toISOString(),
          summary: request.summary ?? existing.summary,
          pull_request_url: existing.pull_request_url ?? request.pullRequestUrl ?? null,
        };
        await tx(TABLE).where({ id: existing.id }).update(changes);
        return { record: toRecord({ ...existing, ...changes }), created: false, updated: true };
      }
      const row: Row = {
        id: randomUUID(),
        cluster: request.cluster,
        pool: request.pool,
        kind: request.kind,
        delivery: request.delivery,
        pull_request_url: request.pullRequestUrl ?? null,
        task_id: request.taskId,
        requested_by: request.requestedBy,
        created_at: new Date().toISOString(),
        outcome: request.outcome,
        summary: request.summary ?? null,
      };
      await tx(TABLE).insert(row);
      return { record: toRecord(row), created: true, updated: false };
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
