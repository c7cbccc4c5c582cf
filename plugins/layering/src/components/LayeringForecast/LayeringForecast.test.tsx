import { act, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  forecastPool,
  type ForecastPoolInput,
  type LayeringClusterUpdates,
  type LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { LayeringClusterForecast } from './LayeringClusterForecast';
import { LayeringPoolForecast } from './LayeringPoolForecast';
import { LayeringFleetForecast } from './LayeringFleetForecast';

const payload = (n: string) => `quay.io/openshift-release-dev/ocp-release@sha256:${n.repeat(64)}`;

const updates: LayeringClusterUpdates = {
  cluster: 'ocp-418',
  current: '4.18.21',
  updates: [
    {
      version: '4.19.9',
      image: payload('d'),
      conditional: true,
      risks: [{ name: 'PinnedPoolsBehindMinor', message: 'Pinned pools fall behind.', url: 'https://example.com/risk' }],
      conditions: [{ type: 'Recommended', status: 'False', reason: 'PinnedPoolsBehindMinor', message: 'x' }],
    },
    { version: '4.18.24', image: payload('f'), conditional: false },
  ],
};

const pool = (overrides: Partial<ForecastPoolInput>): ForecastPoolInput => ({
  name: 'master',
  paused: false,
  machineCount: 3,
  layering: { mode: 'none' },
  image: { target: null, baseRhcosVersion: '418.94.202507221249-0' },
  nodeRhcosVersions: [{ rhcosVersion: '418.94.202507221249-0', count: 3 }],
  ...overrides,
});

/** A forecast computed by the real rules of layering-common for the sample's three pools. */
function forecastFor(to: string): LayeringForecastResponse {
  const minor = to.startsWith('4.19');
  const context = {
    target: {
      version: to,
      rhcosVersion: minor ? '419.96.202508150000-0' : '418.94.202508201022-0',
      rhcosImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}`,
    },
    history: [
      { version: '4.18.21', rhcosVersion: '418.94.202507221249-0', state: 'Completed' },
      { version: '4.18.17', rhcosVersion: '418.94.202506121335-0', state: 'Completed' },
    ],
    stale: false,
    buildDurationsMs: [14 * 60_000],
  };
  return {
    cluster: 'ocp-418',
    from: '4.18.21',
    to,
    image: minor ? payload('d') : payload('f'),
    rhcosVersion: context.target.rhcosVersion,
    conditional: minor,
    ...(minor ? { risks: updates.updates[0].risks, conditions: updates.updates[0].conditions } : {}),
    pools: [
      forecastPool(pool({ name: 'infra', machineCount: 2, layering: { mode: 'on-cluster', source: 'infra' } }), context),
      forecastPool(pool({}), context),
      forecastPool(
        pool({
          name: 'worker',
          machineCount: 2,
          layering: { mode: 'out-of-cluster', source: 'os-layer-custom' },
          image: { target: `registry.example.com/os@sha256:${'b'.repeat(64)}`, baseRhcosVersion: '418.94.202506121335-0' },
        }),
        context,
      ),
    ],
  };
}

function mockApi() {
  return {
    getUpdates: jest.fn(async () => updates),
    getForecast: jest.fn(async (_cluster: string, to: string) => forecastFor(to)),
  };
}

describe('LayeringClusterForecast', () => {
  it('forecasts the newest recommended update first, in one sentence', async () => {
    const api = mockApi();
    await renderInTestApp(<LayeringClusterForecast cluster="ocp-418" />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    expect(
      await screen.findByText(
        'If you update to 4.18.24: 1 pool follows (3 reboots), 1 rebuilds (about 14 min, 2 reboots), 1 stays pinned and will be 2 releases behind.',
      ),
    ).toBeInTheDocument();
    expect(api.getForecast).toHaveBeenCalledWith('ocp-418', '4.18.24');
    expect(screen.queryByText(/conditional update/)).not.toBeInTheDocument();
  });

  it('shows the risks of a conditional update chosen in the select', async () => {
    const api = mockApi();
    await renderInTestApp(<LayeringClusterForecast cluster="ocp-418" />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    await screen.findByText(/If you update to 4.18.24/);
    await userEvent.click(screen.getByRole('button', { name: /Update to/ }));
    await userEvent.click(await screen.findByRole('option', { name: '4.19.9 (conditional)' }));
    expect(await screen.findByText(/If you update to 4.19.9: .*1 stays pinned and will be 1 minor behind/)).toBeInTheDocument();
    expect(screen.getByText('4.19.9 is a conditional update: one known risk applies')).toBeInTheDocument();
    expect(screen.getByText('PinnedPoolsBehindMinor')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'More about this risk' })).toHaveAttribute('href', 'https://example.com/risk');
    expect(api.getForecast).toHaveBeenLastCalledWith('ocp-418', '4.19.9');
  });

  it('says when no update is offered', async () => {
    const api = { ...mockApi(), getUpdates: jest.fn(async () => ({ ...updates, updates: [] })) };
    await renderInTestApp(<LayeringClusterForecast cluster="ocp-418" />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    expect(await screen.findByText(/No update is offered to this cluster/)).toBeInTheDocument();
    expect(api.getForecast).not.toHaveBeenCalled();
  });

  it('says when the forecast cannot be loaded', async () => {
    const api = { ...mockApi(), getUpdates: jest.fn(async () => { throw new Error('backend down'); }) };
    await renderInTestApp(<LayeringClusterForecast cluster="ocp-418" />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    expect(await screen.findByText('Upgrade forecast unavailable: backend down')).toBeInTheDocument();
  });
});

describe('the forecast on a live card', () => {
  it('asks for the offered updates again once the cluster completed an update', async () => {
    // The ClusterVersion after the update: the release it now runs is no longer offered.
    const after: LayeringClusterUpdates = { ...updates, current: '4.18.24', updates: [updates.updates[0]] };
    const api = {
      ...mockApi(),
      getUpdates: jest.fn().mockResolvedValueOnce(updates).mockResolvedValue(after),
    };
    /** A card whose live data moves to the next release, as a signal would make it. */
    function LiveCard() {
      const [release, setRelease] = useState('4.18.21');
      return (
        <>
          <button onClick={() => setRelease('4.18.24')}>updated</button>
          <LayeringPoolForecast cluster="ocp-418" pool="worker" releaseVersion={release} />
        </>
      );
    }
    await renderInTestApp(<LiveCard />, { apis: [[layeringApiRef, api as unknown as LayeringApi]] });
    expect(await screen.findByText(/If you update to 4\.18\.24/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'updated' }));
    expect(await screen.findByText(/If you update to 4\.19\.9/)).toBeInTheDocument();
    expect(api.getUpdates).toHaveBeenCalledTimes(2);
    expect(screen.queryByText(/If you update to 4\.18\.24/)).not.toBeInTheDocument();
  });
});

describe('LayeringPoolForecast', () => {
  it("describes the pool's own outcome", async () => {
    const api = mockApi();
    await renderInTestApp(<LayeringPoolForecast cluster="ocp-418" pool="infra" />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    expect(
      await screen.findByText('If you update to 4.18.24, this pool rebuilds (about 14 min, 2 reboots).'),
    ).toBeInTheDocument();
  });
});

describe('LayeringPoolForecast without updates', () => {
  it('shows nothing when the cluster is offered no update', async () => {
    const api = { ...mockApi(), getUpdates: jest.fn(async () => ({ ...updates, updates: [] })) };
    await renderInTestApp(
      <>
        <span>card</span>
        <LayeringPoolForecast cluster="ocp-418" pool="infra" />
      </>,
      { apis: [[layeringApiRef, api as unknown as LayeringApi]] },
    );
    await screen.findByText('card');
    // Let the offered updates arrive, so the assertion below is about the answer, not the loading.
    await waitFor(() => expect(api.getUpdates).toHaveBeenCalled());
    await act(async () => {
      await api.getUpdates.mock.results[0].value;
    });
    expect(screen.queryByText(/No update is offered/)).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Upgrade forecast' })).not.toBeInTheDocument();
  });
});

describe('LayeringFleetForecast', () => {
  it('shows a target per cluster and the outcome of every pool', async () => {
    const api = mockApi();
    await renderInTestApp(<LayeringFleetForecast clusters={['ocp-418']} />, {
      apis: [[layeringApiRef, api as unknown as LayeringApi]],
    });
    const card = await screen.findByLabelText('Forecast of ocp-418');
    const rows = await within(card).findAllByRole('row');
    const text = rows.slice(1).map(r => r.textContent ?? '');
    expect(text[0]).toMatch(/^infra.*Rebuilds.*in sync.*2.*1about 14 min$/);
    expect(text[1]).toMatch(/^master.*Follows.*in sync.*3.*0$/);
    expect(text[2]).toMatch(/^worker.*Stays pinned.*2 releases behind.*0.*0$/);
    expect(within(card).getByRole('button', { name: /Update ocp-418 to/ })).toBeInTheDocument();
  });
});

describe('the fleet page tab', () => {
  it('is one of the fleet views', async () => {
    const { FLEET_VIEWS } = await import('../LayeringFleetPage/fleetViews');
    const view = FLEET_VIEWS.find(v => v.id === 'forecast');
    expect(view?.label).toBe('Upgrade forecast');
    const api = mockApi();
    await renderInTestApp(
      <>{view!.render({ clusters: [{ name: 'ocp-418' } as never] })}</>,
      { apis: [[layeringApiRef, api as unknown as LayeringApi]] },
    );
    expect(await screen.findByLabelText('Forecast of ocp-418')).toBeInTheDocument();
    expect(api.getUpdates).toHaveBeenCalledWith('ocp-418');
  });
});
