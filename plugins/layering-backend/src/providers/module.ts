import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { layeringFleetServiceRef } from '../services/FleetService';
import { LayeringEntityProvider } from './LayeringEntityProvider';

/**
 * Catalog module that adds the layering entity provider: one Resource per
 * cluster and one per MachineConfigPool, from the layering backend's caches.
 *
 * @public
 */
export const catalogModuleLayeringEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'layering-entity-provider',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        fleet: layeringFleetServiceRef,
      },
      async init({ catalog, config, logger, scheduler, fleet }) {
        const catalogConfig = config.getOptionalConfig('layering.catalog');
        const schedule = catalogConfig?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              catalogConfig.getConfig('schedule'),
            )
          : { frequency: { minutes: 1 }, timeout: { minutes: 1 } };
        catalog.addEntityProvider(
          new LayeringEntityProvider({
            fleet,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            owner: catalogConfig?.getOptionalString('owner') ?? 'group:default/platform',
            system: catalogConfig?.getOptionalString('system'),
          }),
        );
      },
    });
  },
});
