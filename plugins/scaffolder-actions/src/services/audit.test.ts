import { mockServices } from '@backstage/backend-test-utils';
import { assertError, NotAllowedError } from '@backstage/errors';
import { createLayeringActions } from '../actions';
import {
  actionOptions,
  machineConfigPool,
  snapshotCluster,
  useTestCluster,
} from '../__testUtils__/cluster';
import { createTestContext } from '../__testUtils__/context';
import { CLUSTER_WRITING_ACTIONS, objectsOf } from './audit';

jest.setTimeout(60_000);

/** A mock auditor whose events record how they ended. */
function recordingAuditor() {
  const events: Array<{
    options: Record<string, any>;
    success: jest.Mock;
    fail: jest.Mock;
  }> = [];
  const auditor = mockServices.auditor.mock({
    createEvent: jest.fn(async options => {
      const event = { options, success: jest.fn(async () => {}), fail: jest.fn(async () => {}) };
      events.push(event);
      return event;
    }),
  });
  return { auditor, events };
}

describe('audit of cluster writes', () => {
  const embedded = useTestCluster();

  function pauseAction(allow: boolean) {
    const { auditor, events } = recordingAuditor();
    const options = { ...actionOptions(embedded.cluster, { allow }), auditor };
    const action = createLayeringActions(options).find(a => a.id === 'layering:pool:pause')!;
    return { action, events, options };
  }

  it('wraps exactly the actions that write to a cluster', () => {
    const { auditor } = recordingAuditor();
    const actions = createLayeringActions({ ...actionOptions(embedded.cluster), auditor });
    const plain = createLayeringActions(actionOptions(embedded.cluster));
    for (const [i, action] of actions.entries()) {
      expect(action.id).toBe(plain[i].id);
      const wrapped = CLUSTER_WRITING_ACTIONS.has(action.id);
      expect(action.handler.name === 'audited').toBe(wrapped);
    }
    expect([...CLUSTER_WRITING_ACTIONS].every(id => actions.some(a => a.id === id))).toBe(true);
  });

  it('records who paused which pool of which cluster, in which task, and that it was written', async () => {
    const { action, events, options } = pauseAction(true);
    const { ctx } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker', reason: 'hold' },
      { userRef: 'user:default/ada' },
    );
    await action.handler(ctx);

    expect((await machineConfigPool(embedded.cluster, 'worker')).spec.paused).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0].options).toEqual({
      eventId: 'cluster-write',
      severityLevel: 'high',
      meta: {
        action: 'layering:pool:pause',
        actor: 'user:default/ada',
        taskId: 'task-0001',
        cluster: 'ocp-418',
        pool: 'worker',
        dryRun: false,
      },
    });
    expect(events[0].success).toHaveBeenCalledWith({
      meta: { outcome: 'written', objects: ['MachineConfigPool/worker'] },
    });
    expect(events[0].fail).not.toHaveBeenCalled();
    // The permission was asked for this pool, with the initiator's credentials.
    expect(options.permissions.authorize).toHaveBeenCalledWith(
      [
        expect.objectContaining({
          permission: expect.objectContaining({ name: 'layering.cluster.apply' }),
          resourceRef: 'resource:default/ocp-418-worker',
        }),
      ],
      { credentials: await ctx.getInitiatorCredentials() },
    );
  });

  it('records dry runs as such', async () => {
    const { action, events } = pauseAction(true);
    const before = await snapshotCluster(embedded.cluster);
    const { ctx } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker' },
      { isDryRun: true },
    );
    await action.handler(ctx);

    expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    expect(events[0].options).toMatchObject({
      severityLevel: 'low',
      meta: { dryRun: true, pool: 'worker' },
    });
    expect(events[0].success).toHaveBeenCalledWith({
      meta: { outcome: 'dry-run', objects: ['MachineConfigPool/worker'] },
    });
  });

  it('records a refusal, and nothing is written', async () => {
    const { action, events } = pauseAction(false);
    const before = await snapshotCluster(embedded.cluster);
    const { ctx } = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker' },
      { userRef: 'user:default/bob' },
    );
    const refusal = await action.handler(ctx).catch((e: Error) => e);

    expect(refusal).toBeInstanceOf(NotAllowedError);
    assertError(refusal);
    expect(refusal.message).toBe(
      'You may not pause pool worker directly: the layering.cluster.apply permission is required. It is checked on pool worker of cluster ocp-418. Use the pull-request delivery instead.',
    );
    expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    expect(events[0].options.meta.actor).toBe('user:default/bob');
    expect(events[0].fail).toHaveBeenCalledWith({
      error: refusal,
      meta: { outcome: 'refused', objects: ['MachineConfigPool/worker'] },
    });
    expect(events[0].success).not.toHaveBeenCalled();
  });

  it('names the objects a run reports, else those its input names', () => {
    expect(
      objectsOf({ pool: 'worker' }, {
        applied: [{ kind: 'MachineOSConfig', name: 'worker', changed: true }],
      }),
    ).toEqual(['MachineOSConfig/worker']);
    expect(objectsOf({ pool: 'infra' }, { labelled: ['node-a'] })).toEqual(['Node/node-a']);
    expect(objectsOf({ build: 'b-1', pool: 'worker' }, {})).toEqual([
      'MachineOSBuild/b-1',
      'MachineConfigPool/worker',
    ]);
  });
});
