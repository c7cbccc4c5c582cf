import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  behindReleasesPool,
  clusterWith,
  inSyncPool,
  pausedPool,
  unreachableCluster,
  unreachablePool,
} from '../../__fixtures__/pools';
import { mountedRoutes } from '../../__fixtures__/routes';
import { LayeringClusterCard } from './LayeringClusterCard';

function clusterEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      annotations: { 'layering.openshift.io/cluster': name },
    },
    spec: { type: 'kubernetes-cluster' },
  };
}

describe('LayeringClusterCard', () => {
  it('shows the release and every pool with its drift, most behind first', async () => {
    const api = {
      getCluster: jest.fn(async () =>
        clusterWith(inSyncPool, behindReleasesPool, pausedPool),
      ),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <EntityProvider entity={clusterEntity('ocp-418')}>
        <LayeringClusterCard />
      </EntityProvider>,
      { apis: [[layeringApiRef, api], catalogApiMock()], mountedRoutes },
    );
    const list = await screen.findByRole('list', { name: 'Pools' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      'worker1 release behind',
      'infraIn sync',
      'masterIn sync',
    ]);
    expect(screen.getByText('4.18.21')).toBeInTheDocument();
    expect(screen.getByText('418.94.202507221249-0')).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledWith('ocp-418');
  });

  it('shows an unreachable cluster and never calls its pools in sync', async () => {
    const api = {
      getCluster: jest.fn(async () => ({
        ...unreachableCluster,
        pools: [unreachablePool],
      })),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <EntityProvider entity={clusterEntity('ocp-417')}>
        <LayeringClusterCard />
      </EntityProvider>,
      { apis: [[layeringApiRef, api], catalogApiMock()], mountedRoutes },
    );
    const list = await screen.findByRole('list', { name: 'Pools' });
    expect(screen.getByRole('alert')).toHaveTextContent('Cluster unreachable');
    expect(screen.getByText(/ECONNREFUSED/)).toBeInTheDocument();
    expect(within(list).queryByText('In sync')).not.toBeInTheDocument();
    expect(within(list).getByText('Cluster unreachable')).toBeInTheDocument();
  });
});
