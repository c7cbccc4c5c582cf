import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  poolEntityName,
  type LayeringRequestEventType,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type { FleetChange, LayeringFleetService } from '../services/fleetTypes';
import type { ProvenanceRequestStore, RequestChange } from './ProvenanceLinker';
import { isFullEntityRef, readPoolOwner } from './poolOwner';

/** The cluster events people are told about, and how. */
const CLUSTER_NOTICES: Partial<
  Record<
    LayeringRequestEventType,
    { title: string; severity: 'normal' | 'high' }
  >
> = {
  'build-succeeded': { title: 'Build succeeded', severity: 'normal' },
  'build-failed': { title: 'Build failed', severity: 'high' },
  'rollout-done': { title: 'Rollout done', severity: 'normal' },
  'rollout-degraded': { title: 'Rollout degraded', severity: 'high' },
};

/**
 * Tells people what a request did on its cluster: the requester and the pool's owner hear of
 * the build (succeeded or failed) and of the rollout (done or degraded); when a cluster update
 * leaves a pool behind the cluster's release, the pool's owner hears of it, and so does the
 * requester of the newest request applied to the pool (the change the pool still runs). Each notification has
 * a scope of its own, so the notifications service keeps one per request and step (or per pool
 * and release) however often it is sent.
 */
export class ClusterNotifier {
  readonly #notifications: NotificationService;
  readonly #deps: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  };
  readonly #appBaseUrl: string;
  readonly #requests?: Pick<ProvenanceRequestStore, 'list'>;
  /** Last seen release and drift (of where the pool is going) per `cluster/pool`. */
  readonly #seen = new Map<
    string,
    { release: string | null; behind: boolean }
  >();

  constructor(options: {
    notifications: NotificationService;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    appBaseUrl: string;
    /** The request history, to find who asked for what a pool that fell behind runs. */
    requests?: Pick<ProvenanceRequestStore, 'list'>;
  }) {
    this.#notifications = options.notifications;
    this.#deps = {
      catalog: options.catalog,
      auth: options.auth,
      logger: options.logger,
    };
    this.#appBaseUrl = options.appBaseUrl.replace(/\/+$/, '');
    this.#requests = options.requests;
  }

  #poolPage(cluster: string, pool: string) {
    return `${this.#appBaseUrl}/catalog/default/resource/${poolEntityName(
      cluster,
      pool,
    )}/layering`;
  }

  /** A request store listener: sends the notice of a cluster event, if it has one. */
  readonly onRequestChange = async ({
    record,
    event,
  }: RequestChange): Promise<void> => {
    const notice = CLUSTER_NOTICES[event.type];
    if (!notice) return;
    const recipients = new Set<string>();
    if (isFullEntityRef(record.requestedBy)) recipients.add(record.requestedBy);
    const owner = await readPoolOwner(this.#deps, record.cluster, record.pool);
    if (owner) recipients.add(owner);
    const poolPage = this.#poolPage(record.cluster, record.pool);
    await this.#send([...recipients], {
      title: `${notice.title}: ${record.summary ?? record.kind} on ${
        record.cluster
      }/${record.pool}`,
      description: [
        event.detail,
        record.pullRequestUrl
          ? `Pull request: ${record.pullRequestUrl}`
          : undefined,
        `Pool: ${poolPage}`,
      ]
        .filter(Boolean)
        .join('\n'),
      link: poolPage,
      severity: notice.severity,
      topic: 'layering-request',
      scope: `layering-request:${record.id}:${event.type}`,
    });
  };

  /** A fleet listener: tells a pool's owner when a cluster update left the pool behind. */
  readonly onFleetChange = (
    fleet: LayeringFleetService,
    change: FleetChange,
  ): Promise<void> => {
    const names = change.initial
      ? fleet.listPools(change.cluster)?.map(p => p.name) ?? []
      : change.pools;
    const fallen: PoolView[] = [];
    for (const name of names) {
      const view = fleet.listPools(change.cluster)?.find(p => p.name === name);
      const key = `${change.cluster}/${name}`;
      if (!view) {
        this.#seen.delete(key);
        continue;
      }
      if (view.stale) continue;
      // Where the pool is going, not what its nodes run mid-rollout: a default pool that is still
      // rolling to the new release is not behind, a pool pinned to an old image is.
      const drift = view.drift.target ?? view.drift;
      const now = {
        release: view.release.version,
        behind: drift.status === 'behind',
      };
      const before = this.#seen.get(key);
      this.#seen.set(key, now);
      if (
        before &&
        before.release &&
        now.release &&
        before.release !== now.release &&
        now.behind
      ) {
        fallen.push(view);
      }
    }
    return Promise.all(fallen.map(view => this.#poolBehind(view))).then(
      () => undefined,
    );
  };

  async #poolBehind(view: PoolView): Promise<void> {
    const recipients = new Set<string>();
    const request = await this.#appliedRequest(view.cluster, view.name);
    if (request && isFullEntityRef(request.requestedBy))
      recipients.add(request.requestedBy);
    const owner = await readPoolOwner(this.#deps, view.cluster, view.name);
    if (owner) recipients.add(owner);
    const drift = view.drift.target ?? view.drift;
    const poolPage = this.#poolPage(view.cluster, view.name);
    await this.#send([...recipients], {
      title: `Pool ${view.cluster}/${view.name} fell behind after the cluster update to ${view.release.version}`,
      description: [
        drift.reason,
        request
          ? `Last applied request: ${request.summary ?? request.kind}${
              request.pullRequestUrl ? ` (${request.pullRequestUrl})` : ''
            }`
          : undefined,
        `Pool: ${poolPage}`,
      ]
        .filter(Boolean)
        .join('\n'),
      link: poolPage,
      severity: 'high',
      topic: 'layering-pool',
      scope: `layering-pool-behind:${view.cluster}/${view.name}:${view.release.version}`,
    });
  }

  /** The newest request applied to the pool: the change it runs, whose requester is told too. */
  async #appliedRequest(cluster: string, pool: string) {
    if (!this.#requests) return undefined;
    try {
      const records = await this.#requests.list(cluster, pool, { limit: 20 });
      return records.find(r => r.outcome === 'applied');
    } catch (error) {
      this.#deps.logger.warn(
        'Could not read the requests of a pool for a notification',
        { cluster, pool, error: toError(error).message },
      );
      return undefined;
    }
  }

  async #send(
    recipients: string[],
    payload: {
      title: string;
      description: string;
      link: string;
      severity: 'normal' | 'high';
      topic: string;
      scope: string;
    },
  ): Promise<void> {
    if (!recipients.length) return;
    try {
      await this.#notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload,
      });
    } catch (error) {
      this.#deps.logger.warn('Could not send a layering notification', {
        scope: payload.scope,
        error: toError(error).message,
      });
    }
  }
}
