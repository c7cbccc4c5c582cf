import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { layeringPermissions } from '@rhcos-layering/plugin-layering-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createRouter } from './router';
import { layeringFleetServiceRef } from './services/FleetService';
import { layeringRequestStoreServiceRef } from './services/RequestStore';
import { PoolSignalPublisher } from './services/PoolSignalPublisher';

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
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        fleet: layeringFleetServiceRef,
        requests: layeringRequestStoreServiceRef,
        signals: signalsServiceRef,
      },
      async init({
        httpRouter,
        logger,
        config,
        httpAuth,
        permissions,
        permissionsRegistry,
        auditor,
        lifecycle,
        fleet,
        requests,
        signals,
      }) {
        permissionsRegistry.addPermissions(layeringPermissions);

        const publisher = new PoolSignalPublisher({
          signals,
          logger,
          debounceMs: config.getOptionalNumber('layering.signals.debounceMs'),
        });
        publisher.attach(fleet);
        lifecycle.addShutdownHook(() => publisher.detach());

        httpRouter.use(
          await createRouter({ fleet, requests, httpAuth, permissions, auditor, logger, config }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
