import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  layeringClusterReadPermission,
  layeringPoolPermissions,
} from '@rhcos-layering/plugin-layering-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ScaffolderTaskClient } from './auth/scaffolderTasks';
import { layeringPoolPermissionResourceRef } from './permissions/resource';
import { layeringPoolPermissionRules } from './permissions/rules';
import { PoolResourceLoader } from './permissions/poolResources';
import { createRouter } from './router';
import { createTrendRoutes } from './routes/trend';
import { DriftTrendRecorder } from './services/trend/DriftTrendRecorder';
import { DriftTrendStore } from './services/trend/DriftTrendStore';
import { startForgeTracking } from './forge';
import { layeringFleetServiceRef } from './services/FleetService';
import { layeringForecastServiceRef } from './services/forecast/ForecastService';
import { layeringRequestStoreServiceRef } from './services/RequestStore';
import { PoolSignalPublisher } from './services/PoolSignalPublisher';
import { startProvenanceTracking } from './provenance';
import { layeringClustersServiceRef } from '@rhcos-layering/plugin-layering-node';
import { startAutomaticRebase } from './services/rebase';

/**
 * The `layering` backend plugin: pools, builds, rollouts and drift of every
 * OpenShift cluster, served from watch caches, plus the record of requests
 * made through the portal.
 *
 * @public
 */
export const layeringPlugin = createBackendPlugin({
  pluginId: 'layering',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        clusters: layeringClustersServiceRef,
        lifecycle: coreServices.lifecycle,
        fleet: layeringFleetServiceRef,
        forecast: layeringForecastServiceRef,
        requests: layeringRequestStoreServiceRef,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        scheduler: coreServices.scheduler,
        notifications: notificationService,
      },
      async init({
        httpRouter,
        database,
        logger,
        config,
        httpAuth,
        auth,
        discovery,
        catalog,
        permissions,
        permissionsRegistry,
        auditor,
        clusters,
        lifecycle,
        fleet,
        requests,
        signals,
        events,
        scheduler,
        notifications,
        forecast,
      }) {
        const poolResources = new PoolResourceLoader({ fleet, catalog, auth, logger });
        permissionsRegistry.addPermissions([layeringClusterReadPermission]);
        permissionsRegistry.addResourceType({
          resourceRef: layeringPoolPermissionResourceRef,
          permissions: layeringPoolPermissions,
          rules: Object.values(layeringPoolPermissionRules),
          getResources: refs => poolResources.load(refs),
        });

        const publisher = new PoolSignalPublisher({
          signals,
          logger,
          debounceMs: config.getOptionalNumber('layering.signals.debounceMs'),
        });
        publisher.attach(fleet);
        lifecycle.addShutdownHook(() => publisher.detach());

        httpRouter.use(
          await createRouter({
            fleet,
            requests,
            httpAuth,
            permissions,
            auditor,
            logger,
            config,
            poolResources,
            tasks: new ScaffolderTaskClient({ discovery, auth }),
            forecast,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // The fleet page's drift trend: pool counts per cluster and status, sampled as they change.
        const trendStore = await DriftTrendStore.create(database, { logger });
        const trend = new DriftTrendRecorder({
          fleet,
          store: trendStore,
          logger,
          intervalMs: (config.getOptionalNumber('layering.trend.intervalMinutes') ?? 15) * 60_000,
          retentionDays: config.getOptionalNumber('layering.trend.retentionDays') ?? 90,
        });
        trend.start();
        lifecycle.addShutdownHook(() => trend.stop());
        httpRouter.use(createTrendRoutes({ fleet, store: trendStore, httpAuth, permissions }));

        // Pull and merge request state: forge webhooks, the poll fallback, notifications.
        const forge = await startForgeTracking({
          config, logger, requests, events, scheduler, notifications, catalog, auth,
        });
        lifecycle.addShutdownHook(() => forge.stop());

        // Provenance: requests linked to what happened on their clusters, notified, signalled.
        const provenance = await startProvenanceTracking({
          config, logger, fleet, requests, notifications, catalog, auth,
          announce: (cluster, pool) => publisher.announce(cluster, pool),
          auditor, clusters, database,
        });
        lifecycle.addShutdownHook(() => provenance.stop());

        // Rebase when a release lands, by the backend itself (layering.rebase.automatic).
        await startAutomaticRebase({ config, logger, scheduler, fleet, requests, auth, discovery });
      },
    });
  },
});
