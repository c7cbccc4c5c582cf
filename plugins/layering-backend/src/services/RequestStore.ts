import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  LayeringRequestBody,
  LayeringRequestEvent,
  LayeringRequestKind,
  LayeringRequestOutcome,
  LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import { ConflictError, NotFoundError, toError } from '@backstage/errors';
import {
  parsePullRequestUrl,
  samePullRequest,
  type PullRequestRef,
} from '../forge/pullRequestRef';
import {
  EVENT_OUTCOMES,
  EVENTS_TABLE,
  ONCE_EVENT_TYPES,
  normalizeEvent,
  toEvent,
  toEventRow,
  type EventRow,
} from './requestEvents';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { migrateLatestSafely } from '../scale/startupLock';

/**
 * A request to record (the store adds id and time): the body of
 * `POST /clusters/:cluster/pools/:pool/requests` with its cluster and pool, and who asked.
 * One record per task, cluster, pool and kind.
 *
 * @public
 */
export interface NewLayeringRequest
  extends Omit<LayeringRequestBody, 'requestedBy'> {
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
  /** Requests of a pool, newest first, each with its events. */
  list(
    cluster: string,
    pool: string,
    options?: { limit?: number },
  ): Promise<LayeringRequestRecord[]>;
  /** One request with its events, or undefined. */
  get(id: string): Promise<LayeringRequestRecord | undefined>;
  /**
   * Appends an event to a request's history and moves its outcome when the event implies one
   * (opened, merged, closed, superseded, applied, failed) and {@link OUTCOME_TRANSITIONS} allows
   * it: outcomes only move forward, an event that would move one back is kept in the history
   * only. Recording the same event again is a no-op (`recorded: false`): once-only events
   * (opened, merged, closed, superseded) are the same by type, an approval by approver, anything
   * else by its whole content, unless `options.key` names the event. Throws `NotFoundError` for
   * an unknown request and `InputError` for an unknown type or a bad time.
   */
  recordEvent(
    id: string,
    event: LayeringRequestEvent,
    options?: { key?: string },
  ): Promise<{ record: LayeringRequestRecord; recorded: boolean }>;
  /**
   * The requests whose pull or merge request is the one given (a URL in any form the forge
   * hands out, or a parsed reference): matched on host, project and number, not on the text.
   */
  findByPullRequest(
    pullRequest: string | PullRequestRef,
  ): Promise<LayeringRequestRecord[]>;
  /** Requests delivered by pull request whose pull request may still change (opened or superseded). */
  listOpenPullRequests(options?: {
    limit?: number;
  }): Promise<LayeringRequestRecord[]>;
  /**
   * Requests delivered by pull request whose pull request is merged and that nothing applied yet
   * (outcome merged, no applied event), oldest first: what apply on merge may still have to do.
   */
  listMerged(options?: { limit?: number }): Promise<LayeringRequestRecord[]>;
  /**
   * Calls `listener` after every change to a request's history (also those `add` makes), with
   * the record as it is after the change and the event just recorded. Answers a function that
   * removes the listener. Listeners are called in order once the change is stored; the store
   * does not wait for a promise a listener returns. One that throws or rejects is logged and
   * does not stop the others.
   */
  onChange(listener: LayeringRequestListener): () => void;
}

/**
 * One change to a request's history, as {@link LayeringRequestStore.onChange} reports it.
 * @public
 */
export interface LayeringRequestChange {
  /** The record after the change, events included. */
  record: LayeringRequestRecord;
  /** The event just recorded. */
  event: LayeringRequestEvent;
}

/**
 * Receives the changes to request histories.
 * @public
 */
export type LayeringRequestListener = (
  change: LayeringRequestChange,
) => void | Promise<void>;

type Outcome = LayeringRequestOutcome;

/**
 * The outcome changes a record may go through: an opened pull request is merged, closed or
 * superseded by a newer request for the pool (and a superseded one may still be merged or
 * closed), a merged change is applied, a failed attempt may be retried by the same task.
 * Applied and closed are final.
 * @public
 */
export const OUTCOME_TRANSITIONS: Readonly<
  Record<LayeringRequestOutcome, readonly LayeringRequestOutcome[]>
> = {
  opened: ['merged', 'closed', 'failed', 'superseded'],
  superseded: ['merged', 'closed'],
  failed: ['applied', 'opened'],
  merged: ['applied'],
  applied: [],
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

function toRecord(
  row: Row,
  events?: LayeringRequestEvent[],
): LayeringRequestRecord {
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
    events: events ?? [],
  };
}

/** What a transaction recorded, announced to the listeners once it has committed. */
interface Recorded {
  requestId: string;
  event: LayeringRequestEvent;
}

/** Outcomes whose pull request may still be merged or closed. */
const OPEN_OUTCOMES: Outcome[] = ['opened', 'superseded'];

/** Knex implementation of {@link LayeringRequestStore} (SQLite or PostgreSQL). */
export class DatabaseRequestStore implements LayeringRequestStore {
  readonly #db: Knex;
  readonly #logger?: LoggerService;
  readonly #listeners = new Set<LayeringRequestListener>();

  private constructor(db: Knex, logger?: LoggerService) {
    this.#db = db;
    this.#logger = logger;
  }

  static async create(
    database: DatabaseService,
    options: { logger?: LoggerService } = {},
  ): Promise<DatabaseRequestStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      // Replicas starting together on one PostgreSQL migrate one after the other.
      await migrateLatestSafely(
        client,
        {
          directory: resolvePackagePath(
            '@rhcos-layering/plugin-layering-backend',
            'migrations',
          ),
        },
        { logger: options.logger },
      );
    }
    return new DatabaseRequestStore(client, options.logger);
  }

  async add(request: NewLayeringRequest) {
    const recorded: Recorded[] = [];
    let result;
    try {
      result = await this.#upsert(request, recorded);
    } catch (error) {
      // Two calls for the same target raced and the unique index refused the second insert:
      // the record exists now, so the second call goes through the update path.
      if (await this.#find(this.#db, request)) {
        recorded.length = 0;
        result = await this.#upsert(request, recorded);
      } else {
        throw error;
      }
    }
    await this.#announce(recorded);
    const record = (await this.get(result.record.id)) ?? result.record;
    return { ...result, record };
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

  async #upsert(request: NewLayeringRequest, recorded: Recorded[]) {
    return this.#db.transaction(async tx => {
      const now = new Date().toISOString();
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
          updated_at: now,
          summary: request.summary ?? existing.summary,
          pull_request_url:
            existing.pull_request_url ?? request.pullRequestUrl ?? null,
        };
        await tx(TABLE).where({ id: existing.id }).update(changes);
        const merged = { ...existing, ...changes };
        await this.#insertEvent(
          tx,
          existing.id,
          outcomeEvent(merged, now),
          recorded,
        );
        if (request.outcome === 'opened') {
          await this.#supersedeOlder(tx, merged, recorded);
        }
        return { record: toRecord(merged), created: false, updated: true };
      }
      const row: Row = {
        // The render's request id, when the action passes it on: the objects carry it.
        id: request.requestId ?? randomUUID(),
        cluster: request.cluster,
        pool: request.pool,
        kind: request.kind,
        delivery: request.delivery,
        pull_request_url: request.pullRequestUrl ?? null,
        task_id: request.taskId,
        requested_by: request.requestedBy,
        created_at: now,
        outcome: request.outcome,
        summary: request.summary ?? null,
      };
      await tx(TABLE).insert(row);
      await this.#insertEvent(tx, row.id, outcomeEvent(row, now), recorded);
      if (request.outcome === 'opened') {
        await this.#supersedeOlder(tx, row, recorded);
      }
      return { record: toRecord(row), created: true, updated: false };
    });
  }

  /**
   * A newer pull request for a pool makes the older ones still open for it stale: they are
   * superseded (their pull requests may still be merged or closed; the forge will say).
   */
  async #supersedeOlder(
    tx: Knex.Transaction,
    newer: Row,
    recorded: Recorded[],
  ) {
    if (newer.delivery !== 'pull-request') return;
    const older = await tx<Row>(TABLE)
      .where({
        cluster: newer.cluster,
        pool: newer.pool,
        delivery: 'pull-request',
        outcome: 'opened',
      })
      .whereNot({ id: newer.id })
      .where('created_at', '<=', newer.created_at);
    for (const row of older) {
      const event: LayeringRequestEvent = {
        type: 'superseded',
        at: newer.updated_at ?? newer.created_at,
        by: newer.requested_by,
        detail: `superseded by request ${newer.id} (${
          newer.summary ?? newer.kind
        })`,
        ...(newer.pull_request_url ? { url: newer.pull_request_url } : {}),
      };
      await tx(TABLE)
        .where({ id: row.id })
        .update({ outcome: 'superseded', updated_at: event.at });
      await this.#insertEvent(tx, row.id, event, recorded);
    }
  }

  /**
   * Inserts an event unless the same one is there; true when it was inserted. A once-only event
   * (applied among them) is there when any event of its type is, whatever key it was stored
   * under. The unique index on (request, key) is the guard when two writers race (two
   * replicas, or the linker and apply on merge on PostgreSQL): the second insert is ignored and
   * answers false, so the event is recorded and announced once.
   */
  async #insertEvent(
    tx: Knex | Knex.Transaction,
    requestId: string,
    event: LayeringRequestEvent,
    recorded: Recorded[],
    key?: string,
  ): Promise<boolean> {
    const row = toEventRow(requestId, event, key);
    const seen = await tx<EventRow>(EVENTS_TABLE)
      .where({ request_id: requestId })
      .where(q => {
        q.where({ dedupe_key: row.dedupe_key });
        // Rows stored before `applied` became once-only carry a key of their content.
        if (ONCE_EVENT_TYPES.includes(event.type))
          q.orWhere({ type: event.type });
      })
      .first();
    if (seen) return false;
    const inserted: unknown[] = await tx(EVENTS_TABLE)
      .insert(row)
      .onConflict(['request_id', 'dedupe_key'])
      .ignore()
      .returning('id');
    // MySQL answers the insert id instead of rows, 0 when the insert was ignored.
    if (inserted.filter(Boolean).length === 0) return false;
    recorded.push({ requestId, event });
    return true;
  }

  async recordEvent(
    id: string,
    input: LayeringRequestEvent,
    options: { key?: string } = {},
  ) {
    const event = normalizeEvent(input);
    const recorded: Recorded[] = [];
    await this.#db.transaction(async tx => {
      const row = await tx<Row>(TABLE).where({ id }).first();
      if (!row) throw new NotFoundError(`request ${id} does not exist`);
      if (!(await this.#insertEvent(tx, id, event, recorded, options.key)))
        return;
      const to = EVENT_OUTCOMES[event.type];
      const from = row.outcome as Outcome;
      if (to && to !== from && OUTCOME_TRANSITIONS[from]?.includes(to)) {
        await tx(TABLE)
          .where({ id })
          .update({ outcome: to, updated_at: event.at });
      }
    });
    const record = await this.get(id);
    if (!record) throw new NotFoundError(`request ${id} does not exist`);
    await this.#announce(recorded);
    return { record, recorded: recorded.length > 0 };
  }

  async #announce(recorded: Recorded[]) {
    if (recorded.length === 0 || this.#listeners.size === 0) return;
    const records = new Map<string, LayeringRequestRecord>();
    for (const { requestId } of recorded) {
      if (!records.has(requestId)) {
        const record = await this.get(requestId);
        if (record) records.set(requestId, record);
      }
    }
    for (const { requestId, event } of recorded) {
      const record = records.get(requestId);
      if (!record) continue;
      for (const listener of [...this.#listeners]) {
        // Called in order but not waited for: a slow listener (apply on merge, a notification)
        // must not hold up the webhook or the scaffolder call that recorded the event.
        const failed = (error: unknown) =>
          this.#logger?.warn(
            'A request history listener failed',
            toError(error),
          );
        try {
          Promise.resolve(listener({ record, event })).catch(failed);
        } catch (error) {
          failed(error);
        }
      }
    }
  }

  onChange(listener: LayeringRequestListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async #withEvents(rows: Row[]): Promise<LayeringRequestRecord[]> {
    if (rows.length === 0) return [];
    const events = new Map<string, LayeringRequestEvent[]>();
    const ids = rows.map(r => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const eventRows = await this.#db<EventRow>(EVENTS_TABLE)
        .whereIn('request_id', ids.slice(i, i + 500))
        .orderBy([
          { column: 'at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      for (const e of eventRows) {
        const list = events.get(e.request_id) ?? [];
        list.push(toEvent(e));
        events.set(e.request_id, list);
      }
    }
    return rows.map(row => toRecord(row, events.get(row.id)));
  }

  async get(id: string) {
    const row = await this.#db<Row>(TABLE).where({ id }).first();
    return row ? (await this.#withEvents([row]))[0] : undefined;
  }

  async list(cluster: string, pool: string, options: { limit?: number } = {}) {
    const rows = await this.#db<Row>(TABLE)
      .where({ cluster, pool })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 100);
    return this.#withEvents(rows);
  }

  async findByPullRequest(pullRequest: string | PullRequestRef) {
    const wanted =
      typeof pullRequest === 'string'
        ? parsePullRequestUrl(pullRequest)
        : pullRequest;
    if (!wanted) return [];
    // The URL holds the number as text in every form; the parse then compares host,
    // project and number, whatever form the record and the event used.
    const rows = await this.#db<Row>(TABLE)
      .whereNotNull('pull_request_url')
      .where('pull_request_url', 'like', `%${wanted.number}%`)
      .orderBy('created_at', 'desc')
      .limit(1000);
    const matching = rows.filter(row => {
      const ref = parsePullRequestUrl(row.pull_request_url);
      return ref !== undefined && samePullRequest(ref, wanted);
    });
    return this.#withEvents(matching);
  }

  async listMerged(options: { limit?: number } = {}) {
    const rows = await this.#db<Row>(TABLE)
      .where({ delivery: 'pull-request', outcome: 'merged' })
      .whereNotNull('pull_request_url')
      .whereNotExists(q =>
        q
          .select('id')
          .from(EVENTS_TABLE)
          .whereRaw('?? = ??', [`${EVENTS_TABLE}.request_id`, `${TABLE}.id`])
          .where('type', 'applied'),
      )
      .orderBy('created_at', 'asc')
      .limit(options.limit ?? 500);
    return this.#withEvents(rows);
  }

  async listOpenPullRequests(options: { limit?: number } = {}) {
    const rows = await this.#db<Row>(TABLE)
      .where({ delivery: 'pull-request' })
      .whereIn('outcome', OPEN_OUTCOMES)
      .whereNotNull('pull_request_url')
      .orderBy('created_at', 'desc')
      .limit(options.limit ?? 500);
    return this.#withEvents(rows);
  }
}

/** The event a stored outcome stands for, as `add` records it. */
function outcomeEvent(row: Row, at: string): LayeringRequestEvent {
  return {
    type: row.outcome as Outcome,
    at,
    by: row.requested_by,
    ...(row.summary ? { detail: row.summary } : {}),
    ...(row.pull_request_url ? { url: row.pull_request_url } : {}),
  };
}

/**
 * The request store of the `layering` plugin (plugin database).
 * @public
 */
export const layeringRequestStoreServiceRef =
  createServiceRef<LayeringRequestStore>({
    id: 'layering.requests',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { database: coreServices.database, logger: coreServices.logger },
        factory: ({ database, logger }) =>
          DatabaseRequestStore.create(database, { logger }),
      }),
  });
