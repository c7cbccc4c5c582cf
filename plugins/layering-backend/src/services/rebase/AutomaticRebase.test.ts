import { mockServices } from '@backstage/backend-test-utils';
import type {
  ClusterView,
  LayeringRequestRecord,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { AutomaticRebase, type RebaseTaskStarter } from './AutomaticRebase';
import type { ClusterRelease } from '../fleetTypes';

const behind = {
  status: 'behind' as const,
  minorVersionsBehind: 0,
  releasesBehind: 2,
  ageDays: 40,
  matchedRelease: '4.18.17',
  reason: 'Built from the RHCOS of 4.18.17.',
};
const pinnedWorker = {
  cluster: 'ocp-418',
  name: 'worker',
  layering: { mode: 'out-of-cluster', source: 'os-layer-custom', image: 'x' },
  drift: { ...behind, target: behind },
} as PoolView;
const master = {
  cluster: 'ocp-418',
  name: 'master',
  layering: { mode: 'none' },
  drift: { ...behind, status: 'in-sync', matchedRelease: '4.18.24' },
} as PoolView;
/** A custom pool that inherits worker's pin: worker's request covers it. */
const edgeInheriting = { ...pinnedWorker, name: 'edge' } as PoolView;
const BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`;
const REBUILT = `registry.example.com/os/worker@sha256:${'b'.repeat(64)}`;

function release(state = 'Completed'): ClusterRelease {
  return {
    cluster: 'ocp-418',
    status: 'ok',
    stale: false,
    version: '4.18.24',
    baseImage: BASE,
    rhcosVersion: null,
    history: [
      { version: '4.18.24', state, image: null, rhcosVersion: null },
      { version: '4.18.21', state: 'Completed', image: null, rhcosVersion: null },
    ],
  };
}

function setup(options: { release?: ClusterRelease; records?: LayeringRequestRecord[]; image?: string } = {}) {
  const records = options.records ?? [];
  const started: Array<{ templateRef: string; values: Record<string, unknown> }> = [];
  let next = 0;
  const tasks: RebaseTaskStarter = {
    start: async input => {
      started.push(input);
      next += 1;
      return { taskId: `task-${next}` };
    },
  };
  const resolved: string[] = [];
  const rebase = new AutomaticRebase({
    fleet: {
      listClusters: () => [{ name: 'ocp-418' } as ClusterView],
      listPools: () => [pinnedWorker, master, edgeInheriting],
      getRelease: () => options.release ?? release(),
    },
    requests: { list: async () => records },
    tasks,
    logger: mockServices.logger.mock(),
    settings: {
      templateRef: 'template:default/layering-rebase-image',
      image: 'registry.example.com/os/{pool}:{release}',
      values: { forge: 'github', repoUrl: 'github.com?owner=platform&repo=gitops' },
    },
    resolveImage: async reference => {
      resolved.push(reference);
      return 'image' in options ? options.image : REBUILT;
    },
  });
  return { rebase, started, records, resolved };
}

describe('AutomaticRebase', () => {
  it('runs the rebase template for each pinned pool once a newer release completed, not for pools inheriting the pin', async () => {
    const { rebase, started, resolved } = setup();
    expect(await rebase.runOnce()).toEqual([
      { cluster: 'ocp-418', pool: 'worker', release: '4.18.24', result: 'started', taskId: 'task-1' },
    ]);
    expect(resolved).toEqual(['registry.example.com/os/worker:4.18.24']);
    expect(started).toEqual([
      {
        templateRef: 'template:default/layering-rebase-image',
        values: {
          forge: 'github',
          repoUrl: 'github.com?owner=platform&repo=gitops',
          target: { cluster: 'ocp-418', pool: 'worker' },
          reason:
            "Automatic rebase. The cluster completed its update to 4.18.24; pool worker's image is still built FROM the RHCOS of 4.18.17.",
          baseImage: BASE,
          image: REBUILT,
          machineConfigName: 'os-layer-custom',
          rollout: 'build-first',
          delivery: 'pull-request',
        },
      },
    ]);
  });

  it('never starts a second while its task runs or its pull request is open', async () => {
    const { rebase, started, records } = setup();
    await rebase.runOnce();
    expect((await rebase.runOnce())[0]).toMatchObject({ result: 'task-running', taskId: 'task-1' });
    // The task recorded its pull request: the open request holds the pool now.
    records.push({ kind: 'rebase', outcome: 'opened', taskId: 'task-1' } as LayeringRequestRecord);
    expect((await rebase.runOnce())[0]).toMatchObject({ result: 'open-request' });
    // Merged: the next release may start another.
    records[0] = { ...records[0], outcome: 'merged' } as LayeringRequestRecord;
    expect((await rebase.runOnce())[0]).toMatchObject({ result: 'started', taskId: 'task-2' });
    expect(started).toHaveLength(2);
  });

  it('waits for a completed update and for the rebuilt image', async () => {
    const partial = setup({ release: release('Partial') });
    expect(await partial.rebase.runOnce()).toEqual([]);
    const noImage = setup({ image: undefined });
    expect(await noImage.rebase.runOnce()).toEqual([
      { cluster: 'ocp-418', pool: 'worker', release: '4.18.24', result: 'no-image' },
    ]);
    expect(noImage.started).toEqual([]);
  });
});
