import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readLayeringActionsConfig } from './config';
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
      },
      async init({ scaffolder, config, logger, discovery, auth, permissions, auditor }) {
        const actionsConfig = readLayeringActionsConfig(config);
        const clusters = ClusterClients.fromConfig(config, {
          logger,
          retry: {
            maxRetries: actionsConfig.maxRetries,
            maxRetryAfterMs: actionsConfig.maxRetryAfterMs,
            timeoutMs: actionsConfig.timeouts?.clusterMs,
          },
        });
        if (clusters.names().length === 0) {
          logger.warn(
            'No clusters configured under kubernetes.clusterLocatorMethods; the layering actions will refuse every cluster',
          );
        }
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
