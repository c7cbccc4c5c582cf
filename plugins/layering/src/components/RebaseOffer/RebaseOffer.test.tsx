import { act, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { LayeringClusterRelease } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { mountedRoutes } from '../../__fixtures__/routes';
import { behindReleasesPool, inSyncPool } from '../../__fixtures__/pools';
import { RebaseOffer } from './RebaseOffer';

function release(
  ...entries: Array<[string, string]>
): LayeringClusterRelease {
  return {
    cluster: 'ocp-418',
    status: 'ok',
    stale: false,
    version: entries[0]?.[0] ?? null,
    baseImage: null,
    rhcosVersion: null,
    history: entries.map(([version, state]) => ({
      version,
      state,
      image: null,
      rhcosVersion: null,
    })),
  };
}

async function renderOffer(
  pool = behindReleasesPool,
  answer: LayeringClusterRelease = release(['4.18.24', 'Completed'], ['4.18.21', 'Completed']),
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  cluster = 'ocp-418',
) {
  const getRelease = jest.fn(async () => answer);
  await renderInTestApp(
    <div>
      <span>card</span>
      <RebaseOffer cluster={cluster} pool={pool} />
    </div>,
    {
      apis: [
        [layeringApiRef, { getRelease } as unknown as LayeringApi],
        mockApis.permission({ authorize: result }),
      ],
      mountedRoutes,
    },
  );
  await screen.findByText('card');
  return getRelease;
}

describe('RebaseOffer', () => {
  it('offers the rebase template, pool chosen, once the cluster completed a newer release', async () => {
    await renderOffer();
    expect(
      await screen.findByText(
        "The cluster completed its update to 4.18.24; pool worker's image is still built FROM the RHCOS of 4.18.17.",
      ),
    ).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Request a rebase onto 4.18.24' });
    const href = link.getAttribute('href') ?? '';
    expect(href.startsWith('/create/templates/default/layering-rebase-image?')).toBe(true);
    expect(JSON.parse(new URLSearchParams(href.split('?')[1]).get('formData')!)).toEqual({
      target: { cluster: 'ocp-418', pool: 'worker' },
    });
  });

  it('offers nothing while the update is partial', async () => {
    const getRelease = await renderOffer(
      behindReleasesPool,
      release(['4.18.24', 'Partial'], ['4.18.21', 'Completed']),
    );
    expect(getRelease).toHaveBeenCalledWith('ocp-418');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(screen.queryByText(/completed its update/)).not.toBeInTheDocument();
  });

  it('asks nothing for a pool that is not pinned', async () => {
    const getRelease = await renderOffer(inSyncPool);
    expect(getRelease).not.toHaveBeenCalled();
  });

  it('offers nothing to those who may not request a change to the pool', async () => {
    const getRelease = await renderOffer(
      behindReleasesPool,
      undefined,
      AuthorizeResult.DENY,
      // usePermission keeps answers per pool for the page's life, across these renders too:
      // another cluster's pool, so the allowed answers of the tests above are not reused.
      'ocp-419',
    );
    await waitFor(() => expect(getRelease).toHaveBeenCalled());
    await act(() => new Promise<void>(resolve => setTimeout(resolve, 0)));
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
