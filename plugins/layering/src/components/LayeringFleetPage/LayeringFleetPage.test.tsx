import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  behindMinorsPool,
  behindReleasesPool,
  inSyncPool,
  okCluster,
  pausedPool,
  unknownPool,
  unreachableCluster,
  unreachablePool,
} from '../../__fixtures__/pools';
import { mountedRoutes } from '../../__fixtures__/routes';
import { LayeringFleetPage } from './LayeringFleetPage';
import { filterAndSort, fleetRows } from './fleet';

const pools = [
  inSyncPool,
  unknownPool,
  behindReleasesPool,
  pausedPool,
  behindMinorsPool,
  unreachablePool,
];
const clusters = [okCluster, unreachableCluster];

function api(): LayeringApi {
  return {
    getFleet: jest.fn(async () => pools),
    getClusters: jest.fn(async () => clusters),
  } as unknown as LayeringApi;
}

function rowNames(): string[] {
  const table = screen.getByRole('grid');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => {
      const cells = Array.from(
        row.querySelectorAll('[role="gridcell"], [role="rowheader"]'),
      );
      return `${cells[0].textContent?.replace(/4\.\d+\.\d+$/, '')}/${
        cells[1].textContent
      }`;
    });
}

const workerEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ocp-418-worker',
    namespace: 'platform',
    annotations: {
      'layering.openshift.io/cluster': 'ocp-418',
      'layering.openshift.io/pool': 'worker',
    },
  },
  spec: {
    type: 'openshift-machine-config-pool',
    owner: 'group:default/platform',
  },
};

async function renderPage(search = '') {
  await renderInTestApp(<LayeringFleetPage />, {
    apis: [
      [layeringApiRef, api()],
      catalogApiMock({ entities: [workerEntity] }),
    ],
    mountedRoutes,
    initialRouteEntries: [`/layering${search}`],
    mountPath: '/layering',
  });
  await screen.findByRole('grid');
}

describe('fleet rows', () => {
  it('sorts the furthest behind first: minors, then releases, then the rest', () => {
    const rows = filterAndSort(fleetRows(pools, clusters), { sort: 'behind' });
    expect(rows.map(r => r.id)).toEqual([
      'ocp-418/edge',
      'ocp-418/worker',
      'ocp-418/infra',
      'ocp-418/master',
      'ocp-417/worker',
      'ocp-418/gpu',
    ]);
  });

  it('turns the pools of an unreachable cluster into unreachable rows', () => {
    const rows = fleetRows(pools, clusters);
    expect(rows.find(r => r.id === 'ocp-417/worker')?.status).toBe(
      'unreachable',
    );
  });

  it('adds a row for a down cluster that sent no pools', () => {
    const rows = fleetRows([inSyncPool], clusters);
    expect(rows.map(r => [r.id, r.status])).toEqual([
      ['ocp-418/master', 'in-sync'],
      ['ocp-417', 'unreachable'],
    ]);
  });

  it('filters by drift and cluster', () => {
    const rows = fleetRows(pools, clusters);
    expect(
      filterAndSort(rows, { drift: 'behind', cluster: 'ocp-418' }).map(
        r => r.id,
      ),
    ).toEqual(['ocp-418/edge', 'ocp-418/worker']);
    expect(filterAndSort(rows, { cluster: 'ocp-417' }).map(r => r.id)).toEqual([
      'ocp-417/worker',
    ]);
    expect(
      filterAndSort(rows, { drift: 'in-sync', sort: 'name' }).map(r => r.id),
    ).toEqual(['ocp-418/infra', 'ocp-418/master']);
  });
});

describe('LayeringFleetPage', () => {
  it('lists every pool, most behind first, and flags the unreachable cluster', async () => {
    await renderPage();
    expect(rowNames()).toEqual([
      'ocp-418/edge',
      'ocp-418/worker',
      'ocp-418/infra',
      'ocp-418/master',
      'ocp-417/worker',
      'ocp-418/gpu',
    ]);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Cluster ocp-417 is unreachable',
    );
    const row = screen
      .getAllByRole('row')
      .find(r => r.textContent?.startsWith('ocp-417')) as HTMLElement;
    expect(within(row).getByText('Cluster unreachable')).toBeInTheDocument();
    expect(within(row).queryByText('In sync')).not.toBeInTheDocument();
    expect(screen.getByText('6 of 6 pools')).toBeInTheDocument();
  });

  it('filters by drift status from the URL', async () => {
    await renderPage('?drift=behind');
    expect(rowNames()).toEqual(['ocp-418/edge', 'ocp-418/worker']);
  });

  it('links pools to their catalog entities, found by annotation', async () => {
    await renderPage('?drift=behind');
    expect(await screen.findByRole('link', { name: 'worker' })).toHaveAttribute(
      'href',
      '/catalog/platform/resource/ocp-418-worker',
    );
    expect(
      screen.queryByRole('link', { name: 'edge' }),
    ).not.toBeInTheDocument();
  });

  it('filters by cluster and sorts by name from the URL', async () => {
    await renderPage('?cluster=ocp-418&sort=name');
    expect(rowNames()).toEqual([
      'ocp-418/edge',
      'ocp-418/gpu',
      'ocp-418/infra',
      'ocp-418/master',
      'ocp-418/worker',
    ]);
  });

  it('shows unreachable pools under their own filter', async () => {
    await renderPage('?drift=unreachable');
    expect(rowNames()).toEqual(['ocp-417/worker']);
  });

  it('changes the drift filter from the select', async () => {
    await renderPage();
    await userEvent.click(screen.getByRole('button', { name: /Drift/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Unknown' }),
    );
    expect(
      await screen.findByText('1 of 6 pools · Unknown'),
    ).toBeInTheDocument();
    expect(rowNames()).toEqual(['ocp-418/gpu']);
  });
});
