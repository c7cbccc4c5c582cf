import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readClusterEntitiesOptions } from './adoption';
import { LayeringHttpFleetSource } from './fleetSource';
import {
  LayeringClusterAdoptionProcessor,
  LayeringKnownClusters,
} from './LayeringClusterAdoptionProcessor';
import { LayeringEntityProvider } from './LayeringEntityProvider';
import { fleetPools, LayeringTemplatePoolsProcessor } from './LayeringTemplatePoolsProcessor';

/**
 * Catalog module that keeps a Resource per MachineConfigPool and per cluster
 * (or adopts existing cluster entities), read from the layering backend.
 *
 * @public
 */
export const catalogModuleLayeringEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'layering-entity-provider',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalogProcessing, catalog, config, logger, scheduler, discovery, auth, lifecycle }) {
        const catalogConfig = config.getOptionalConfig('layering.catalog');
        const schedule = catalogConfig?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(catalogConfig.getConfig('schedule'))
          : { frequency: { seconds: 30 }, timeout: { minutes: 1 } };
        const clusterEntities = readClusterEntitiesOptions(catalogConfig);
        const knownClusters = new LayeringKnownClusters();
        const source = new LayeringHttpFleetSource({ discovery, auth });
        const provider = new LayeringEntityProvider({
          source,
          logger,
          taskRunner: scheduler.createScheduledTaskRunner(schedule),
          owner: catalogConfig?.getOptionalString('owner') ?? 'group:default/platform',
          system: catalogConfig?.getOptionalString('system'),
          clusterEntities,
          knownClusters,
          catalogLookup: async filter => {
            const { items } = await catalog.getEntities(
              { filter, fields: ['kind', 'metadata', 'spec.type'] },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return items as Entity[];
          },
        });
        catalogProcessing.addEntityProvider(provider);
        // Layering templates accept only the clusters and pools that exist (a 400 at task creation).
        catalogProcessing.addProcessor(
          new LayeringTemplatePoolsProcessor({ pools: fleetPools(source, { logger }) }),
        );
        if (clusterEntities.mode === 'adopt') {
          catalogProcessing.addProcessor(
            new LayeringClusterAdoptionProcessor({ clusterEntities, clusters: knownClusters }),
          );
        }
        lifecycle.addShutdownHook(() => provider.close());
      },
    });
  },
});
