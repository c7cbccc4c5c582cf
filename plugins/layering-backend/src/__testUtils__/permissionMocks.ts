import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PoolResourceLoader } from '../permissions/poolResources';
import type { LayeringFleetService } from '../services/FleetService';

/** Makes a permission mock (`authorize` or `authorizeConditional`) answer `result` to every request. */
export function answerEvery(
  mock: jest.Mock,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
): void {
  mock.mockImplementation(async (requests: unknown[]) => requests.map(() => ({ result })));
}

/** Resets permission mocks (their calls too) and makes them allow everything, for a `beforeEach`. */
export function allowEverything(...mocks: jest.Mock[]): void {
  for (const mock of mocks) {
    mock.mockReset();
    answerEvery(mock, AuthorizeResult.ALLOW);
  }
}

/** The catalog's entity of pool `worker` of cluster `alpha`, owned by group `team-a`. */
export const ALPHA_WORKER_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'alpha-worker',
    namespace: 'default',
    annotations: {
      'layering.openshift.io/cluster': 'alpha',
      'layering.openshift.io/pool': 'worker',
    },
  },
  spec: { type: 'openshift-machine-config-pool', owner: 'team-a' },
};

/** The pool resource loader over `fleet` and a mocked catalog holding `entities`. */
export function testPoolResources(
  fleet: LayeringFleetService,
  entities: Entity[] = [],
): PoolResourceLoader {
  return new PoolResourceLoader({
    fleet,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  });
}
