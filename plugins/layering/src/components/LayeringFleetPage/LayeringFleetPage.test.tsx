import type { ReactNode } from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { useAppLocation, useAppNavigate } from '@backstage/frontend-plugin-api';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import type {
  LayeringFleetPageQueryParams,
  LayeringFleetPageResponse,
  LayeringTrendResponse,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  behindMinorsPool,
  behindReleasesPool,
  inSyncPool,
  okCluster,
  unreachableCluster,
  unreachablePool,
} from '../../__fixtures__/pools';
import { mountedRoutes } from '../../__fixtures__/routes';
import { LayeringFleetPage } from './LayeringFleetPage';
import { FIRST_PAGE, NEXT_PAGE } from './useFleetPages';
import { TABLE_HEIGHT, ROW_HEIGHT } from './FleetTable';

// Rendering the page with user events takes seconds on a busy machine: not Jest's 5 s default.
jest.setTimeout(30_000);

const summary: LayeringFleetPageResponse['summary'] = {
  total: 4,
  byStatus: { behind: 2, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 1 },
  byCluster: [
    {
      cluster: 'ocp-417',
      total: 1,
      byStatus: { behind: 0, 'in-sync': 0, ahead: 0, unknown: 0, unreachable: 1 },
    },
    {
      cluster: 'ocp-418',
      total: 3,
      byStatus: { behind: 2, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 },
    },
  ],
};

const trend: LayeringTrendResponse = {
  since: new Date(Date.now() - 30 * 86_400_000).toISOString(),
  samples: [
    {
      cluster: 'ocp-418',
      at: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      counts: { behind: 0, 'in-sync': 3, ahead: 0, unknown: 0, unreachable: 0 },
    },
    {
      cluster: 'ocp-418',
      at: new Date(Date.now() - 86_400_000).toISOString(),
      counts: { behind: 2, 'in-sync': 1, ahead: 0, unknown: 0, unreachable: 0 },
    },
  ],
};

/** What the backend answers for the given pools: one page, as the route would cut it. */
function api(answer: (query: LayeringFleetPageQueryParams) => LayeringFleetPageResponse) {
  return {
    getClusters: jest.fn(async () => [okCluster, unreachableCluster]),
    getFleetPage: jest.fn(async (query: LayeringFleetPageQueryParams) => answer(query)),
    getTrend: jest.fn(async () => trend),
  };
}

const fourPools = () => ({
  items: [behindMinorsPool, behindReleasesPool, inSyncPool, unreachablePool],
  nextCursor: null,
  total: 4,
  summary,
});

/** A fleet of `total` pools; pages are cut from it by cursor = index of the next pool. */
function bigFleet(total: number) {
  const pools: PoolView[] = Array.from({ length: total }, (_, i) => ({
    ...inSyncPool,
    cluster: `c${String(Math.floor(i / 500)).padStart(2, '0')}`,
    name: `pool-${String(i).padStart(5, '0')}`,
  }));
  return (query: LayeringFleetPageQueryParams): LayeringFleetPageResponse => {
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(start + (query.limit ?? 100), total);
    return {
      items: pools.slice(start, end),
      nextCursor: end < total ? String(end) : null,
      total,
      summary: { ...summary, total },
    };
  };
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
  spec: { type: 'openshift-machine-config-pool', owner: 'group:default/platform' },
};

/** Renders the page (after `beside`, a test's own probe or control, if given) and waits for its grid. */
async function renderPage(layeringApi: ReturnType<typeof api>, search = '', beside?: ReactNode) {
  await renderInTestApp(
    <>
      {beside}
      <LayeringFleetPage />
    </>,
    {
      apis: [
        [layeringApiRef, layeringApi as unknown as LayeringApi],
        catalogApiMock({ entities: [workerEntity] }),
      ],
      mountedRoutes,
      initialRouteEntries: [`/layering${search}`],
      mountPath: '/layering',
    },
  );
  // With more than one fleet view the pools come inside a tab panel, which mounts later.
  return await screen.findByRole('grid', { name: 'Pools of the fleet' }, { timeout: 10_000 });
}

/** `<cluster>/<pool>` of the rows in the DOM. */
function rowNames(grid: HTMLElement): string[] {
  return within(grid)
    .getAllByRole('row')
    .slice(1)
    .map(row => {
      const cells = row.querySelectorAll('[role="gridcell"], [role="rowheader"]');
      return `${cells[0].textContent?.replace(/4\.\d+\.\d+$/, '')}/${cells[1].textContent}`;
    });
}

describe('LayeringFleetPage', () => {
  it('shows the page the server sorted, the summary, the trend and the unreachable cluster', async () => {
    const layeringApi = api(fourPools);
    const grid = await renderPage(layeringApi);
    expect(layeringApi.getFleetPage).toHaveBeenCalledWith(
      { sort: 'behind', limit: FIRST_PAGE },
      expect.anything(),
    );
    expect(rowNames(grid)).toEqual([
      'ocp-418/edge',
      'ocp-418/worker',
      'ocp-418/master',
      'ocp-417/worker',
    ]);
    expect(screen.getByRole('alert')).toHaveTextContent('Cluster ocp-417 is unreachable');
    const row = within(grid)
      .getAllByRole('row')
      .find(r => r.textContent?.startsWith('ocp-417')) as HTMLElement;
    expect(within(row).getByText('Cluster unreachable')).toBeInTheDocument();
    expect(screen.getByText('4 of 4 pools')).toBeInTheDocument();
    const region = screen.getByRole('region', { name: 'Fleet summary' });
    expect(within(region).getByRole('button', { name: 'Behind: 2' })).toBeInTheDocument();
    expect(
      within(region).getByRole('button', { name: 'ocp-418: 2 behind, 0 unknown of 3' }),
    ).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'Pools per drift status over time' })).toBeInTheDocument();
    expect(screen.getByText('Behind: 0 → 2')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'worker' })).toHaveAttribute(
      'href',
      '/catalog/platform/resource/ocp-418-worker',
    );
  });

  it('sends the filters of the URL to the server', async () => {
    const layeringApi = api(fourPools);
    await renderPage(layeringApi, '?drift=unreachable&cluster=ocp-417&mode=on-cluster&q=work&sort=name&colour=red');
    expect(layeringApi.getFleetPage).toHaveBeenCalledWith(
      {
        drift: 'unreachable',
        cluster: 'ocp-417',
        mode: 'on-cluster',
        q: 'work',
        sort: 'name',
        limit: FIRST_PAGE,
      },
      expect.anything(),
    );
    expect(layeringApi.getTrend).toHaveBeenCalledWith({ cluster: 'ocp-417', days: 30 });
  });

  it('filters from a summary button and from the drift select', async () => {
    const layeringApi = api(fourPools);
    await renderPage(layeringApi);
    await userEvent.click(screen.getByRole('button', { name: 'Behind: 2' }));
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenLastCalledWith(
        { drift: 'behind', sort: 'behind', limit: FIRST_PAGE },
        expect.anything(),
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: /Drift$/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Unknown' }));
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenLastCalledWith(
        { drift: 'unknown', sort: 'behind', limit: FIRST_PAGE },
        expect.anything(),
      ),
    );
  });

  it('asks for a filter from the click, keeps the rows shown until the answer, then writes the URL', async () => {
    let answerBehind: (() => void) | undefined;
    const layeringApi = api(fourPools);
    layeringApi.getFleetPage.mockImplementation(async (query: LayeringFleetPageQueryParams) => {
      if (query.drift !== 'behind') return fourPools();
      await new Promise<void>(resolve => {
        answerBehind = resolve;
      });
      return { ...fourPools(), items: [behindMinorsPool, behindReleasesPool], total: 2 };
    });
    function Url() {
      return <output aria-label="URL">{useAppLocation().search}</output>;
    }
    const grid = await renderPage(layeringApi, '', <Url />);
    await userEvent.click(screen.getByRole('button', { name: 'Behind: 2' }));
    await waitFor(() => expect(answerBehind).toBeDefined());

    // Asked once: the effect took the request the click sent, it did not send another.
    const behindCalls = () =>
      layeringApi.getFleetPage.mock.calls.filter(([q]) => q.drift === 'behind');
    expect(behindCalls()).toEqual([
      [{ drift: 'behind', sort: 'behind', limit: FIRST_PAGE }, expect.anything()],
    ]);
    // Until the answer: the previous rows stay (busy), the URL is unchanged.
    await waitFor(() => expect(grid.closest('[aria-busy]')).toHaveAttribute('aria-busy', 'true'));
    expect(rowNames(grid)).toHaveLength(4);
    expect(screen.getByText('4 of 4 pools')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'URL' })).toHaveTextContent(/^$/);

    await act(async () => answerBehind!());
    expect(await screen.findByText('2 of 4 pools · Behind')).toBeInTheDocument();
    expect(rowNames(grid)).toEqual(['ocp-418/edge', 'ocp-418/worker']);
    expect(grid.closest('[aria-busy]')).toHaveAttribute('aria-busy', 'false');
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'URL' })).toHaveTextContent('?drift=behind'),
    );
    expect(behindCalls()).toHaveLength(1);
  });

  it('asks the server once typing pauses, not on every key', async () => {
    const layeringApi = api(fourPools);
    await renderPage(layeringApi);
    const calls = layeringApi.getFleetPage.mock.calls.length;
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'wor' } });
    // The debounce timer cannot have run yet: nothing was asked.
    expect(layeringApi.getFleetPage.mock.calls.length).toBe(calls);
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenLastCalledWith(
        { q: 'wor', sort: 'behind', limit: FIRST_PAGE },
        expect.anything(),
      ),
    );
  });

  it('keeps a bounded number of rows in the DOM for 10,000 pools and loads more as the user scrolls', async () => {
    const layeringApi = api(bigFleet(10_000));
    const grid = await renderPage(layeringApi);
    expect(screen.getByText('10,000 of 10,000 pools')).toBeInTheDocument();
    const bound = Math.ceil(TABLE_HEIGHT / ROW_HEIGHT) + 2 * 6 + 1;
    const rendered = within(grid).getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThanOrEqual(bound);
    expect(grid).toHaveAttribute('aria-rowcount', '10001');
    expect(layeringApi.getFleetPage).toHaveBeenCalledTimes(1);

    // Scroll to the last loaded rows: the next page is asked for with the cursor.
    const viewport = screen.getByTestId('fleet-viewport');
    await act(async () => {
      viewport.scrollTop = (FIRST_PAGE - 5) * ROW_HEIGHT;
      fireEvent.scroll(viewport);
    });
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenCalledWith({
        sort: 'behind',
        limit: NEXT_PAGE,
        cursor: String(FIRST_PAGE),
      }),
    );
    // The first pool of the second page.
    const next = `c00/pool-${String(FIRST_PAGE).padStart(5, '0')}`;
    await waitFor(() => expect(rowNames(grid)).toContain(next));
    const after = within(grid).getAllByRole('row').length - 1;
    expect(after).toBeLessThanOrEqual(bound);
    expect(rowNames(grid)).not.toContain('c00/pool-00000');
  });

  it('follows a URL changed from outside the page (a link, back or forward)', async () => {
    const layeringApi = api(fourPools);
    function Elsewhere() {
      const navigate = useAppNavigate();
      return (
        <button type="button" onClick={() => navigate('/layering?drift=unknown&sort=name')}>
          Elsewhere
        </button>
      );
    }
    await renderPage(layeringApi, '', <Elsewhere />);
    await userEvent.click(screen.getByRole('button', { name: 'Behind: 2' }));
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenLastCalledWith(
        { drift: 'behind', sort: 'behind', limit: FIRST_PAGE },
        expect.anything(),
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Elsewhere' }));
    await waitFor(() =>
      expect(layeringApi.getFleetPage).toHaveBeenLastCalledWith(
        { drift: 'unknown', sort: 'name', limit: FIRST_PAGE },
        expect.anything(),
      ),
    );
  });

  it('says when no pool matches', async () => {
    const layeringApi = api(() => ({
      items: [],
      nextCursor: null,
      total: 0,
      summary,
    }));
    await renderInTestApp(<LayeringFleetPage />, {
      apis: [
        [layeringApiRef, layeringApi as unknown as LayeringApi],
        catalogApiMock({ entities: [] }),
      ],
      mountedRoutes,
      initialRouteEntries: ['/layering?drift=ahead'],
      mountPath: '/layering',
    });
    expect(await screen.findByText('No pool matches these filters.')).toBeInTheDocument();
  });
});
