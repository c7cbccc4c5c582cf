import {
  resolvePackagePath,
  type DatabaseService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  LayeringFleetStatusCounts,
  LayeringTrendSample,
} from '@rhcos-layering/plugin-layering-common';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { migrateLatestSafely } from '../../scale/startupLock';

const TABLE = 'layering_drift_samples';

interface Row {
  cluster: string;
  at: string;
  behind: number;
  in_sync: number;
  ahead: number;
  unknown: number;
  unreachable: number;
}

function toSample(row: Row): LayeringTrendSample {
  return {
    cluster: row.cluster,
    at: row.at,
    counts: {
      behind: Number(row.behind),
      'in-sync': Number(row.in_sync),
      ahead: Number(row.ahead),
      unknown: Number(row.unknown),
      unreachable: Number(row.unreachable),
    },
  };
}

function toRow(sample: LayeringTrendSample): Row {
  const { counts } = sample;
  return {
    cluster: sample.cluster,
    at: sample.at,
    behind: counts.behind,
    in_sync: counts['in-sync'],
    ahead: counts.ahead,
    unknown: counts.unknown,
    unreachable: counts.unreachable,
  };
}

function isPostgres(db: Knex): boolean {
  const client = String(db.client.config.client ?? '');
  return (
    (db.client as { driverName?: string }).driverName === 'pg' ||
    ['pg', 'postgres', 'postgresql'].includes(client)
  );
}

/** The keys of a cluster's trend lock (`pg_advisory_xact_lock(int, int)`). */
function clusterLockKeys(cluster: string): [number, number] {
  const digest = createHash('sha1').update(`rhcos-layering\0trend\0${cluster}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** Whether two count sets are the same. */
export function sameCounts(a: LayeringFleetStatusCounts, b: LayeringFleetStatusCounts): boolean {
  return (
    a.behind === b.behind &&
    a['in-sync'] === b['in-sync'] &&
    a.ahead === b.ahead &&
    a.unknown === b.unknown &&
    a.unreachable === b.unreachable
  );
}

/**
 * The drift trend's samples in the plugin's database (SQLite or PostgreSQL): one row per cluster
 * and time its pool counts changed. Times are ISO 8601 strings in UTC, so they sort as text.
 */
export class DriftTrendStore {
  readonly #db: Knex;

  static async create(
    database: DatabaseService,
    options: { logger?: LoggerService } = {},
  ): Promise<DriftTrendStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      // Replicas starting together on one PostgreSQL migrate one after the other.
      await migrateLatestSafely(
        client,
        {
          directory: resolvePackagePath('@rhcos-layering/plugin-layering-backend', 'migrations/trend'),
          tableName: 'layering_trend_migrations',
        },
        options,
      );
    }
    return new DriftTrendStore(client);
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /** The newest sample of a cluster. */
  async latest(cluster: string): Promise<LayeringTrendSample | undefined> {
    const row = await this.#db<Row>(TABLE)
      .where({ cluster })
      .orderBy('at', 'desc')
      .first();
    return row ? toSample(row) : undefined;
  }

  async add(sample: LayeringTrendSample): Promise<void> {
    await this.#db<Row>(TABLE).insert(toRow(sample));
  }

  /**
   * Writes `sample` unless the cluster's newest sample has the same counts or is younger than
   * `intervalMs`; the look and the write are one step for every replica on the database, so
   * replicas sampling the same cluster at the same moment write it once per interval.
   *
   * @remarks
   * On PostgreSQL the transaction first takes an advisory lock of the cluster (held until it
   * ends), so a second replica reads the newest sample only after the first one's write is
   * committed. SQLite runs one write transaction at a time anyway.
   */
  async addIfDue(
    sample: LayeringTrendSample,
    intervalMs: number,
  ): Promise<{ written: true } | { written: false; dueAt?: number }> {
    return this.#db.transaction(async tx => {
      if (!process.env.H20_NOLOCK && isPostgres(this.#db)) {
        const [k1, k2] = clusterLockKeys(sample.cluster);
        await tx.raw('select pg_advisory_xact_lock(?, ?)', [k1, k2]);
      }
      const row = await tx<Row>(TABLE)
        .where({ cluster: sample.cluster })
        .orderBy('at', 'desc')
        .first();
      const latest = row ? toSample(row) : undefined;
      if (latest && sameCounts(latest.counts, sample.counts)) return { written: false };
      const dueAt = latest ? Date.parse(latest.at) + intervalMs : 0;
      if (dueAt > Date.parse(sample.at)) return { written: false, dueAt };
      await tx<Row>(TABLE).insert(toRow(sample));
      return { written: true };
    });
  }

  /**
   * Samples from `since` on, oldest first, each cluster's last sample before `since` included
   * (it says what held when the window began).
   */
  async list(options: { since: string; cluster?: string }): Promise<LayeringTrendSample[]> {
    const { since, cluster } = options;
    const columns = ['cluster', 'at', 'behind', 'in_sync', 'ahead', 'unknown', 'unreachable'];
    const inWindow = this.#db<Row>(TABLE)
      .select(columns)
      .where('at', '>=', since)
      .modify(q => {
        if (cluster) q.where({ cluster });
      });
    const lastBefore = this.#db(`${TABLE} as s`)
      .select(columns.map(c => `s.${c}`))
      .join(
        this.#db(TABLE)
          .select('cluster')
          .max({ at: 'at' })
          .where('at', '<', since)
          .modify(q => {
            if (cluster) q.where({ cluster });
          })
          .groupBy('cluster')
          .as('m'),
        join => join.on('s.cluster', '=', 'm.cluster').andOn('s.at', '=', 'm.at'),
      );
    const [before, rows] = await Promise.all([lastBefore, inWindow.orderBy('at', 'asc')]);
    return [...(before as Row[]), ...rows]
      .map(toSample)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Deletes samples older than `before`, keeping each cluster's newest one; returns how many. */
  async prune(before: string): Promise<number> {
    const newest = this.#db(TABLE).select('cluster').max({ at: 'at' }).groupBy('cluster');
    const keep = (await newest) as Array<{ cluster: string; at: string }>;
    let deleted = 0;
    for (const { cluster, at } of keep) {
      deleted += await this.#db(TABLE)
        .where({ cluster })
        .andWhere('at', '<', before)
        .andWhere('at', '<', at)
        .delete();
    }
    return deleted;
  }
}
