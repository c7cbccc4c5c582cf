import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  rebaseDue,
  type LayeringRequestRecord,
  type PoolView,
  type RebaseDue,
} from '@rhcos-layering/plugin-layering-common';
import type { ClusterRelease, LayeringFleetService } from '../fleetTypes';

/** Starts a scaffolder task of a template (the service's own credentials). */
export interface RebaseTaskStarter {
  start(input: {
    templateRef: string;
    values: Record<string, unknown>;
  }): Promise<{ taskId: string }>;
}

/** The settings of `layering.rebase` the service runs with. */
export interface AutomaticRebaseSettings {
  /** The rebase template, `template:default/layering-rebase-image` by default. */
  templateRef: string;
  /**
   * Where the team's CI pushes the image rebuilt for a release, as a tag reference with
   * `{cluster}`, `{pool}` and `{release}` placeholders; the request pins it by digest.
   */
  image: string;
  /** Template values every request carries (forge, repoUrl, targetBranch). */
  values: Record<string, unknown>;
}

/** What one pass did for one pool. */
export interface RebaseAttempt {
  cluster: string;
  pool: string;
  release: string;
  /** `started` with the task, or why nothing was started. */
  result: 'started' | 'open-request' | 'task-running' | 'no-image' | 'failed';
  taskId?: string;
}

/** The parts of the request store the service reads. */
export interface RebaseRequestReader {
  list(cluster: string, pool: string, options?: { limit?: number }): Promise<LayeringRequestRecord[]>;
}

function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(cluster|pool|release)\}/g, (_, key: string) => values[key]);
}

/**
 * Rebase when a release lands, run by the backend itself (`layering.rebase.automatic`): after
 * a cluster completed an update, each pool pinned by an out-of-cluster image whose base is
 * older gets one rebase pull request, opened by running the rebase template as a service.
 * Never a second one while one is open: a `rebase` request of the pool recorded as `opened`,
 * or a task this service started that has not recorded its request yet, holds the next.
 */
export class AutomaticRebase {
  readonly #fleet: Pick<LayeringFleetService, 'listClusters' | 'listPools' | 'getRelease'>;
  readonly #requests: RebaseRequestReader;
  readonly #tasks: RebaseTaskStarter;
  readonly #logger: LoggerService;
  readonly #settings: AutomaticRebaseSettings;
  readonly #resolveImage: (reference: string) => Promise<string | undefined>;
  /** Tasks started for `<cluster>/<pool>` whose request is not recorded yet, by release. */
  readonly #started = new Map<string, { release: string; taskId: string }>();

  constructor(options: {
    fleet: Pick<LayeringFleetService, 'listClusters' | 'listPools' | 'getRelease'>;
    requests: RebaseRequestReader;
    tasks: RebaseTaskStarter;
    logger: LoggerService;
    settings: AutomaticRebaseSettings;
    /** The image by digest for a tag reference; undefined while the registry has none. */
    resolveImage: (reference: string) => Promise<string | undefined>;
  }) {
    this.#fleet = options.fleet;
    this.#requests = options.requests;
    this.#tasks = options.tasks;
    this.#logger = options.logger;
    this.#settings = options.settings;
    this.#resolveImage = options.resolveImage;
  }

  /** One pass over every cluster and pool. */
  async runOnce(): Promise<RebaseAttempt[]> {
    const attempts: RebaseAttempt[] = [];
    for (const cluster of this.#fleet.listClusters()) {
      const release = this.#fleet.getRelease(cluster.name);
      if (!release || release.stale || release.status !== 'ok') continue;
      const pools = this.#fleet.listPools(cluster.name) ?? [];
      const worker = pools.find(p => p.name === 'worker');
      for (const pool of pools) {
        // A pin inherited from worker is rebased by worker's request, not once more per pool.
        const inherited =
          pool.name !== 'worker' &&
          worker?.layering.mode === 'out-of-cluster' &&
          worker.layering.source !== undefined &&
          worker.layering.source === pool.layering.source;
        if (inherited) continue;
        const due = rebaseDue(pool, release.history);
        if (!due) continue;
        attempts.push(await this.#rebase(cluster.name, pool, due, release));
      }
    }
    return attempts;
  }

  async #rebase(
    cluster: string,
    pool: PoolView,
    due: RebaseDue,
    release: ClusterRelease,
  ): Promise<RebaseAttempt> {
    const attempt = { cluster, pool: pool.name, release: due.release };
    const key = `${cluster}/${pool.name}`;
    const records = await this.#requests.list(cluster, pool.name, { limit: 50 });
    const open = records.find(r => r.kind === 'rebase' && r.outcome === 'opened');
    if (open) return { ...attempt, result: 'open-request' };
    const started = this.#started.get(key);
    if (started) {
      // Its request is recorded once the pull request is open; until then it holds the pool.
      if (records.some(r => r.taskId === started.taskId)) this.#started.delete(key);
      else return { ...attempt, result: 'task-running', taskId: started.taskId };
    }

    const reference = fillPattern(this.#settings.image, {
      cluster,
      pool: pool.name,
      release: due.release,
    });
    let image: string | undefined;
    try {
      image = await this.#resolveImage(reference);
    } catch (error) {
      assertError(error);
      this.#logger.warn('Rebuilt image for an automatic rebase could not be read', {
        cluster,
        pool: pool.name,
        image: reference,
        error: error.message,
      });
    }
    if (!image) return { ...attempt, result: 'no-image' };

    try {
      const { taskId } = await this.#tasks.start({
        templateRef: this.#settings.templateRef,
        values: {
          ...this.#settings.values,
          target: { cluster, pool: pool.name },
          reason: `Automatic rebase. ${due.reason}`,
          baseImage: release.baseImage,
          image,
          machineConfigName: pool.layering.source,
          rollout: 'build-first',
          delivery: 'pull-request',
        },
      });
      this.#started.set(key, { release: due.release, taskId });
      this.#logger.info('Automatic rebase requested', {
        cluster,
        pool: pool.name,
        release: due.release,
        taskId,
      });
      return { ...attempt, result: 'started', taskId };
    } catch (error) {
      assertError(error);
      this.#logger.error('Automatic rebase could not start', {
        cluster,
        pool: pool.name,
        release: due.release,
        error: error.message,
      });
      return { ...attempt, result: 'failed' };
    }
  }
}
