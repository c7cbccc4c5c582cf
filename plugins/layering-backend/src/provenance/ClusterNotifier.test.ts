import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  LayeringRequestRecord,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { FixedFleet, testPoolView } from '../__testUtils__/FixedFleet';
import { ClusterNotifier } from './ClusterNotifier';

const poolEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'ocp-418-worker', namespace: 'default' },
  spec: { type: 'openshift-machine-config-pool', owner: 'platform' },
};

const record: LayeringRequestRecord = {
  id: 'req-12',
  cluster: 'ocp-418',
  pool: 'worker',
  kind: 'modify',
  delivery: 'pull-request',
  pullRequestUrl: 'https://github.com/acme/fleet-config/pull/12',
  taskId: 'task-12',
  requestedBy: 'user:default/alice',
  createdAt: '2026-12-05T09:00:00Z',
  outcome: 'merged',
  summary: 'Add usbguard to worker',
};

/** The pool's requests, newest first: an open one, then the one applied (what the pool runs). */
const history: LayeringRequestRecord[] = [
  {
    ...record,
    id: 'req-13',
    taskId: 'task-13',
    requestedBy: 'user:default/dave',
    outcome: 'opened',
    summary: 'Add tcpdump to worker',
    pullRequestUrl: 'https://github.com/acme/fleet-config/pull/13',
  },
  { ...record, outcome: 'applied' },
];

/**
 * A notifier whose notifications are recorded, on a pool whose requests are `requests` (the
 * whole history unless told), with the app at `appBaseUrl` (given with a trailing slash unless
 * told).
 */
function setup(
  options: { requests?: LayeringRequestRecord[]; appBaseUrl?: string } = {},
) {
  const send = jest.fn(async () => undefined);
  const list = jest.fn(async () => options.requests ?? history);
  const notifier = new ClusterNotifier({
    notifications: { send } as unknown as NotificationService,
    catalog: catalogServiceMock({ entities: [poolEntity] }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    appBaseUrl: options.appBaseUrl ?? 'http://localhost:3000/',
    requests: { list },
  });
  return { send, notifier, list };
}

function behind(
  view: PoolView,
  release: string,
  target?: PoolView['drift']['status'],
): PoolView {
  return {
    ...view,
    release: { ...view.release, version: release },
    drift: {
      ...view.drift,
      status: 'behind',
      reason: `Built from 4.18.21's RHCOS; the cluster runs ${release}.`,
      ...(target ? { target: { ...view.drift, status: target } } : {}),
    },
  };
}

describe('ClusterNotifier', () => {
  it('tells the requester and the pool owner of a failed build, with links', async () => {
    const { send, notifier } = setup();
    await notifier.onRequestChange({
      record,
      event: {
        type: 'build-failed',
        at: '2026-12-05T10:00:00Z',
        detail: 'MachineOSBuild worker-1 failed in 3 min 2 s',
      },
    });
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/alice', 'group:default/platform'],
      },
      payload: {
        title: 'Build failed: Add usbguard to worker on ocp-418/worker',
        description: [
          'MachineOSBuild worker-1 failed in 3 min 2 s',
          'Pull request: https://github.com/acme/fleet-config/pull/12',
          'Pool: http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
        ].join('\n'),
        link: 'http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
        severity: 'high',
        topic: 'layering-request',
        scope: 'layering-request:req-12:build-failed',
      },
    });
  });

  it('tells of rollout done, and of nothing that is no outcome', async () => {
    const { send, notifier } = setup();
    await notifier.onRequestChange({
      record,
      event: { type: 'applied', at: '2026-12-05T10:00:00Z' },
    });
    await notifier.onRequestChange({
      record,
      event: { type: 'rollout-progress', at: '2026-12-05T10:00:00Z' },
    });
    expect(send).not.toHaveBeenCalled();
    await notifier.onRequestChange({
      record,
      event: {
        type: 'rollout-done',
        at: '2026-12-05T10:30:00Z',
        detail: '3 of 3 nodes updated',
      },
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Rollout done: Add usbguard to worker on ocp-418/worker',
          severity: 'normal',
        }),
      }),
    );
  });

  it.each([
    [
      'build-succeeded',
      'Build succeeded',
      'normal',
      'MachineOSBuild worker-2 succeeded in 4 min 10 s',
    ],
    [
      'rollout-degraded',
      'Rollout degraded',
      'high',
      '1 of 3 nodes updated: Node worker-1 is reporting: "disk full"',
    ],
  ] as const)(
    'tells the requester and the pool owner of %s, with links',
    async (type, title, severity, detail) => {
      const { send, notifier } = setup();
      await notifier.onRequestChange({
        record,
        event: { type, at: '2026-12-05T10:00:00Z', detail },
      });
      expect(send).toHaveBeenCalledWith({
        recipients: {
          type: 'entity',
          entityRef: ['user:default/alice', 'group:default/platform'],
        },
        payload: {
          title: `${title}: Add usbguard to worker on ocp-418/worker`,
          description: [
            detail,
            'Pull request: https://github.com/acme/fleet-config/pull/12',
            'Pool: http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
          ].join('\n'),
          link: 'http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
          severity,
          topic: 'layering-request',
          scope: `layering-request:req-12:${type}`,
        },
      });
    },
  );

  it("tells the pool's owner and the requester of what it runs when a cluster update leaves the pool behind, not a pool still rolling to it", async () => {
    const { send, notifier, list } = setup();
    const worker = testPoolView('ocp-418', 'worker');
    const master = testPoolView('ocp-418', 'master');
    const fleet = new FixedFleet(['ocp-418'], [worker, master]);
    await notifier.onFleetChange(fleet, {
      cluster: 'ocp-418',
      pools: [],
      clusterChanged: true,
      initial: true,
    });
    // The cluster moved to 4.18.24: worker stays pinned to its old image, master rolls onto the
    // new release (its nodes are behind, where it is going is not).
    fleet.pools = [
      behind(worker, '4.18.24'),
      behind(master, '4.18.24', 'in-sync'),
    ];
    await notifier.onFleetChange(fleet, {
      cluster: 'ocp-418',
      pools: ['worker', 'master'],
      clusterChanged: true,
      initial: false,
    });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/alice', 'group:default/platform'],
      },
      payload: {
        title:
          'Pool ocp-418/worker fell behind after the cluster update to 4.18.24',
        description: [
          "Built from 4.18.21's RHCOS; the cluster runs 4.18.24.",
          'Last applied request: Add usbguard to worker (https://github.com/acme/fleet-config/pull/12)',
          'Pool: http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
        ].join('\n'),
        link: 'http://localhost:3000/catalog/default/resource/ocp-418-worker/layering',
        severity: 'high',
        topic: 'layering-pool',
        scope: 'layering-pool-behind:ocp-418/worker:4.18.24',
      },
    });
    expect(list).toHaveBeenCalledWith('ocp-418', 'worker', { limit: 20 });
    // The same release again: nothing new.
    await notifier.onFleetChange(fleet, {
      cluster: 'ocp-418',
      pools: ['worker'],
      clusterChanged: false,
      initial: false,
    });
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('ClusterNotifier without a request applied to the pool', () => {
  it('tells the pool owner alone that the pool fell behind', async () => {
    const { send, notifier } = setup({
      requests: [history[0]],
      appBaseUrl: 'http://localhost:3000',
    });
    const worker = testPoolView('ocp-418', 'worker');
    const fleet = new FixedFleet(['ocp-418'], [worker]);
    const change = { cluster: 'ocp-418', clusterChanged: true } as const;
    await notifier.onFleetChange(fleet, {
      ...change,
      pools: [],
      initial: true,
    });
    fleet.pools = [behind(worker, '4.18.24')];
    await notifier.onFleetChange(fleet, {
      ...change,
      pools: ['worker'],
      initial: false,
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: ['group:default/platform'] },
      }),
    );
  });
});
