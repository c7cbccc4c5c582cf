import { act, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';
import type { Entity } from '@backstage/catalog-model';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  appliedRequest,
  openRequest,
  poolDetail,
  RELEASE_RHCOS,
} from '../../__fixtures__/pools';
import { LayeringPoolContent } from './LayeringPoolContent';

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

/** A signal API whose channels the test can publish on. */
function fakeSignals() {
  const listeners = new Map<string, Array<(m: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const list = listeners.get(channel) ?? [];
      list.push(onMessage as (m: JsonObject) => void);
      listeners.set(channel, list);
      return {
        unsubscribe: () =>
          listeners.set(
            channel,
            (listeners.get(channel) ?? []).filter(l => l !== onMessage),
          ),
      };
    },
  };
  return {
    api,
    publish: (channel: string, message: JsonObject) =>
      (listeners.get(channel) ?? []).forEach(l => l(message)),
  };
}

describe('LayeringPoolContent', () => {
  it('shows nodes, builds, conditions, requests and the RHCOS chart', async () => {
    const api = {
      getPool: jest.fn(async () => poolDetail),
      getRequests: jest.fn(async () => [appliedRequest, openRequest]),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <LayeringPoolContent />
      </EntityProvider>,
      { apis: [[layeringApiRef, api], catalogApiMock()] },
    );

    const degradedRow = (await screen.findByText('worker-2')).closest(
      '[role="row"]',
    ) as HTMLElement;
    expect(within(degradedRow).getByText('Degraded')).toBeInTheDocument();
    expect(
      within(degradedRow).getByText('failed to pull image: unauthorized'),
    ).toBeInTheDocument();
    const cordoned = screen
      .getByText('worker-1')
      .closest('[role="row"]') as HTMLElement;
    expect(within(cordoned).getByText('Cordoned')).toBeInTheDocument();
    expect(within(cordoned).getByText('Not ready')).toBeInTheDocument();

    const failedBuild = screen
      .getByText('worker-08dc4f2a6b8c0e1d3f5a7b9c1d3e5f7a')
      .closest('[role="row"]') as HTMLElement;
    expect(within(failedBuild).getByText('Failed')).toBeInTheDocument();
    expect(within(failedBuild).getByText('7m 30s')).toBeInTheDocument();

    expect(screen.getByText('NodeDegraded')).toBeInTheDocument();
    // The request shows in the requests table and heads its timeline.
    expect(screen.getAllByText('Add the custom worker image')).toHaveLength(2);

    const chart = screen.getByRole('list', { name: 'RHCOS build per node' });
    expect(
      within(chart).getByRole('listitem', {
        name: `${RELEASE_RHCOS}: 1 of 3 nodes`,
      }),
    ).toBeInTheDocument();
    expect(
      within(chart).getByRole('listitem', {
        name: '418.94.202506121335-0: 2 of 3 nodes',
      }),
    ).toBeInTheDocument();
  });

  it('refetches when the backend signals a change of the pool', async () => {
    const signals = fakeSignals();
    let signalled = false;
    const updated = {
      ...poolDetail,
      nodes: poolDetail.nodes.map(n => ({
        ...n,
        state: 'Done',
        reason: null,
      })),
      degradedMachineCount: 0,
      rollout: { state: 'idle', updated: 3, total: 3 },
      updatedMachineCount: 3,
    };
    // The backend answers the new state only once the change was signalled.
    const getPool = jest.fn(async () => (signalled ? updated : poolDetail));
    const api = {
      getPool,
      getRequests: jest.fn(async () => []),
    } as unknown as LayeringApi;
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <LayeringPoolContent />
      </EntityProvider>,
      {
        apis: [
          [layeringApiRef, api],
          [signalApiRef, signals.api],
          catalogApiMock(),
        ],
      },
    );
    expect(
      await screen.findByText('1 of 3 machines updated'),
    ).toBeInTheDocument();
    // The one catch-up load after subscribing comes first, so the next load is the signal's.
    await waitFor(() => expect(getPool).toHaveBeenCalledTimes(2));

    signalled = true;
    act(() =>
      signals.publish('layering:pool:ocp-418/worker', { type: 'pool' }),
    );

    expect(
      await screen.findByText('3 of 3 machines updated'),
    ).toBeInTheDocument();
    expect(getPool).toHaveBeenCalledTimes(3);
    expect(
      screen.queryByText('failed to pull image: unauthorized'),
    ).not.toBeInTheDocument();
  });
});
