import type { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { LayeringRequestStore } from '../services/RequestStore';
import { FORGE_POLL_TASK_ID, startForgeTracking } from '.';
import { FORGE_TOPICS } from './webhooks';

describe('startForgeTracking', () => {
  function start(layering: JsonObject) {
    const scheduler = mockServices.scheduler.mock();
    const events = { publish: jest.fn(), subscribe: jest.fn(async () => {}) };
    const onChange = jest.fn(() => () => {});
    const requests = { onChange } as unknown as LayeringRequestStore;
    const started = startForgeTracking({
      config: mockServices.rootConfig({ data: { layering } }),
      logger: mockServices.logger.mock(),
      requests,
      events,
      scheduler,
      notifications: { send: jest.fn() },
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
    });
    return { started, scheduler, events, onChange };
  }

  it('subscribes to the forge topics, notifies, and polls every 5 minutes by default', async () => {
    const { started, scheduler, events, onChange } = start({});
    const tracking = await started;
    expect(events.subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ topics: [...FORGE_TOPICS] }),
    );
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: FORGE_POLL_TASK_ID,
        frequency: { minutes: 5 },
      }),
    );
    expect(tracking.poller).toBeDefined();
  });

  it('reads the poll frequency, and switches the poll and the notifications off', async () => {
    const custom = start({ forge: { poll: { frequency: 'PT2M' } } });
    await custom.started;
    expect(custom.scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({ frequency: { minutes: 2 } }),
    );

    const off = start({
      forge: { poll: { enabled: false }, notifications: { enabled: false } },
    });
    const tracking = await off.started;
    expect(off.scheduler.scheduleTask).not.toHaveBeenCalled();
    expect(off.onChange).not.toHaveBeenCalled();
    expect(tracking.poller).toBeUndefined();
    // Webhooks stay on: without a secret the events backend has no ingress for them anyway.
    expect(off.events.subscribe).toHaveBeenCalled();
  });
});
