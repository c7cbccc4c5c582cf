import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  PoolDetail,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { fieldProps } from '../../__fixtures__/fieldProps';
import {
  buildingPool,
  clusterWith,
  inSyncPool,
  okCluster,
  pausedPool,
  poolDetail,
} from '../../__fixtures__/pools';
import {
  healthyWorker,
  infraInheriting,
  edgeOwnRole,
  edgeOwnImage,
  dbInheriting,
  infraLayered,
  NEW_WORKER_RENDER,
  NEW_INFRA_RENDER,
  pausedWorker,
  upToDateWorker,
  infraBuilding,
  target,
} from '../../__fixtures__/previewPools';
import { LayeringRequestPreview } from './LayeringRequestPreview';
import type { LayeringRequestPreviewOptions } from './rules';

function apiFor(
  detail: PoolDetail,
  pools: PoolView[],
): Pick<LayeringApi, 'getPool' | 'getCluster'> {
  return {
    getPool: jest.fn(async () => detail),
    getCluster: jest.fn(async () => clusterWith(...pools)),
  };
}

async function renderPreview(options: {
  api: Pick<LayeringApi, 'getPool' | 'getCluster'>;
  form: Record<string, unknown>;
  uiOptions?: LayeringRequestPreviewOptions;
}) {
  const onChange = jest.fn();
  await renderInTestApp(
    <LayeringRequestPreview
      {...fieldProps<string, LayeringRequestPreviewOptions>({
        title: 'Preview',
        onChange,
        uiOptions: options.uiOptions ?? { mode: 'on-cluster' },
        formContext: { formData: options.form },
      })}
    />,
    { apis: [[layeringApiRef, options.api as LayeringApi]] },
  );
  return onChange;
}

describe('LayeringRequestPreview', () => {
  it('lists the nodes that reboot when rolling out now', async () => {
    // Not pinned by an osImageURL MachineConfig, so no pre-flight finding applies.
    const worker = { ...healthyWorker, layering: { mode: 'none' as const } };
    const api = apiFor(worker, [worker, inSyncPool]);
    const onChange = await renderPreview({
      api,
      form: { target, rollout: 'now' },
    });
    expect(
      await screen.findByText(
        '3 nodes of pool worker reboot into the new image, one at a time.',
      ),
    ).toBeInTheDocument();
    const nodes = screen.getByRole('list', { name: 'Nodes that reboot' });
    expect(
      within(nodes)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['worker-0', 'worker-1', 'worker-2']);
    expect(
      screen.getByText('No pre-flight warning about the pool or the cluster.'),
    ).toBeInTheDocument();
    expect(api.getPool).toHaveBeenCalledWith('ocp-418', 'worker');
    expect(onChange).toHaveBeenLastCalledWith(
      '3 nodes of pool worker reboot into the new image, one at a time.',
    );
  });

  it('warns before anything is written that a pinned pool builds FROM its pin', async () => {
    await renderPreview({
      api: apiFor(healthyWorker, [healthyWorker, inSyncPool]),
      form: { target, rollout: 'now' },
    });
    expect(
      await screen.findByText(
        /Pool worker is pinned by MachineConfig os-layer-custom to .*the on-cluster build starts FROM that image.*1 release behind the cluster's release/,
      ),
    ).toBeInTheDocument();
  });

  it('says no node reboots now when building first', async () => {
    const onChange = await renderPreview({
      api: apiFor(healthyWorker, [healthyWorker]),
      form: { target, rollout: 'build-first' },
    });
    expect(
      await screen.findByText(
        'No node reboots now: pool worker is paused first; its 3 nodes reboot once it is resumed.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Nodes that reboot' }),
    ).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringMatching(/^No node reboots now/),
    );
  });

  it('names the custom pools that inherit an out-of-cluster worker change', async () => {
    const onChange = await renderPreview({
      api: apiFor(healthyWorker, [
        healthyWorker,
        inSyncPool,
        infraInheriting,
        edgeOwnRole,
      ]),
      form: { pool: target, when: 'now' },
      uiOptions: {
        mode: 'out-of-cluster',
        poolField: 'pool',
        rolloutField: 'when',
      },
    });
    expect(
      await screen.findByText(
        'Custom pools that inherit this worker change and reboot too: infra.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Warning: Custom pool infra inherits worker MachineConfigs/,
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringContaining('reboot too: infra.'),
    );
  });

  it('says only that custom pools inherit when their roles are unknown', async () => {
    await renderPreview({
      api: apiFor(healthyWorker, [healthyWorker, inSyncPool, pausedPool]),
      form: { target, rollout: 'now' },
      uiOptions: { mode: 'out-of-cluster' },
    });
    expect(
      await screen.findByText(
        "Custom pools inherit worker MachineConfigs (their selector includes role worker); this cluster's custom pools: infra.",
      ),
    ).toBeInTheDocument();
  });

  it('warns about a degraded pool without blocking', async () => {
    const onChange = await renderPreview({
      api: apiFor(poolDetail, [poolDetail, inSyncPool]),
      form: { target, rollout: 'now' },
    });
    expect(
      await screen.findByText(
        /The request will be refused: Pool worker is degraded \(NodeDegraded\)/,
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringContaining('1 warning: Pool worker is degraded'),
    );
  });

  it('previews an on-cluster revert with the mode from the form', async () => {
    const onChange = await renderPreview({
      api: apiFor(infraLayered, [inSyncPool, infraLayered]),
      form: {
        target: { cluster: 'ocp-418', pool: 'infra' },
        layeredAs: 'on-cluster',
      },
      uiOptions: { operation: 'revert', modeField: 'layeredAs' },
    });
    expect(
      await screen.findByText(
        'Reverts pool infra by removing MachineOSConfig infra; the MCO deletes its builds.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '1 node of pool infra reboots back into the base image, one at a time.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/the new image/)).not.toBeInTheDocument();
    expect(
      screen.getByText('No pre-flight warning about the pool or the cluster.'),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      'Reverts pool infra by removing MachineOSConfig infra; the MCO deletes its builds. 1 node of pool infra reboots back into the base image, one at a time.',
    );
  });

  it("reads the form's choice and warns when the pool is layered the other way", async () => {
    await renderPreview({
      api: apiFor(infraLayered, [inSyncPool, infraLayered]),
      form: {
        target: { cluster: 'ocp-418', pool: 'infra' },
        layeredAs: 'out-of-cluster',
      },
      uiOptions: { operation: 'revert', modeField: 'layeredAs' },
    });
    expect(
      await screen.findByText(
        'Warning: Pool infra is layered on-cluster (MachineOSConfig infra), not out-of-cluster: choose on-cluster so the request removes the right object.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Reverts pool infra by removing MachineOSConfig infra; the MCO deletes its builds.',
      ),
    ).toBeInTheDocument();
  });

  it('names the inheriting pools that revert with an out-of-cluster worker', async () => {
    const onChange = await renderPreview({
      api: apiFor(healthyWorker, [
        healthyWorker,
        inSyncPool,
        infraInheriting,
        dbInheriting,
        edgeOwnImage,
      ]),
      form: { target, layeredAs: 'out-of-cluster' },
      uiOptions: { operation: 'revert', modeField: 'layeredAs' },
    });
    expect(
      await screen.findByText(
        'Reverts pool worker by removing MachineConfig os-layer-custom, which sets its osImageURL.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Custom pools that inherit this worker MachineConfig revert too and reboot: infra, db.',
      ),
    ).toBeInTheDocument();
    const nodes = screen.getByRole('list', { name: 'Nodes that reboot' });
    expect(within(nodes).getAllByRole('listitem')).toHaveLength(3);
    expect(
      screen.getByText(
        /Warning: Custom pool edge keeps its own image \(MachineConfig os-layer-edge\)/,
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringContaining('revert too and reboot: infra, db.'),
    );
  });

  it('says a paused pool reverts once it is resumed', async () => {
    const paused: PoolDetail = { ...pausedPool, nodes: [], builds: [] };
    const onChange = await renderPreview({
      api: apiFor(paused, [inSyncPool, pausedPool]),
      form: { target: { cluster: 'ocp-418', pool: 'infra' } },
      uiOptions: { operation: 'revert', modeField: 'layeredAs' },
    });
    expect(
      await screen.findByText(
        'No node reboots now: pool infra is paused; its 1 node reboots back into the base image once it is resumed.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Warning: Pool infra is paused: no node goes back to the base image until the pool is resumed.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Nodes that reboot' }),
    ).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringMatching(
        /^Reverts pool infra by removing MachineOSConfig infra/,
      ),
    );
  });

  it('lists the nodes a resume reboots, with the operation from the form', async () => {
    const api = apiFor(pausedWorker, [inSyncPool, pausedWorker]);
    const onChange = await renderPreview({
      api,
      form: { target, operation: 'resume' },
      uiOptions: { operationField: 'operation' },
    });
    expect(
      await screen.findByText(
        `2 nodes of pool worker reboot now into ${NEW_WORKER_RENDER}, one at a time unless the pool's maxUnavailable allows more: worker-1, worker-2.`,
      ),
    ).toBeInTheDocument();
    const nodes = screen.getByRole('list', { name: 'Nodes that reboot' });
    expect(
      within(nodes)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['worker-1', 'worker-2']);
    expect(
      screen.getByText('No pre-flight warning about the pool or the cluster.'),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringMatching(/^2 nodes of pool worker reboot now/),
    );
  });

  it('says a resume of an up-to-date pool reboots nothing', async () => {
    const onChange = await renderPreview({
      api: apiFor(upToDateWorker, [upToDateWorker]),
      form: { target, operation: 'resume' },
      uiOptions: { operationField: 'operation' },
    });
    expect(
      await screen.findByText(
        `No node reboots: every node of pool worker is already on ${NEW_WORKER_RENDER}; later changes roll out as they come.`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Nodes that reboot' }),
    ).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      `No node reboots: every node of pool worker is already on ${NEW_WORKER_RENDER}; later changes roll out as they come.`,
    );
  });

  it('says a pause lets a running build finish and what waits for the resume', async () => {
    const infra = { cluster: 'ocp-418', pool: 'infra' };
    const onChange = await renderPreview({
      api: apiFor(infraBuilding, [inSyncPool, infraBuilding]),
      form: { target: infra, operation: 'pause' },
      // The form's choice wins over the template's fallback.
      uiOptions: { operationField: 'operation', operation: 'resume' },
    });
    expect(
      await screen.findByText(
        'No node of pool infra is updated or rebooted while it is paused.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `Image build ${
          buildingPool.build!.name
        } still runs while the pool is paused; its image waits for the resume. Waiting for the resume: 2 nodes not yet on ${NEW_INFRA_RENDER} and the pool's image (infra-0, infra-1).`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Warning: While pool infra is paused the MCO still renders its configuration and builds its image/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Nodes that reboot' }),
    ).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.stringContaining(
        `Image build ${
          buildingPool.build!.name
        } still runs while the pool is paused`,
      ),
    );
  });

  it('says pausing a paused pool changes nothing', async () => {
    const onChange = await renderPreview({
      api: apiFor(pausedWorker, [pausedWorker]),
      form: { target, operation: 'pause' },
      uiOptions: { operationField: 'operation' },
    });
    expect(
      await screen.findByText('No node of pool worker reboots.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Warning: Pool worker is already paused: the request changes nothing.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Waiting for the resume/),
    ).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      'No node of pool worker reboots. 1 warning: Pool worker is already paused: the request changes nothing.',
    );
  });

  it('falls back to the template operation while the form holds none', async () => {
    await renderPreview({
      api: apiFor(pausedWorker, [pausedWorker]),
      form: { target, operation: '' },
      uiOptions: { operationField: 'operation', operation: 'resume' },
    });
    expect(
      await screen.findByText(/^2 nodes of pool worker reboot now/),
    ).toBeInTheDocument();
  });

  it('waits for the form to choose the operation when the template names no fallback', async () => {
    const api = apiFor(pausedWorker, [pausedWorker]);
    const onChange = await renderPreview({
      api,
      form: { target },
      uiOptions: { operationField: 'operation' },
    });
    // Once the pool is loaded, still no preview of a layering change the template does not make.
    await waitFor(() => expect(api.getCluster).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );
    expect(
      screen.getByText('Choose what the request does to see what it will do.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('asks for a pool before loading anything', async () => {
    const api = apiFor(healthyWorker, [healthyWorker]);
    const onChange = await renderPreview({ api, form: {} });
    expect(
      screen.getByText('Choose a pool first to see what the request will do.'),
    ).toBeInTheDocument();
    expect(api.getPool).not.toHaveBeenCalled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows progress while loading', async () => {
    const api: Pick<LayeringApi, 'getPool' | 'getCluster'> = {
      getPool: jest.fn(() => new Promise<PoolDetail>(() => {})),
      getCluster: jest.fn(async () => clusterWith(healthyWorker)),
    };
    await renderPreview({ api, form: { target } });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it("shows the backend's error and keeps no summary", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'No pool worker' },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api: Pick<LayeringApi, 'getPool' | 'getCluster'> = {
      getPool: jest.fn(async () => {
        throw error;
      }),
      getCluster: jest.fn(async () => okCluster as never),
    };
    const onChange = await renderPreview({ api, form: { target } });
    expect(
      await screen.findByText('Error: Cannot read pool worker of ocp-418'),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/No pool worker/).length).toBeGreaterThan(0);
    expect(onChange).not.toHaveBeenCalled();
  });
});
