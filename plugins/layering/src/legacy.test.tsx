import { screen } from '@testing-library/react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityLayeringPoolCard,
  isLayeringAvailable,
  layeringApiRef,
  layeringPlugin,
  type LayeringApi,
} from './legacy';
import {
  behindReleasesPool,
  clusterWith,
  okCluster,
} from './__fixtures__/pools';
import { rootRouteRef } from './routes';
// The component behind the routable extension, which the app mounts in <Routes>.
import { LayeringFleetPage } from './components/LayeringFleetPage';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ocp-418-worker',
    annotations: {
      'layering.openshift.io/cluster': 'ocp-418',
      'layering.openshift.io/pool': 'worker',
    },
  },
  spec: { type: 'openshift-machine-config-pool' },
};

describe('legacy exports', () => {
  it('registers the client and the scaffolder route binding', () => {
    expect(layeringPlugin.getId()).toBe('layering');
    expect([...layeringPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.layering.service',
    ]);
    expect(Object.keys(layeringPlugin.externalRoutes)).toEqual([
      'scaffolderTemplate',
    ]);
    expect(isLayeringAvailable(entity)).toBe(true);
  });

  it('renders the pool card in a legacy app', async () => {
    const api = {
      getCluster: jest.fn(async () => clusterWith(behindReleasesPool)),
      getRequests: jest.fn(async () => []),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [layeringApiRef, api],
          [
            catalogApiRef,
            { getEntities: jest.fn(async () => ({ items: [] })) },
          ],
          // A legacy app registers the permission API (app-defaults); the card asks it which
          // changes the viewer may request.
          [permissionApiRef, new MockPermissionApi()],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityLayeringPoolCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('1 release behind')).toBeInTheDocument();
  });

  it('renders the fleet page with filters from the URL in a legacy app', async () => {
    const api = {
      // The server filters (drift=behind from the URL) and counts; the page shows its answer.
      getFleetPage: jest.fn(async () => ({
        items: [behindReleasesPool],
        nextCursor: null,
        total: 1,
        summary: {
          total: 2,
          byStatus: { behind: 1, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 },
          byCluster: [],
        },
      })),
      getTrend: jest.fn(async () => ({ since: new Date().toISOString(), samples: [] })),
      getClusters: jest.fn(async () => [okCluster]),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [layeringApiRef, api],
          [
            catalogApiRef,
            { getEntities: jest.fn(async () => ({ items: [] })) },
          ],
        ]}
      >
        <LayeringFleetPage />
      </TestApiProvider>,
      {
        routeEntries: ['/layering?drift=behind'],
        mountedRoutes: {
          '/layering': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );
    expect(
      await screen.findByText('1 of 2 pools · Behind'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 release behind')).toBeInTheDocument();
    expect(screen.getByText('worker')).toBeInTheDocument();
    expect(screen.queryByText('master')).not.toBeInTheDocument();
  });
});
