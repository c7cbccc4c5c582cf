import type {
  AuditorService,
  AuthService,
  DatabaseService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { LayeringFleetService } from '../services/fleetTypes';
import { ClusterNotifier } from './ClusterNotifier';
import {
  ProvenanceLinker,
  type ProvenanceRequestStore,
} from './ProvenanceLinker';
import { isPoolProvenanceSource } from './poolProvenance';
import { ScmIntegrations } from '@backstage/integration';
import type { LayeringClustersService } from '@rhcos-layering/plugin-layering-node';
import { ApplyClaims } from './applyOnMerge/ApplyClaims';
import { ApplyOnMerge, applyOnMergeEnabled } from './applyOnMerge/ApplyOnMerge';
import { ApplyOnMergeRetry } from './applyOnMerge/ApplyOnMergeRetry';
import { ForgeMergedFiles } from './applyOnMerge/MergedFiles';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** The field manager of the actions' writes when `layering.actions.fieldManager` is not set. */
export const DEFAULT_PORTAL_FIELD_MANAGER = 'backstage-layering';

/** What {@link startProvenanceTracking} started. */
export interface ProvenanceTracking {
  /** Undefined when the fleet service cannot answer pool provenance (a custom fleet). */
  linker?: ProvenanceLinker;
  /** Undefined when no cluster has `applyOnMerge` or there is no database to claim in. */
  applyRetry?: ApplyOnMergeRetry;
  stop(): Promise<void>;
}

/**
 * Follows requests onto their clusters: the linker records applied, build and rollout events,
 * the notifier tells the requester and the pool's owner, and every change of a request's history
 * becomes a signal on the pool's channel (`announce`), so open pool pages refresh their timeline.
 */
export async function startProvenanceTracking(options: {
  config: RootConfigService;
  logger: LoggerService;
  fleet: LayeringFleetService;
  requests: ProvenanceRequestStore;
  notifications?: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
  announce(cluster: string, pool: string): void;
  /** With both, apply on merge runs for clusters with `applyOnMerge: true`. */
  auditor?: AuditorService;
  clusters?: LayeringClustersService;
  /**
   * Where apply on merge claims a request (one replica at a time) and keeps its attempts;
   * without it there is no retry of missed merges.
   */
  database?: DatabaseService;
}): Promise<ProvenanceTracking> {
  const { config, fleet, requests } = options;
  const logger = options.logger.child({ component: 'provenance' });
  const stops: Array<() => void> = [];
  stops.push(
    requests.onChange(({ record }) =>
      options.announce(record.cluster, record.pool),
    ),
  );

  if (
    options.notifications &&
    (config.getOptionalBoolean('layering.provenance.notifications.enabled') ??
      true)
  ) {
    const notifier = new ClusterNotifier({
      notifications: options.notifications,
      catalog: options.catalog,
      auth: options.auth,
      logger,
      appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
      requests,
    });
    stops.push(requests.onChange(notifier.onRequestChange));
    stops.push(
      fleet.subscribe(change => {
        notifier.onFleetChange(fleet, change).catch(error =>
          logger.warn('Could not check pools for drift after an update', {
            error: toError(error).message,
          }),
        );
      }),
    );
  }

  const fieldManager =
    config.getOptionalString('layering.actions.fieldManager') ??
    DEFAULT_PORTAL_FIELD_MANAGER;
  let applyRetry: ApplyOnMergeRetry | undefined;
  if (options.auditor && options.clusters) {
    const claims = options.database
      ? await ApplyClaims.create(await options.database.getClient(), {
          owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        })
      : undefined;
    const applier = new ApplyOnMerge({
      config,
      logger,
      auditor: options.auditor,
      clusters: options.clusters,
      files: new ForgeMergedFiles(ScmIntegrations.fromConfig(config)),
      requests,
      fieldManager,
      claims,
    });
    stops.push(requests.onChange(applier.onRequestChange));
    const optedIn = (
      config.getOptionalConfig('layering.clusters.options')?.keys() ?? []
    ).filter(cluster => applyOnMergeEnabled(config, cluster));
    if (claims && optedIn.length) {
      const seconds = config.getOptionalNumber(
        'layering.provenance.applyOnMerge.retryIntervalSeconds',
      );
      applyRetry = new ApplyOnMergeRetry({
        applier,
        requests,
        logger,
        intervalMs: seconds !== undefined ? seconds * 1000 : undefined,
      });
      applyRetry.start();
    }
  }

  let linker: ProvenanceLinker | undefined;
  if (isPoolProvenanceSource(fleet)) {
    linker = new ProvenanceLinker({
      fleet,
      source: fleet,
      requests,
      logger,
      portalManagers: [fieldManager],
      intervalMs: config.getOptionalNumber('layering.provenance.intervalMs'),
    });
    linker.start();
  } else {
    logger.warn(
      'The fleet service answers no pool provenance: requests are not linked to their clusters',
    );
  }

  return {
    linker,
    applyRetry,
    async stop() {
      stops.forEach(stop => stop());
      await applyRetry?.stop();
      await linker?.stop();
    },
  };
}
