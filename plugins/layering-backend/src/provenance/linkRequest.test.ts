import type {
  BuildView,
  LayeringRequestRecord,
  NodeView,
  PoolDetail,
} from '@rhcos-layering/plugin-layering-common';
import { isSettled, linkRequest, type LinkInput } from './linkRequest';
import type { ProvenanceObject } from './poolProvenance';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `registry.example.com/os/worker@sha256:${'cd'.repeat(32)}`;
const OLD_IMAGE = `registry.example.com/os/worker@sha256:${'ef'.repeat(32)}`;
const NOW = new Date('2026-12-05T10:30:00Z');

function record(
  overrides: Partial<LayeringRequestRecord> = {},
): LayeringRequestRecord {
  return {
    id: '2f1d7c1e-9a55-4c1e-8b7e-0d0f3d3b9a10',
    cluster: 'ocp-418',
    pool: 'worker',
    kind: 'on-cluster-layer',
    delivery: 'pull-request',
    pullRequestUrl: 'https://github.com/acme/fleet/pull/7',
    taskId: 'task-7',
    requestedBy: 'user:default/jdoe',
    createdAt: '2026-12-05T09:00:00Z',
    outcome: 'merged',
    events: [],
    ...overrides,
  };
}

function mosc(
  overrides: Partial<ProvenanceObject['provenance']> = {},
  currentBuild: string | null = 'worker-new',
): ProvenanceObject {
  return {
    kind: 'MachineOSConfig',
    name: 'worker',
    currentBuild,
    provenance: {
      requestId: '2f1d7c1e-9a55-4c1e-8b7e-0d0f3d3b9a10',
      taskId: 'task-7',
      digest: DIGEST,
      digestMatches: true,
      changedAt: '2026-12-05T10:00:00Z',
      manager: 'argocd-controller',
      ...overrides,
    },
  };
}

function node(
  name: string,
  currentImage: string | null,
  config = 'rendered-worker-1',
): NodeView {
  return {
    name,
    currentConfig: config,
    desiredConfig: config,
    state: 'Done',
    reason: null,
    currentImage,
    desiredImage: currentImage,
    rhcosVersion: null,
    ready: true,
    unschedulable: false,
  };
}

const OLD_BUILD: BuildView = {
  name: 'worker-old',
  state: 'Succeeded',
  start: '2026-12-01T10:00:00Z',
  end: '2026-12-01T10:05:00Z',
  image: OLD_IMAGE,
  renderedConfig: 'rendered-worker-1',
};

function pool(overrides: Partial<PoolDetail> = {}): PoolDetail {
  return {
    cluster: 'ocp-418',
    name: 'worker',
    paused: false,
    machineCount: 3,
    readyMachineCount: 3,
    updatedMachineCount: 3,
    degradedMachineCount: 0,
    conditions: [],
    renderedConfig: 'rendered-worker-1',
    layering: { mode: 'on-cluster', source: 'worker' },
    image: { target: null, baseRhcosVersion: null },
    release: { version: '4.18.21', rhcosVersion: null },
    drift: { status: 'in-sync' } as PoolDetail['drift'],
    rollout: { state: 'idle', updated: 3, total: 3 },
    nodeRhcosVersions: [],
    stale: false,
    nodes: [
      node('w0', OLD_IMAGE),
      node('w1', OLD_IMAGE),
      node('w2', OLD_IMAGE),
    ],
    builds: [OLD_BUILD],
    ...overrides,
  };
}

function link(overrides: Partial<LinkInput> = {}) {
  return linkRequest({
    record: record(),
    pool: pool(),
    provenance: { objects: [mosc()], targetOsImage: null },
    portalManagers: ['rhcos-layering'],
    now: NOW,
    ...overrides,
  });
}

const types = (events: ReturnType<typeof link>) =>
  events.map(e => e.event.type);

describe('linkRequest', () => {
  it('records nothing while no object of the request is on the cluster', () => {
    expect(link({ provenance: { objects: [], targetOsImage: null } })).toEqual(
      [],
    );
    // Another request's object, or this one's edited after review (digest no longer matches).
    expect(
      link({
        provenance: {
          objects: [mosc({ requestId: 'other', taskId: 'other' })],
          targetOsImage: null,
        },
      }),
    ).toEqual([]);
    expect(
      link({
        provenance: {
          objects: [mosc({ digestMatches: false })],
          targetOsImage: null,
        },
      }),
    ).toEqual([]);
  });

  it('records applied when the object with the digest appears, dated and attributed by its field manager', () => {
    const events = link();
    expect(events).toEqual([
      {
        key: `applied:${DIGEST}`,
        event: {
          type: 'applied',
          at: '2026-12-05T10:00:00Z',
          detail: `MachineOSConfig worker (${DIGEST.slice(
            0,
            19,
          )}) written by argocd-controller (GitOps)`,
        },
      },
    ]);
    const byPortal = link({
      provenance: {
        objects: [mosc({ manager: 'rhcos-layering' })],
        targetOsImage: null,
      },
    });
    expect(byPortal[0].event.detail).toMatch(/written by the portal$/);
  });

  it('matches by template run when the record has an id of its own', () => {
    expect(types(link({ record: record({ id: 'store-made-id' }) }))).toEqual([
      'applied',
    ]);
  });

  it('follows the build the change caused, with outcome and duration, not an older one', () => {
    const building = link({
      pool: pool({
        builds: [
          OLD_BUILD,
          {
            ...OLD_BUILD,
            name: 'worker-new',
            state: 'Building',
            start: '2026-12-05T10:00:05Z',
            end: null,
            image: null,
          },
        ],
      }),
    });
    expect(types(building)).toEqual(['applied', 'build-started']);
    const failed = link({
      pool: pool({
        builds: [
          OLD_BUILD,
          {
            ...OLD_BUILD,
            name: 'worker-new',
            state: 'Failed',
            start: '2026-12-05T10:00:05Z',
            end: '2026-12-05T10:04:17Z',
            image: null,
          },
        ],
      }),
    });
    expect(failed.map(e => e.event)).toContainEqual({
      type: 'build-failed',
      at: '2026-12-05T10:04:17Z',
      detail: 'MachineOSBuild worker-new failed in 4 min 12 s',
    });
    expect(isSettled(record({ events: failed.map(e => e.event) }))).toBe(true);
  });

  it('counts the rollout n of m and ends it done', () => {
    const built = {
      ...OLD_BUILD,
      name: 'worker-new',
      start: '2026-12-05T10:00:05Z',
      end: '2026-12-05T10:06:00Z',
      image: IMAGE,
    };
    const rolling = link({
      pool: pool({
        builds: [OLD_BUILD, built],
        rollout: { state: 'rolling', updated: 1, total: 3 },
        nodes: [
          node('w0', IMAGE),
          node('w1', OLD_IMAGE),
          node('w2', OLD_IMAGE),
        ],
      }),
    });
    expect(types(rolling)).toEqual([
      'applied',
      'build-started',
      'build-succeeded',
      'rollout-progress',
    ]);
    expect(rolling[3]).toEqual({
      key: `rollout-progress:${IMAGE}:1`,
      event: {
        type: 'rollout-progress',
        at: NOW.toISOString(),
        detail: '1 of 3 nodes updated',
      },
    });
    expect(rolling[2].event.detail).toBe(
      'MachineOSBuild worker-new succeeded in 5 min 55 s',
    );
    const done = link({
      pool: pool({
        builds: [OLD_BUILD, built],
        nodes: [node('w0', IMAGE), node('w1', IMAGE), node('w2', IMAGE)],
      }),
    });
    expect(done[3]).toEqual({
      key: `rollout-done:${IMAGE}`,
      event: {
        type: 'rollout-done',
        at: NOW.toISOString(),
        detail: '3 of 3 nodes updated',
      },
    });
    expect(isSettled(record({ events: done.map(e => e.event) }))).toBe(true);
  });

  it('ends the rollout degraded with the reason the pool gives', () => {
    const built = {
      ...OLD_BUILD,
      name: 'worker-new',
      start: '2026-12-05T10:00:05Z',
      end: '2026-12-05T10:06:00Z',
      image: IMAGE,
    };
    const events = link({
      pool: pool({
        builds: [built],
        rollout: { state: 'degraded', updated: 1, total: 3 },
        conditions: [
          {
            type: 'NodeDegraded',
            status: 'True',
            message: 'Node w1 is reporting: disk full',
          },
        ],
        nodes: [
          node('w0', IMAGE),
          node('w1', OLD_IMAGE),
          node('w2', OLD_IMAGE),
        ],
      }),
    });
    expect(events.at(-1)!.event).toEqual({
      type: 'rollout-degraded',
      at: NOW.toISOString(),
      detail: '1 of 3 nodes updated: Node w1 is reporting: disk full',
    });
  });

  it('keeps the first applied time across runs and does not record applied twice', () => {
    const events = link({
      record: record({
        events: [{ type: 'applied', at: '2026-12-05T09:59:00Z' }],
      }),
      provenance: {
        objects: [mosc({ changedAt: '2026-12-05T10:20:00Z' })],
        targetOsImage: null,
      },
      pool: pool({
        builds: [
          {
            ...OLD_BUILD,
            name: 'worker-new',
            state: 'Building',
            start: '2026-12-05T10:00:05Z',
            end: null,
          },
        ],
      }),
    });
    // The build after the first applied time is still the one the change caused.
    expect(types(events)).toEqual(['build-started']);
  });

  it('finds the build of a direct apply, recorded only after its write', () => {
    const events = link({
      record: record({
        delivery: 'direct',
        events: [{ type: 'applied', at: '2026-12-05T10:00:10Z' }],
      }),
      pool: pool({
        builds: [
          OLD_BUILD,
          {
            ...OLD_BUILD,
            name: 'worker-new',
            state: 'Building',
            start: '2026-12-05T10:00:05Z',
            end: null,
          },
        ],
      }),
    });
    expect(types(events)).toEqual(['build-started']);
  });

  it('follows an osImageURL MachineConfig once the MCO rendered it into the pool', () => {
    const mc: ProvenanceObject = {
      ...mosc(),
      kind: 'MachineConfig',
      name: 'os-layer-worker',
      osImageURL: IMAGE,
    };
    const notRendered = link({
      provenance: { objects: [mc], targetOsImage: OLD_IMAGE },
    });
    expect(types(notRendered)).toEqual(['applied']);
    const rolling = link({
      provenance: { objects: [mc], targetOsImage: IMAGE },
      pool: pool({
        renderedConfig: 'rendered-worker-2',
        rollout: { state: 'rolling', updated: 2, total: 3 },
        nodes: [
          node('w0', null, 'rendered-worker-2'),
          node('w1', null, 'rendered-worker-2'),
          node('w2', null),
        ],
      }),
    });
    expect(rolling.map(e => e.event.detail)).toContain('2 of 3 nodes updated');
  });
});
