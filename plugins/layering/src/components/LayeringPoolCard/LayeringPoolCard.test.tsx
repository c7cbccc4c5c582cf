import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import type { PoolView } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { mountedRoutes } from '../../__fixtures__/routes';
import {
  behindMinorsPool,
  behindReleasesPool,
  buildingPool,
  clusterWith,
  degradedPool,
  failedBuildPool,
  inSyncPool,
  openRequest,
  pausedPool,
  unknownPool,
  unreachableCluster,
  unreachablePool,
} from '../../__fixtures__/pools';
import { LayeringPoolCard } from './LayeringPoolCard';

function poolEntity(cluster: string, pool: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `${cluster}-${pool}`,
      annotations: {
        'layering.openshift.io/cluster': cluster,
        'layering.openshift.io/pool': pool,
      },
    },
    spec: {
      type: 'openshift-machine-config-pool',
      owner: 'group:default/platform',
    },
  };
}

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'layering-rebase',
    namespace: 'default',
    title: 'Rebase a pool image',
    tags: ['layering'],
  },
  spec: { type: 'layering' },
};

function apiFor(pool: PoolView, overrides: Partial<LayeringApi> = {}) {
  return {
    getCluster: jest.fn(async () =>
      pool.cluster === unreachableCluster.name
        ? { ...unreachableCluster, pools: [pool] }
        : clusterWith(pool),
    ),
    getRequests: jest.fn(async () => []),
    ...overrides,
  } as unknown as LayeringApi;
}

async function renderCard(
  pool: PoolView,
  overrides: Partial<LayeringApi> = {},
) {
  const api = apiFor(pool, overrides);
  await renderInTestApp(
    <EntityProvider entity={poolEntity(pool.cluster, pool.name)}>
      <LayeringPoolCard />
    </EntityProvider>,
    {
      apis: [
        [layeringApiRef, api],
        catalogApiMock({ entities: [template] }),
        mockApis.discovery(),
      ],
      mountedRoutes,
    },
  );
  await screen.findByText('Image layering');
  return api;
}

describe('LayeringPoolCard', () => {
  it('shows an in-sync pool with its release and base builds', async () => {
    const api = await renderCard(inSyncPool);
    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledWith('ocp-418');
    expect(api.getRequests).toHaveBeenCalledWith('ocp-418', 'master');
    expect(screen.getByText(/4\.18\.21/)).toBeInTheDocument();
    expect(screen.getAllByText('418.94.202507221249-0')).toHaveLength(2);
    expect(screen.getByText('Not layered')).toBeInTheDocument();
    expect(screen.getByText('3 of 3 machines updated')).toBeInTheDocument();
    expect(screen.getByText('sha256:5f1c3a8e7b9d')).toBeInTheDocument();
    expect(screen.queryByText('Paused')).not.toBeInTheDocument();
  });

  it('shows a pool behind by minor versions', async () => {
    await renderCard(behindMinorsPool);
    expect(await screen.findByText('1 minor behind')).toBeInTheDocument();
    expect(screen.getByText(/built from RHCOS 4\.17/)).toBeInTheDocument();
    expect(screen.getByText('417.94.202502111105-0')).toBeInTheDocument();
  });

  it('shows a pool behind by releases, with the release it matches', async () => {
    await renderCard(behindReleasesPool);
    expect(await screen.findByText('1 release behind')).toBeInTheDocument();
    expect(screen.getByText(/\(from 4\.18\.17\)/)).toBeInTheDocument();
    expect(
      screen.getByText('Out-of-cluster layering (os-layer-custom)'),
    ).toBeInTheDocument();
  });

  it('shows an unknown drift with its reason', async () => {
    await renderCard(unknownPool);
    expect(await screen.findByText('Unknown')).toBeInTheDocument();
    expect(
      screen.getByText(/refused to serve the image labels/),
    ).toBeInTheDocument();
  });

  it('never shows a pool of an unreachable cluster as in sync', async () => {
    await renderCard(unreachablePool);
    expect(await screen.findByText('Cluster unreachable')).toBeInTheDocument();
    expect(screen.queryByText('In sync')).not.toBeInTheDocument();
    expect(screen.getByText(/ECONNREFUSED/)).toBeInTheDocument();
  });

  it('makes a paused pool obvious', async () => {
    await renderCard(pausedPool);
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    expect(screen.getByText('0 of 1 machine updated')).toBeInTheDocument();
    expect(screen.getByText('On-cluster layering (infra)')).toBeInTheDocument();
    expect(screen.getByText('Build succeeded')).toBeInTheDocument();
  });

  it('makes a degraded pool obvious', async () => {
    await renderCard(degradedPool);
    expect(await screen.findByText('1 degraded')).toBeInTheDocument();
    expect(screen.getByText('1 of 3 machines updated')).toBeInTheDocument();
  });

  it('shows a running build', async () => {
    await renderCard(buildingPool);
    expect(await screen.findByText('Build building')).toBeInTheDocument();
    expect(screen.getByText('Building image')).toBeInTheDocument();
    expect(
      screen.getByText('Build building').closest('[data-tone]'),
    ).toHaveAttribute('data-tone', 'info');
  });

  it('shows a failed build', async () => {
    await renderCard(failedBuildPool);
    const badge = await screen.findByText('Build failed');
    expect(badge.closest('[data-tone]')).toHaveAttribute('data-tone', 'danger');
  });

  it('links the open pull request', async () => {
    await renderCard(behindReleasesPool, {
      getRequests: jest.fn(async () => [openRequest]),
    });
    const link = await screen.findByRole('link', {
      name: /Rebase worker onto 4\.18\.21/,
    });
    expect(link).toHaveAttribute(
      'href',
      'https://github.com/example/cluster-config/pull/42',
    );
  });

  it('keeps the pool visible when the request history fails', async () => {
    await renderCard(inSyncPool, {
      getRequests: jest.fn(async () => {
        throw new Error('boom');
      }),
    });
    expect(await screen.findByText('In sync')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    await renderCard(inSyncPool, {
      getCluster: jest.fn(async () => {
        throw new Error('Cluster ocp-418 not found');
      }),
    });
    expect(
      (await screen.findAllByText(/Cluster ocp-418 not found/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('In sync')).not.toBeInTheDocument();
  });

  it('offers the layering templates prefilled with cluster and pool', async () => {
    await renderCard(behindReleasesPool);
    const button = await screen.findByRole('button', {
      name: 'Request a change',
    });
    button.click();
    const menu = await screen.findByRole('menu');
    const item = within(menu).getByText('Rebase a pool image').closest('a');
    const href = item?.getAttribute('href') ?? '';
    expect(href.startsWith('/create/templates/default/layering-rebase?')).toBe(
      true,
    );
    const formData = new URLSearchParams(href.split('?')[1]).get('formData');
    expect(JSON.parse(formData ?? '{}')).toEqual({
      target: { cluster: 'ocp-418', pool: 'worker' },
    });
    // The menu waits for the catalog and two permission answers: slow on a loaded machine.
  }, 30_000);
});
