import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { LayeringRequestChange } from './RequestStore';
import { DatabaseRequestStore, type NewLayeringRequest } from './RequestStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function request(
  overrides: Partial<NewLayeringRequest> = {},
): NewLayeringRequest {
  return {
    cluster: 'ocp-418',
    pool: 'worker',
    kind: 'modify',
    delivery: 'pull-request',
    outcome: 'opened',
    taskId: 'task-1',
    pullRequestUrl: 'https://github.com/acme/fleet-config/pull/7',
    requestedBy: 'user:default/alice',
    summary: 'Add the usbguard package',
    ...overrides,
  };
}

describe('DatabaseRequestStore history', () => {
  async function store() {
    const knex = await databases.init('SQLITE_3');
    return DatabaseRequestStore.create(mockServices.database({ knex }), {
      logger: mockServices.logger.mock(),
    });
  }

  it('records opened with the request and keeps events in time order', async () => {
    const requests = await store();
    const { record } = await requests.add(request());
    expect(record.events).toEqual([
      expect.objectContaining({ type: 'opened', by: 'user:default/alice' }),
    ]);
    await requests.recordEvent(record.id, {
      type: 'merged',
      at: '2030-01-01T10:00:00Z',
      by: 'github:bob',
    });
    await requests.recordEvent(record.id, {
      type: 'approved',
      at: '2030-01-01T09:00:00Z',
      by: 'github:bob',
    });
    const stored = await requests.get(record.id);
    expect(stored?.outcome).toBe('merged');
    expect(stored?.events?.map(e => e.type)).toEqual([
      'opened',
      'approved',
      'merged',
    ]);
    expect(stored?.events?.[2]).toEqual({
      type: 'merged',
      at: '2030-01-01T10:00:00.000Z',
      by: 'github:bob',
    });
  });

  it('records the same event once and tells its listeners only about new ones', async () => {
    const requests = await store();
    const changes: LayeringRequestChange[] = [];
    const stop = requests.onChange(change => {
      changes.push(change);
    });
    const { record } = await requests.add(request());
    const merged = {
      type: 'merged' as const,
      at: '2030-01-01T10:00:00Z',
      by: 'github:bob',
    };
    expect((await requests.recordEvent(record.id, merged)).recorded).toBe(true);
    expect((await requests.recordEvent(record.id, merged)).recorded).toBe(
      false,
    );
    // The poll may see the merge with other details: still once.
    expect(
      (
        await requests.recordEvent(record.id, {
          type: 'merged',
          at: '2030-01-01T10:00:05Z',
        })
      ).recorded,
    ).toBe(false);
    stop();
    await requests.recordEvent(record.id, {
      type: 'applied',
      at: '2030-01-01T10:05:00Z',
    });
    expect(changes.map(c => c.event.type)).toEqual(['opened', 'merged']);
    expect(changes[1].record.outcome).toBe('merged');
    expect(changes[1].record.events?.map(e => e.type)).toEqual([
      'opened',
      'merged',
    ]);
  });

  it('moves outcomes only forward but keeps every event in the history', async () => {
    const requests = await store();
    const { record } = await requests.add(request());
    await requests.recordEvent(record.id, {
      type: 'closed',
      at: '2030-01-01T10:00:00Z',
    });
    const after = await requests.recordEvent(record.id, {
      type: 'merged',
      at: '2030-01-01T11:00:00Z',
    });
    expect(after.record.outcome).toBe('closed');
    expect(after.record.events?.map(e => e.type)).toEqual([
      'opened',
      'closed',
      'merged',
    ]);
  });

  it('marks the older open pull request of the pool superseded by a newer one', async () => {
    const requests = await store();
    const changes: LayeringRequestChange[] = [];
    requests.onChange(change => {
      changes.push(change);
    });
    const first = await requests.add(request());
    const other = await requests.add(
      request({ pool: 'infra', taskId: 'task-0' }),
    );
    const second = await requests.add(
      request({
        taskId: 'task-2',
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/8',
      }),
    );
    const older = await requests.get(first.record.id);
    expect(older?.outcome).toBe('superseded');
    expect(older?.events?.at(-1)).toMatchObject({
      type: 'superseded',
      url: 'https://github.com/acme/fleet-config/pull/8',
      detail: expect.stringContaining(second.record.id),
    });
    expect((await requests.get(other.record.id))?.outcome).toBe('opened');
    expect((await requests.get(second.record.id))?.outcome).toBe('opened');
    expect(changes.map(c => [c.record.id, c.event.type])).toContainEqual([
      first.record.id,
      'superseded',
    ]);
    // A superseded pull request may still be merged.
    const merged = await requests.recordEvent(first.record.id, {
      type: 'merged',
      at: new Date().toISOString(),
    });
    expect(merged.record.outcome).toBe('merged');
  });

  it('finds a request by its pull request in any URL form', async () => {
    const requests = await store();
    const { record } = await requests.add(request());
    await requests.add(
      request({
        taskId: 'task-9',
        pool: 'infra',
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/70',
      }),
    );
    for (const url of [
      'https://github.com/acme/fleet-config/pull/7',
      'https://github.com/Acme/Fleet-Config/pull/7/files',
      'https://api.github.com/repos/acme/fleet-config/pulls/7',
    ]) {
      expect((await requests.findByPullRequest(url)).map(r => r.id)).toEqual([
        record.id,
      ]);
    }
    expect(
      await requests.findByPullRequest('https://github.com/acme/other/pull/7'),
    ).toEqual([]);
    expect(await requests.findByPullRequest('not a url')).toEqual([]);
    expect((await requests.listOpenPullRequests()).length).toBe(2);
  });

  it('refuses unknown requests, types and times', async () => {
    const requests = await store();
    const { record } = await requests.add(request());
    await expect(
      requests.recordEvent('nope', {
        type: 'merged',
        at: '2030-01-01T10:00:00Z',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      requests.recordEvent(record.id, {
        type: 'exploded' as never,
        at: '2030-01-01T10:00:00Z',
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    await expect(
      requests.recordEvent(record.id, { type: 'merged', at: 'yesterday' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect((await requests.get(record.id))?.events).toHaveLength(1);
  });

  it('keeps going when a listener fails', async () => {
    const requests = await store();
    const seen: string[] = [];
    requests.onChange(() => {
      throw new Error('boom');
    });
    requests.onChange(change => {
      seen.push(change.event.type);
    });
    await requests.add(request());
    expect(seen).toEqual(['opened']);
  });

  it('does not wait for a listener, and logs one that rejects', async () => {
    const knex = await databases.init('SQLITE_3');
    const logger = mockServices.logger.mock();
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
      { logger },
    );
    requests.onChange(() => new Promise<void>(() => {}));
    requests.onChange(async () => {
      throw new Error('rejected');
    });
    const { record } = await requests.add(request());
    expect(record.outcome).toBe('opened');
    await new Promise(resolve => setImmediate(resolve));
    expect(logger.warn).toHaveBeenCalledWith(
      'A request history listener failed',
      expect.objectContaining({ message: 'rejected' }),
    );
  });
});
