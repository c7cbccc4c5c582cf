import type { Knex } from 'knex';
import { databaseNow } from '../../scale/tables';

/** One row per merged request apply on merge has worked on: who holds it, and its attempts. */
export const APPLY_CLAIMS_TABLE = 'layering_apply_on_merge';

/** How an attempt ended, for {@link ApplyClaims.release}. */
export type ApplyAttemptEnd =
  | { result: 'applied' }
  /** Worth trying again later (the forge or the cluster did not answer). */
  | { result: 'failed' }
  /** Never tried again on its own: the merged change is not one the portal may apply. */
  | { result: 'refused'; reason: string };

/** The back-off between attempts after failures: doubles from the base up to the cap. */
export interface ApplyRetryBackoff {
  baseMs: number;
  capMs: number;
}

const DEFAULT_BACKOFF: ApplyRetryBackoff = {
  baseMs: 60_000,
  capMs: 60 * 60_000,
};

interface ClaimRow {
  request_id: string;
  owner: string | null;
  claimed_until: number | string;
  attempts: number;
  next_attempt_at: number | string;
  refused: string | null;
}

/**
 * Claims of merged requests in the database, so that one replica at a time applies a request
 * (the listener of the replica that recorded the merge, or the retry of any replica): a claim
 * lasts `ttlMs` on the database's clock, so a replica that died while applying leaves it to the
 * others once it expired. The row also keeps the attempts: failures are tried again after a
 * capped exponential back-off, refusals never on their own.
 */
export class ApplyClaims {
  readonly #db: Knex;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #backoff: ApplyRetryBackoff;

  private constructor(
    db: Knex,
    owner: string,
    ttlMs: number,
    backoff: ApplyRetryBackoff,
  ) {
    this.#db = db;
    this.#owner = owner;
    this.#ttlMs = ttlMs;
    this.#backoff = backoff;
  }

  /**
   * Creates the table when missing. Not a knex migration: replicas starting together would race
   * for the migration lock, while "create unless it exists" lets every one of them go on.
   */
  static async create(
    db: Knex,
    options: {
      owner: string;
      ttlMs?: number;
      backoff?: Partial<ApplyRetryBackoff>;
    },
  ): Promise<ApplyClaims> {
    if (!(await db.schema.hasTable(APPLY_CLAIMS_TABLE))) {
      try {
        await db.schema.createTable(APPLY_CLAIMS_TABLE, t => {
          t.comment('Apply on merge: which replica applies a merged request');
          t.string('request_id', 36).primary();
          t.string('owner', 255).nullable();
          t.bigInteger('claimed_until').notNullable();
          t.integer('attempts').notNullable();
          t.bigInteger('next_attempt_at').notNullable();
          t.text('refused').nullable();
        });
      } catch (error) {
        if (!(await db.schema.hasTable(APPLY_CLAIMS_TABLE))) throw error;
      }
    }
    return new ApplyClaims(db, options.owner, options.ttlMs ?? 5 * 60_000, {
      ...DEFAULT_BACKOFF,
      ...options.backoff,
    });
  }

  /**
   * Takes the request for this replica: true when nobody holds it, it was not refused, and (unless
   * `ignoreBackoff`) its back-off after a failure is over.
   */
  async claim(
    requestId: string,
    options: { ignoreBackoff?: boolean } = {},
  ): Promise<boolean> {
    const now = await databaseNow(this.#db);
    const until = now + this.#ttlMs;
    const inserted: unknown[] = await this.#db(APPLY_CLAIMS_TABLE)
      .insert({
        request_id: requestId,
        owner: this.#owner,
        claimed_until: until,
        attempts: 0,
        next_attempt_at: 0,
        refused: null,
      })
      .onConflict('request_id')
      .ignore()
      .returning('request_id');
    if (inserted.filter(Boolean).length > 0) return true;
    const query = this.#db(APPLY_CLAIMS_TABLE)
      .where({ request_id: requestId })
      .whereNull('refused')
      .where('claimed_until', '<', now);
    if (!options.ignoreBackoff) query.where('next_attempt_at', '<=', now);
    const updated = await query.update({
      owner: this.#owner,
      claimed_until: until,
    });
    return Number(updated) === 1;
  }

  /** Ends this replica's claim with the attempt's result. */
  async release(requestId: string, end: ApplyAttemptEnd): Promise<void> {
    const mine = this.#db(APPLY_CLAIMS_TABLE).where({
      request_id: requestId,
      owner: this.#owner,
    });
    if (end.result === 'applied') {
      await mine.delete();
      return;
    }
    const row = await this.#db<ClaimRow>(APPLY_CLAIMS_TABLE)
      .where({ request_id: requestId, owner: this.#owner })
      .first();
    if (!row) return;
    const attempts = Number(row.attempts) + 1;
    const now = await databaseNow(this.#db);
    const wait = Math.min(
      this.#backoff.capMs,
      this.#backoff.baseMs * 2 ** (attempts - 1),
    );
    await mine.update({
      claimed_until: 0,
      attempts,
      next_attempt_at: now + wait,
      refused: end.result === 'refused' ? end.reason.slice(0, 1000) : null,
    });
  }

  /** The state of a request's claim (tests and diagnostics). */
  async state(requestId: string): Promise<
    | {
        owner: string | null;
        attempts: number;
        nextAttemptAt: number;
        refused: string | null;
        held: boolean;
      }
    | undefined
  > {
    const row = await this.#db<ClaimRow>(APPLY_CLAIMS_TABLE)
      .where({ request_id: requestId })
      .first();
    if (!row) return undefined;
    const now = await databaseNow(this.#db);
    return {
      owner: row.owner,
      attempts: Number(row.attempts),
      nextAttemptAt: Number(row.next_attempt_at),
      refused: row.refused,
      held: Number(row.claimed_until) >= now,
    };
  }
}
