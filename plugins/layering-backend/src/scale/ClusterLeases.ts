import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { databaseNow, LEASES_TABLE, REPLICAS_TABLE } from './tables';

/** Options of {@link ClusterLeases}. */
export interface ClusterLeasesOptions {
  db: Knex;
  /** This replica's id, unique among the replicas sharing the database. */
  replicaId: string;
  logger: LoggerService;
  /** How long a lease (and a replica's heartbeat) lasts without renewal, in ms. */
  ttlMs: number;
  /** How often leases are renewed and free clusters claimed, in ms. */
  renewIntervalMs: number;
  /** The names of every configured cluster, asked on each round. */
  clusters(): string[];
  /**
   * The clusters this replica owns changed. Must have stopped watching every cluster that is
   * no longer in `owned` before it resolves: its lease is released only afterwards.
   */
  onOwnershipChange(owned: ReadonlySet<string>): Promise<void>;
}

interface LeaseRow {
  cluster: string;
  owner: string;
  expires_at: number | string;
}

const CHUNK = 500;
/** How long after another replica's lease ends a waiting round looks again. */
const WAKE_MARGIN_MS = 200;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Splits the clusters between the replicas that share one database, so that each cluster is
 * watched by exactly one replica at a time.
 *
 * @remarks
 * Each replica keeps a heartbeat row and a lease row per cluster it owns, both renewed every
 * `renewIntervalMs` and valid for `ttlMs`, measured on the database's clock. Each replica
 * takes at most its share (clusters divided by live replicas, rounded up), preferring the
 * clusters that hash highest with its id, so the split is stable across restarts. A replica
 * holding more than its share releases the rest after it stopped watching them; one that
 * cannot renew for `ttlMs - renewIntervalMs` stops watching everything before anyone else may
 * take over. A dead replica's clusters are free once its leases expire; the others plan a round
 * for that moment from the expiries they read, so they are taken over within `ttlMs` (plus a
 * round) of its last renewal, not one more `renewIntervalMs` later.
 */
export class ClusterLeases {
  readonly #options: ClusterLeasesOptions;
  readonly #logger: LoggerService;
  #owned = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lastRenewed = performance.now();
  /** Local time (performance.now) at which the next round should run, when sooner than usual. */
  #wakeAt: number | undefined;
  readonly #startedAt = Date.now();
  /** Figures for the benchmark and tests. */
  readonly stats = { rounds: 0, claimed: 0, released: 0, failures: 0 };

  constructor(options: ClusterLeasesOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  /** The clusters this replica owns now. */
  get owned(): ReadonlySet<string> {
    return this.#owned;
  }

  get replicaId(): string {
    return this.#options.replicaId;
  }

  /** Runs the first round (so a single replica owns everything once this resolves), then keeps renewing. */
  async start(): Promise<void> {
    await this.round();
    this.#schedule();
  }

  #schedule() {
    if (this.#stopped) return;
    const { renewIntervalMs } = this.#options;
    let delay = renewIntervalMs;
    const wakeAt = this.#wakeAt;
    this.#wakeAt = undefined;
    if (wakeAt !== undefined && !this.#running) {
      delay = Math.max(0, Math.min(renewIntervalMs, wakeAt - performance.now()));
    }
    this.#timer = setTimeout(() => {
      // A round still busy (stopping many watches can take a while) must not keep the leases
      // from being renewed: renew alone then.
      const next = this.#running ? this.#renewOnly() : this.round();
      next.finally(() => this.#schedule());
    }, delay);
    this.#timer.unref?.();
  }

  /**
   * When another replica's lease runs out before our next regular round, the local time just
   * after it does (so a dead replica's clusters are claimed when its leases end, not up to one
   * renewal interval later). Live replicas renew theirs every interval, long before they end,
   * so in steady state this never comes before the regular round.
   */
  #soonestForeignExpiry(rows: LeaseRow[], now: number, readAt: number): number | undefined {
    let soonest = Infinity;
    for (const row of rows) {
      const expires = Number(row.expires_at);
      if (row.owner !== this.#options.replicaId && expires > now && expires < soonest) {
        soonest = expires;
      }
    }
    if (!Number.isFinite(soonest)) return undefined;
    // Local time of the expiry (the database's clock was read at `readAt`), plus a margin for
    // the database's clock moving on while the answer travelled.
    return readAt + (soonest - now) + WAKE_MARGIN_MS;
  }

  /** Heartbeat and renewal only, while a round is still changing what we watch. */
  async #renewOnly(): Promise<void> {
    const { db, replicaId: me, ttlMs } = this.#options;
    try {
      const now = await databaseNow(db);
      await db(REPLICAS_TABLE).where({ id: me }).update({ expires_at: now + ttlMs });
      await db(LEASES_TABLE)
        .where({ owner: me })
        .where('expires_at', '>', now)
        .update({ expires_at: now + ttlMs });
      this.#lastRenewed = performance.now();
    } catch (error) {
      assertError(error);
      this.stats.failures += 1;
      this.#logger.warn('Cannot renew the cluster leases', error);
    }
  }

  /** One round: heartbeat, renew, rebalance, claim. Never throws. */
  round(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#round().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  #preference(cluster: string): string {
    return createHash('sha1').update(`${cluster}\0${this.#options.replicaId}`).digest('hex');
  }

  async #setOwned(owned: Set<string>) {
    const before = this.#owned;
    const same = before.size === owned.size && [...owned].every(c => before.has(c));
    if (same) return;
    // Set first: the watches of new clusters report their first views while this runs.
    this.#owned = owned;
    await this.#options.onOwnershipChange(owned);
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const { db, replicaId: me, ttlMs } = this.#options;
    this.stats.rounds += 1;
    try {
      const readAt = performance.now();
      const now = await databaseNow(db);
      await db(REPLICAS_TABLE)
        .insert({ id: me, expires_at: now + ttlMs, started_at: this.#startedAt })
        .onConflict('id')
        .merge({ expires_at: now + ttlMs });
      const live = await db(REPLICAS_TABLE).where('expires_at', '>', now).count({ n: '*' });
      const liveCount = Math.max(1, Number(live[0]?.n ?? 1));
      await db(LEASES_TABLE)
        .where({ owner: me })
        .where('expires_at', '>', now)
        .update({ expires_at: now + ttlMs });
      this.#lastRenewed = performance.now();

      const wanted = [...new Set(this.#options.clusters())];
      const wantedSet = new Set(wanted);
      const rows: LeaseRow[] = await db(LEASES_TABLE).select('cluster', 'owner', 'expires_at');
      const leases = new Map(rows.map(r => [r.cluster, r]));
      this.#wakeAt = this.#soonestForeignExpiry(rows, now, readAt);
      const held = rows
        .filter(r => r.owner === me && Number(r.expires_at) > now)
        .map(r => r.cluster);
      const share = Math.ceil(wanted.length / liveCount);
      const keep = held
        .filter(c => wantedSet.has(c))
        .sort((a, b) => (this.#preference(a) < this.#preference(b) ? 1 : -1));
      const release = [...held.filter(c => !wantedSet.has(c)), ...keep.splice(share)];
      const owned = new Set(keep);

      if (release.length > 0) {
        // Stop watching first: the lease goes only once nothing of ours watches the cluster.
        await this.#setOwned(new Set(owned));
        for (const part of chunks(release)) {
          await db(LEASES_TABLE).where({ owner: me }).whereIn('cluster', part).update({ expires_at: 0 });
        }
        this.stats.released += release.length;
        this.#logger.info('Released cluster leases', {
          clusters: release.length,
          share,
          replicas: liveCount,
        });
      }

      if (owned.size < share) {
        const missing = wanted.filter(c => !leases.has(c));
        for (const part of chunks(missing)) {
          await db(LEASES_TABLE)
            .insert(part.map(cluster => ({ cluster, owner: '', expires_at: 0, acquired_at: 0 })))
            .onConflict('cluster')
            .ignore();
        }
        const free = wanted
          .filter(c => !owned.has(c))
          .filter(c => {
            const lease = leases.get(c);
            return !lease || Number(lease.expires_at) <= now;
          })
          .sort((a, b) => (this.#preference(a) < this.#preference(b) ? 1 : -1));
        // Claimed in batches (a takeover of hundreds of clusters is a few statements, not one
        // round trip each); a cluster another replica claimed first is simply not ours, and
        // the next candidates are tried until the share is full.
        let claimed = 0;
        let next = 0;
        while (owned.size < share && next < free.length) {
          const part = free.slice(next, next + Math.min(CHUNK, share - owned.size));
          next += part.length;
          // The clock read again: under load a round can take long enough that a lease
          // written with the round's first reading would be born expired, free for others.
          const at = Math.max(now, await databaseNow(db));
          await db(LEASES_TABLE)
            .whereIn('cluster', part)
            .where('expires_at', '<=', at)
            .update({ owner: me, expires_at: at + ttlMs, acquired_at: at });
          const won: Array<{ cluster: string }> = await db(LEASES_TABLE)
            .whereIn('cluster', part)
            .where({ owner: me, acquired_at: at })
            .select('cluster');
          for (const { cluster } of won) owned.add(cluster);
          claimed += won.length;
        }
        if (claimed > 0) {
          this.stats.claimed += claimed;
          this.#logger.info('Claimed cluster leases', {
            clusters: claimed,
            owned: owned.size,
            share,
            replicas: liveCount,
          });
        }
      }
      await this.#setOwned(owned);
    } catch (error) {
      assertError(error);
      this.stats.failures += 1;
      this.#logger.warn('Cannot renew the cluster leases', error);
      const sinceRenewal = performance.now() - this.#lastRenewed;
      if (
        this.#owned.size > 0 &&
        sinceRenewal > this.#options.ttlMs - this.#options.renewIntervalMs
      ) {
        // Our leases may expire before we can renew them: stop watching before another takes over.
        this.#logger.warn('Cluster leases could not be renewed in time; watching no cluster', {
          clusters: this.#owned.size,
        });
        try {
          await this.#setOwned(new Set());
        } catch (inner) {
          assertError(inner);
          this.#logger.error('Cannot stop watching the clusters of lost leases', inner);
        }
      }
    }
  }

  /**
   * Stops renewing. With `release`, gives up every lease and the heartbeat (call it after the
   * watches stopped), so other replicas take over at their next round instead of after `ttlMs`.
   */
  async stop(options: { release: boolean }): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
    if (!options.release) return;
    const { db, replicaId: me } = this.#options;
    try {
      await db(LEASES_TABLE).where({ owner: me }).update({ expires_at: 0 });
      await db(REPLICAS_TABLE).where({ id: me }).delete();
    } catch (error) {
      assertError(error);
      this.#logger.warn('Cannot release the cluster leases; they expire on their own', error);
    }
    this.#owned = new Set();
  }
}
