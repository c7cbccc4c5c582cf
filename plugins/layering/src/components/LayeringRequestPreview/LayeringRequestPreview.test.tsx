import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  NodeView,
  PoolDetail,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { fieldProps } from '../../__fixtures__/fieldProps';
import {
  behindMinorsPool,
  behindReleasesPool,
  buildingPool,
  clusterWith,
  degradedPool,
  failedBuildPool,
  inSyncPool,
  LAYERED_IMAGE,
  okCluster,
  pausedPool,
  poolDetail,
} from '../../__fixtures__/pools';
import { LayeringRequestPreview } from './LayeringRequestPreview';
import {
  asOperation,
  buildPreview,
  inheritingPools,
  pendingRollout,
  previewSummary,
  rebootingNodes,
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
/** A custom pool with an osImageURL MachineConfig of its own role. */
const edgeOwnImage: PoolView = {
  ...behindMinorsPool,
  selectedRoles: ['worker', 'edge'],
};
/** A custom pool that inherits worker and has no layering of its own. */
const dbInheriting: PoolView = {
  ...inSyncPool,
  name: 'db',
  selectedRoles: ['worker', 'db'],
};
/** infra, on-cluster layered, not paused, its last build done. */
const infraLayered: PoolDetail = {
  ...buildingPool,
  build: { name: 'infra-35bd0e5f1a2c4b6d8e9f0a1b2c3d4e5f', state: 'Succeeded' },
  selectedRoles: ['worker', 'infra'],
  nodes: [],
  builds: [],
};

/** The render worker is paused on, and the one its nodes still run. */
const NEW_WORKER_RENDER = 'rendered-worker-4b6d8f0a2c4e';
const OLD_WORKER_RENDER = 'rendered-worker-9e8d7c6b5a4f';
const NEW_INFRA_RENDER = 'rendered-infra-7c1d3e5f';
const OLD_INFRA_RENDER = 'rendered-infra-2a4c6e8f';

function node(
  name: string,
  current: string,
  desired: string,
  images?: { current: string | null; desired: string | null },
): NodeView {
  return {
    name,
    currentConfig: current,
    desiredConfig: desired,
    state: current === desired ? 'Done' : 'Working',
    reason: null,
    currentImage: images?.current ?? null,
    desiredImage: images?.desired ?? null,
    rhcosVersion: null,
    ready: true,
    unschedulable: false,
  };
}

/** worker, paused, out-of-cluster: one node on the new render, two waiting for it. */
const pausedWorker: PoolDetail = {
  ...behindReleasesPool,
  paused: true,
  machineCount: 3,
  readyMachineCount: 1,
  updatedMachineCount: 1,
  renderedConfig: NEW_WORKER_RENDER,
  rollout: { state: 'paused', updated: 1, total: 3 },
  nodes: [
    node('worker-0', NEW_WORKER_RENDER, NEW_WORKER_RENDER),
    node('worker-1', OLD_WORKER_RENDER, OLD_WORKER_RENDER),
    node('worker-2', OLD_WORKER_RENDER, OLD_WORKER_RENDER),
  ],
  builds: [],
};
/** The same pool once every node is on the render. */
const upToDateWorker: PoolDetail = {
  ...pausedWorker,
  updatedMachineCount: 3,
  readyMachineCount: 3,
  rollout: { state: 'idle', updated: 3, total: 3 },
  nodes: pausedWorker.nodes.map(n => ({
    ...n,
    currentConfig: NEW_WORKER_RENDER,
    desiredConfig: NEW_WORKER_RENDER,
    state: 'Done',
  })),
};
/** worker, running, mid-roll-out: worker-1 is updating, worker-2 not told yet. */
const rollingWorker: PoolDetail = {
  ...pausedWorker,
  paused: false,
  rollout: { state: 'rolling', updated: 1, total: 3 },
  nodes: [
    pausedWorker.nodes[0],
    node('worker-1', OLD_WORKER_RENDER, NEW_WORKER_RENDER),
    pausedWorker.nodes[2],
  ],
};
const onImage = { current: LAYERED_IMAGE, desired: LAYERED_IMAGE };
/** infra, on-cluster, running: a new render is being built for its two nodes. */
const infraBuilding: PoolDetail = {
  ...buildingPool,
  machineCount: 2,
  updatedMachineCount: 0,
  renderedConfig: NEW_INFRA_RENDER,
  selectedRoles: ['infra'],
  nodes: [
    node('infra-0', OLD_INFRA_RENDER, OLD_INFRA_RENDER, onImage),
    node('infra-1', OLD_INFRA_RENDER, OLD_INFRA_RENDER, onImage),
  ],
  builds: [],
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

describe('buildPreview (revert)', () => {
  it('removes the MachineOSConfig of an on-cluster pool and reboots its nodes back into the base image', () => {
    const preview = buildPreview({
      pool: infraLayered,
      cluster: clusterWith(inSyncPool, infraLayered),
      operation: 'revert',
      rollout: 'build-first',
    });
    expect(preview).toMatchObject({
      mode: 'on-cluster',
      removes: { kind: 'MachineOSConfig', name: 'infra' },
      rebootsNow: true,
      checked: true,
      warnings: [],
    });
    expect(previewSummary(preview)).toBe(
      'Reverts pool infra by removing MachineOSConfig infra; the MCO deletes its builds. 1 node of pool infra reboots back into the base image, one at a time.',
    );
  });

  it("takes the pool's own layering over the form's and says when they differ", () => {
    const preview = buildPreview({
      pool: { ...infraLayered, build: buildingPool.build },
      cluster: clusterWith(inSyncPool, infraLayered),
      mode: 'out-of-cluster',
      operation: 'revert',
    });
    expect(preview.removes).toEqual({ kind: 'MachineOSConfig', name: 'infra' });
    expect(preview.warnings.map(w => w.message)).toEqual([
      'Pool infra is layered on-cluster (MachineOSConfig infra), not out-of-cluster: choose on-cluster so the request removes the right object.',
      'Image build infra-08dc4f2a6b8c0e1d3f5a7b9c1d3e5f7a of pool infra has not finished: removing the MachineOSConfig deletes it with the other builds.',
    ]);
  });

  it('names the custom pools that revert with an out-of-cluster worker, not those with an image of their own', () => {
    const preview = buildPreview({
      pool: healthyWorker,
      cluster: clusterWith(
        healthyWorker,
        inSyncPool,
        infraInheriting,
        dbInheriting,
        edgeOwnImage,
      ),
      mode: 'out-of-cluster',
      operation: 'revert',
    });
    expect(preview.removes).toEqual({
      kind: 'MachineConfig',
      name: 'os-layer-custom',
    });
    expect(preview.inheriting).toEqual({
      known: true,
      pools: ['infra', 'db'],
    });
    expect(previewSummary(preview)).toBe(
      [
        'Reverts pool worker by removing MachineConfig os-layer-custom, which sets its osImageURL.',
        '3 nodes of pool worker reboot back into the base image, one at a time.',
        'Custom pools that inherit this worker MachineConfig revert too and reboot: infra, db.',
        '3 warnings:',
        'Custom pool db inherits worker MachineConfigs and goes back to the base image too.',
        "Custom pool infra builds its on-cluster image FROM the worker osImageURL: the MCO rebuilds it FROM the release's default RHCOS, and the nodes reboot into the new build.",
        "Custom pool edge keeps its own image (MachineConfig os-layer-edge), which wins over worker's.",
      ].join(' '),
    );
  });

  it('defers the reboots of a paused pool', () => {
    const preview = buildPreview({
      pool: { ...pausedPool, nodes: [], builds: [] },
      cluster: clusterWith(pausedPool),
      operation: 'revert',
      rollout: 'now',
    });
    expect(preview).toMatchObject({
      rebootsNow: false,
      deferredBecause: 'paused',
    });
    expect(previewSummary(preview)).toBe(
      'Reverts pool infra by removing MachineOSConfig infra; the MCO deletes its builds. No node reboots now: pool infra is paused; its 1 node reboots back into the base image once it is resumed. 1 warning: Pool infra is paused: no node goes back to the base image until the pool is resumed.',
    );
  });

  it('changes nothing on a pool without a layered image', () => {
    const preview = buildPreview({
      pool: { ...inSyncPool, nodes: [], builds: [] },
      cluster: clusterWith(inSyncPool),
      operation: 'revert',
    });
    expect(preview).toMatchObject({
      unchanged: true,
      rebootsNow: false,
      removes: undefined,
      checked: true,
    });
    expect(previewSummary(preview)).toBe(
      'No node of pool master reboots. 1 warning: Pool master has no layered image: there is nothing to revert, and no node reboots.',
    );
  });
});

describe('buildPreview (pause and resume)', () => {
  it('reads the operation from a form field', () => {
    expect(asOperation('pause')).toBe('pause');
    expect(asOperation('resume')).toBe('resume');
    expect(asOperation('suspend')).toBeUndefined();
    expect(asOperation(undefined)).toBeUndefined();
  });

  it('finds the nodes behind the target, and those already updating', () => {
    expect(pendingRollout(rollingWorker)).toEqual({
      targetConfig: NEW_WORKER_RENDER,
      imageToo: false,
      behind: ['worker-1', 'worker-2'],
      updating: ['worker-1'],
      behindCount: 2,
      build: undefined,
    });
    // On-cluster the image counts too: a node on the render but not on the published image is behind.
    const infra: PoolDetail = {
      ...pausedPool,
      machineCount: 2,
      nodes: [
        node('infra-0', NEW_INFRA_RENDER, NEW_INFRA_RENDER, onImage),
        node('infra-1', NEW_INFRA_RENDER, NEW_INFRA_RENDER, {
          current: null,
          desired: null,
        }),
      ],
      builds: [],
    };
    expect(pendingRollout(infra)).toMatchObject({
      imageToo: true,
      behind: ['infra-1'],
      updating: [],
    });
  });

  it('reboots the nodes of a paused pool that are not on its render when resumed', () => {
    const preview = buildPreview({
      pool: pausedWorker,
      cluster: clusterWith(inSyncPool, pausedWorker),
      operation: 'resume',
      // A roll-out field does not apply to a resume.
      rollout: 'build-first',
    });
    expect(preview).toMatchObject({
      operation: 'resume',
      unchanged: false,
      rebootsNow: true,
      deferredBecause: undefined,
      checked: true,
      warnings: [],
    });
    expect(rebootingNodes(preview)).toEqual(['worker-1', 'worker-2']);
    expect(previewSummary(preview)).toBe(
      `2 nodes of pool worker reboot now into ${NEW_WORKER_RENDER}, one at a time unless the pool's maxUnavailable allows more: worker-1, worker-2.`,
    );
  });

  it('reboots nothing when a paused pool is up to date', () => {
    const preview = buildPreview({
      pool: upToDateWorker,
      cluster: clusterWith(upToDateWorker),
      operation: 'resume',
    });
    expect(preview.rebootsNow).toBe(false);
    expect(rebootingNodes(preview)).toEqual([]);
    expect(previewSummary(preview)).toBe(
      `No node reboots: every node of pool worker is already on ${NEW_WORKER_RENDER}; later changes roll out as they come.`,
    );
  });

  it('counts from the pool status when the backend lists no node', () => {
    const preview = buildPreview({
      pool: { ...pausedPool, nodes: [], builds: [] },
      cluster: clusterWith(pausedPool),
      operation: 'resume',
    });
    expect(preview.rebootsNow).toBe(true);
    expect(rebootingNodes(preview)).toEqual([]);
    expect(previewSummary(preview)).toBe(
      `1 node of pool infra reboots now into ${NEW_INFRA_RENDER} and the pool's image.`,
    );
  });

  it('waits for a running build, or for one that succeeds after a failure', () => {
    const building = buildPreview({
      pool: { ...infraBuilding, paused: true },
      cluster: clusterWith(inSyncPool, infraBuilding),
      operation: 'resume',
    });
    expect(building).toMatchObject({
      rebootsNow: false,
      deferredBecause: 'build',
    });
    expect(previewSummary(building)).toBe(
      [
        `No node reboots now: pool infra waits for image build ${
          buildingPool.build!.name
        }, still running; once it succeeds its 2 nodes reboot into the new image, one at a time unless the pool's maxUnavailable allows more.`,
        '1 warning:',
        `Image build ${
          buildingPool.build!.name
        } of pool infra has not finished: no node is updated before it succeeds, then every node of the pool reboots into its image.`,
      ].join(' '),
    );

    const failed: PoolDetail = {
      ...failedBuildPool,
      paused: true,
      machineCount: 2,
      renderedConfig: NEW_INFRA_RENDER,
      nodes: infraBuilding.nodes,
      builds: [],
    };
    const preview = buildPreview({
      pool: failed,
      cluster: clusterWith(failed),
      operation: 'resume',
    });
    expect(preview.deferredBecause).toBe('build');
    expect(previewSummary(preview)).toBe(
      [
        `No node reboots now: the newest image build ${
          failedBuildPool.build!.name
        } of pool infra failed; its 2 nodes not on ${NEW_INFRA_RENDER} and the pool's image wait for a build that succeeds.`,
        '1 warning:',
        `The newest image build ${
          failedBuildPool.build!.name
        } of pool infra failed: what waits for its image does not roll out until a build succeeds.`,
      ].join(' '),
    );
  });

  it('changes nothing when resuming a pool that is not paused, or pausing a paused one', () => {
    const resume = buildPreview({
      pool: rollingWorker,
      cluster: clusterWith(rollingWorker),
      operation: 'resume',
    });
    expect(resume).toMatchObject({
      unchanged: true,
      rebootsNow: false,
      pending: undefined,
    });
    expect(previewSummary(resume)).toBe(
      'No node of pool worker reboots. 1 warning: Pool worker is not paused: the request changes nothing.',
    );
    const pause = buildPreview({
      pool: pausedWorker,
      cluster: clusterWith(pausedWorker),
      operation: 'pause',
    });
    expect(previewSummary(pause)).toBe(
      'No node of pool worker reboots. 1 warning: Pool worker is already paused: the request changes nothing.',
    );
  });

  it('says what waits when pausing a pool, and that a node already updating finishes', () => {
    const preview = buildPreview({
      pool: rollingWorker,
      cluster: clusterWith(rollingWorker, inSyncPool),
      operation: 'pause',
    });
    expect(preview).toMatchObject({ rebootsNow: false, unchanged: false });
    expect(rebootingNodes(preview)).toEqual([]);
    expect(previewSummary(preview)).toBe(
      [
        'Pausing does not stop worker-1, already updating: it finishes and reboots. No other node of pool worker is updated or rebooted while it is paused.',
        `Waiting for the resume: 1 node not yet on ${NEW_WORKER_RENDER} (worker-2).`,
        '1 warning:',
        'While pool worker is paused the MCO still renders its configuration, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.',
      ].join(' '),
    );
  });

  it('says nothing is pending when pausing an up-to-date pool', () => {
    const preview = buildPreview({
      pool: { ...upToDateWorker, paused: false },
      cluster: clusterWith(upToDateWorker),
      operation: 'pause',
    });
    expect(previewSummary(preview)).toMatch(
      new RegExp(
        `^No node of pool worker is updated or rebooted while it is paused\\. Nothing is pending: every node of pool worker is on ${NEW_WORKER_RENDER}\\. 1 warning: While pool worker is paused`,
      ),
    );
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
