import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { PoolDetail, PoolView } from '@internal/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { fieldProps } from '../../__fixtures__/fieldProps';
import {
  behindReleasesPool,
  clusterWith,
  degradedPool,
  inSyncPool,
  okCluster,
  pausedPool,
  poolDetail,
} from '../../__fixtures__/pools';
import { LayeringRequestPreview } from './LayeringRequestPreview';
import {
  buildPreview,
  inheritingPools,
  previewSummary,
  type LayeringRequestPreviewOptions,
} from './rules';

/** worker, healthy, with the three nodes of the fixture detail. */
const healthyWorker: PoolDetail = {
  ...poolDetail,
  ...behindReleasesPool,
  machineCount: 3,
};
const infraInheriting: PoolView = {
  ...pausedPool,
  selectedRoles: ['worker', 'infra'],
};
const edgeOwnRole: PoolView = {
  ...inSyncPool,
  name: 'edge',
  selectedRoles: ['edge'],
};

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

const target = { cluster: 'ocp-418', pool: 'worker' };

describe('inheritingPools', () => {
  it('keeps the custom pools whose selector includes worker', () => {
    expect(
      inheritingPools([
        healthyWorker,
        inSyncPool,
        infraInheriting,
        edgeOwnRole,
      ]),
    ).toEqual({ known: true, pools: ['infra'] });
  });

  it('lists every custom pool when the roles are unknown', () => {
    expect(
      inheritingPools([healthyWorker, inSyncPool, pausedPool, edgeOwnRole]),
    ).toEqual({ known: false, pools: ['infra', 'edge'] });
  });
});

describe('buildPreview', () => {
  it('says nothing reboots now when a paused pool rolls out now', () => {
    const preview = buildPreview({
      pool: { ...pausedPool, nodes: [], builds: [] },
      cluster: clusterWith(pausedPool),
      mode: 'out-of-cluster',
      rollout: 'now',
    });
    expect(preview.rebootsNow).toBe(false);
    expect(previewSummary(preview)).toBe(
      'No node reboots now: pool infra is paused; its 1 node reboots once it is resumed. 1 warning: Pool infra is paused: no node gets the new image until the pool is resumed.',
    );
  });

  it('refuses a second MachineOSConfig for an on-cluster pool', () => {
    const preview = buildPreview({
      pool: { ...pausedPool, nodes: [], builds: [] },
      cluster: clusterWith(pausedPool),
      mode: 'on-cluster',
      rollout: 'build-first',
    });
    expect(preview.warnings).toContainEqual({
      severity: 'error',
      message:
        'Pool infra already has MachineOSConfig infra; modify it instead (one MachineOSConfig per pool).',
    });
  });

  it('accepts the existing MachineOSConfig when the template modifies it', () => {
    const preview = buildPreview({
      pool: { ...pausedPool, nodes: [], builds: [] },
      cluster: clusterWith(pausedPool),
      mode: 'on-cluster',
      operation: 'modify',
      rollout: 'build-first',
    });
    expect(preview.checked).toBe(true);
    expect(preview.warnings.map(w => w.message)).not.toContainEqual(
      expect.stringContaining('already has MachineOSConfig'),
    );
    expect(preview.warnings.filter(w => w.severity === 'error')).toEqual([]);
  });

  it('runs no pre-flight rule without a mode', () => {
    const preview = buildPreview({
      pool: poolDetail,
      cluster: clusterWith(degradedPool),
      rollout: 'now',
    });
    expect(preview).toMatchObject({ checked: false, warnings: [] });
  });

  it('reports single-node clusters for on-cluster requests', () => {
    const preview = buildPreview({
      pool: healthyWorker,
      cluster: { ...clusterWith(healthyWorker), singleNode: true },
      mode: 'on-cluster',
      rollout: 'now',
    });
    expect(preview.warnings).toEqual([
      {
        severity: 'error',
        message:
          'Single-node cluster: on-cluster layering can only target the control plane pool (master).',
      },
    ]);
  });
});

describe('LayeringRequestPreview', () => {
  it('lists the nodes that reboot when rolling out now', async () => {
    const api = apiFor(healthyWorker, [healthyWorker, inSyncPool]);
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
