import type {
  AuthService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { LayeringRequestStore } from '../services/RequestStore';
import { ForgeApi } from './forgeApi';
import { ForgeNotifier } from './ForgeNotifier';
import { ForgePoller } from './ForgePoller';
import { ForgeRecorder } from './ForgeRecorder';
import { subscribeToForgeWebhooks } from './webhooks';

/** What {@link startForgeTracking} started, for shutdown and tests. */
export interface ForgeTracking {
  recorder: ForgeRecorder;
  /** Undefined when `layering.forge.poll.enabled` is false. */
  poller?: ForgePoller;
  stop(): void;
}

/** The poll task's id in the scheduler. */
export const FORGE_POLL_TASK_ID = 'layering-forge-poll';

/**
 * Follows every pull or merge request the portal opened until it is merged or closed: forge
 * webhooks from the events service, a scheduled poll as the fallback, and notifications of
 * opened, approved and merged to the requester and the pool's owner.
 */
export async function startForgeTracking(options: {
  config: RootConfigService;
  logger: LoggerService;
  requests: LayeringRequestStore;
  events: EventsService;
  scheduler: SchedulerService;
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
}): Promise<ForgeTracking> {
  const { config, requests } = options;
  const logger = options.logger.child({ component: 'forge' });
  const recorder = new ForgeRecorder({ requests, logger });
  await subscribeToForgeWebhooks({ events: options.events, recorder, logger });

  const stops: Array<() => void> = [];
  if (
    config.getOptionalBoolean('layering.forge.notifications.enabled') ??
    true
  ) {
    const notifier = new ForgeNotifier({
      notifications: options.notifications,
      catalog: options.catalog,
      auth: options.auth,
      logger,
      appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
    });
    stops.push(requests.onChange(notifier.onChange));
  }

  let poller: ForgePoller | undefined;
  if (config.getOptionalBoolean('layering.forge.poll.enabled') ?? true) {
    poller = new ForgePoller({
      requests,
      api: new ForgeApi({ integrations: ScmIntegrations.fromConfig(config) }),
      recorder,
      logger,
    });
    const frequency = config.has('layering.forge.poll.frequency')
      ? readDurationFromConfig(config, { key: 'layering.forge.poll.frequency' })
      : { minutes: 5 };
    const running = poller;
    await options.scheduler.scheduleTask({
      id: FORGE_POLL_TASK_ID,
      frequency,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 30 },
      scope: 'global',
      fn: async () => {
        const result = await running.run();
        logger.debug('Polled open pull requests', { ...result });
      },
    });
  }
  return { recorder, poller, stop: () => stops.forEach(stop => stop()) };
}
