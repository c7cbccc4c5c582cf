import { createServiceFactory, SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { FixedFleet, testPoolView } from '../__testUtils__/FixedFleet';
import { layeringFleetServiceRef } from '../services/FleetService';
import { catalogModuleLayeringEntityProvider } from './module';

describe('catalogModuleLayeringEntityProvider', () => {
  it('emits a Resource per cluster and per pool, and drops pools that disappear', async () => {
    const fleet = new FixedFleet(
      ['ocp-418', 'ocp-419'],
      [testPoolView('ocp-418', 'master'), testPoolView('ocp-418', 'worker'), testPoolView('ocp-419', 'infra')],
    );
    let provider: EntityProvider | undefined;
    let task: SchedulerServiceTaskInvocationDefinition | undefined;
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider: (p: EntityProvider) => (provider = p) }],
      ],
      features: [
        catalogModuleLayeringEntityProvider,
        createServiceFactory({ service: layeringFleetServiceRef, deps: {}, factory: () => fleet }),
        mockServices.rootConfig.factory({
          data: { layering: { catalog: { owner: 'group:default/os-team', system: 'system:default/fleet' } } },
        }),
        mockServices.scheduler.mock({
          createScheduledTaskRunner: () => ({
            run: async (t: SchedulerServiceTaskInvocationDefinition) => {
              task = t;
            },
          }),
        }).factory,
      ],
    });
    expect(provider?.getProviderName()).toBe('LayeringEntityProvider:fleet');

    const applyMutation = jest.fn();
    const connection: EntityProviderConnection = { applyMutation, refresh: jest.fn() };
    await provider!.connect(connection);
    expect(task?.id).toBe('LayeringEntityProvider:fleet:refresh');
    await task!.fn(new AbortController().signal);

    expect(applyMutation).toHaveBeenCalledTimes(1);
    const mutation = applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    const entities: Entity[] = mutation.entities.map((e: { entity: Entity }) => e.entity);
    expect(entities.map(e => e.metadata.name)).toEqual([
      'ocp-418',
      'ocp-418-master',
      'ocp-418-worker',
      'ocp-419',
      'ocp-419-infra',
    ]);
    const cluster = entities[0];
    expect(cluster).toMatchObject({
      kind: 'Resource',
      spec: { type: 'kubernetes-cluster', owner: 'group:default/os-team', system: 'system:default/fleet' },
    });
    expect(cluster.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-cluster': 'ocp-418',
      'layering.openshift.io/cluster': 'ocp-418',
      'backstage.io/managed-by-location': 'layering:cluster/ocp-418',
      'backstage.io/managed-by-origin-location': 'layering:cluster/ocp-418',
    });
    const worker = entities[2];
    expect(worker).toMatchObject({
      spec: {
        type: 'openshift-machine-config-pool',
        owner: 'group:default/os-team',
        dependsOn: ['resource:ocp-418'],
      },
    });
    expect(worker.metadata.annotations).toMatchObject({
      'layering.openshift.io/cluster': 'ocp-418',
      'layering.openshift.io/pool': 'worker',
    });

    // The worker pool goes away: the next full mutation no longer carries it.
    fleet.pools = fleet.pools.filter(p => p.name !== 'worker');
    await task!.fn(new AbortController().signal);
    const names = applyMutation.mock.calls[1][0].entities.map((e: { entity: Entity }) => e.entity.metadata.name);
    expect(names).not.toContain('ocp-418-worker');
    expect(names).toContain('ocp-418-master');
  });
});
