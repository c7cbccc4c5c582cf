import type { PoolDetail } from '@rhcos-layering/plugin-layering-common';
import {
  buildingPool,
  clusterWith,
  degradedPool,
  failedBuildPool,
  inSyncPool,
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
  rollingWorker,
  onImage,
  infraBuilding,
  node,
} from '../../__fixtures__/previewPools';
import {
  asOperation,
  buildPreview,
  inheritingPools,
  pendingRollout,
  previewSummary,
  rebootingNodes,
} from './rules';

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
    // Not pinned, so the single-node finding is the only one.
    const worker = { ...healthyWorker, layering: { mode: 'none' as const } };
    const preview = buildPreview({
      pool: worker,
      cluster: { ...clusterWith(worker), singleNode: true },
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
