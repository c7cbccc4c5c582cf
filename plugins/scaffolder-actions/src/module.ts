import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readLayeringActionsConfig } from './config';
import { layeringClustersServiceRef } from '@rhcos-layering/plugin-layering-node';
import { ClusterClients } from './kubernetes/ClusterClients';
import { LayeringBackendClient } from './services/LayeringBackendClient';
import { createLayeringActions } from './actions';

/**
 * Scaffolder module that adds the `layering:*` actions.
 *
 * @public
 */
export const scaffolderModuleLayering = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'layering',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        layeringClusters: layeringClustersServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        scaffolder,
        config,
        logger,
        discovery,
        auth,
        permissions,
        auditor,
        layeringClusters,
        lifecycle,
      }) {
        const actionsConfig = readLayeringActionsConfig(config);
        const clusters = new ClusterClients(layeringClusters, {
          logger,
          retry: {
            maxRetries: actionsConfig.maxRetries,
            maxRetryAfterMs: actionsConfig.maxRetryAfterMs,
            timeoutMs: actionsConfig.timeouts?.clusterMs,
          },
        });
        // Catalog clusters can only be listed once the backend serves requests.
        lifecycle.addStartupHook(async () => {
          try {
            if ((await clusters.names()).length === 0) {
              logger.warn(
                'No clusters configured under kubernetes.clusterLocatorMethods; the layering actions will refuse every cluster',
              );
            }
          } catch (error) {
            assertError(error);
            logger.warn('Cannot list the layering clusters', error);
          }
        });
        scaffolder.addActions(
          ...createLayeringActions({
            clusters,
            backend: new LayeringBackendClient({
              discovery,
              auth,
              timeoutMs: actionsConfig.timeouts?.layeringBackendMs,
            }),
            permissions,
            config: actionsConfig,
            integrations: ScmIntegrations.fromConfig(config),
            auditor,
          }),
        );
      },
    });
  },
});
