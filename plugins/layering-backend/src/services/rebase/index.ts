import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { readGlobalRegistries } from '../../kubernetes/clusterConfig';
import { RegistryClient } from '../../registry';
import type { LayeringFleetService } from '../fleetTypes';
import { AutomaticRebase, type RebaseRequestReader } from './AutomaticRebase';
import { ScaffolderRebaseTasks } from './ScaffolderRebaseTasks';

export { AutomaticRebase } from './AutomaticRebase';
export type { RebaseAttempt, RebaseTaskStarter } from './AutomaticRebase';
export { ScaffolderRebaseTasks } from './ScaffolderRebaseTasks';

const TASK_ID = 'layering-automatic-rebase';

/**
 * With `layering.rebase.automatic: true`, checks on a schedule (one replica at a time) whether
 * a release landed on a cluster with pinned pools, and opens their rebase pull requests.
 * Nothing is scheduled otherwise.
 */
export async function startAutomaticRebase(options: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  fleet: LayeringFleetService;
  requests: RebaseRequestReader;
  auth: AuthService;
  discovery: DiscoveryService;
}): Promise<void> {
  const { config, logger } = options;
  if (!(config.getOptionalBoolean('layering.rebase.automatic') ?? false)) return;
  const image = config.getOptionalString('layering.rebase.image');
  if (!image) {
    throw new InputError(
      'layering.rebase.automatic needs layering.rebase.image: where the rebuilt image of each release is pushed, e.g. registry.example.com/os/{pool}:{release}',
    );
  }
  const values = config.getOptionalConfig('layering.rebase.values')?.get<Record<string, unknown>>() ?? {};
  const registry = new RegistryClient({ registries: readGlobalRegistries(config), logger });
  const rebase = new AutomaticRebase({
    fleet: options.fleet,
    requests: options.requests,
    tasks: new ScaffolderRebaseTasks({ auth: options.auth, discovery: options.discovery }),
    logger: logger.child({ task: TASK_ID }),
    settings: {
      templateRef:
        config.getOptionalString('layering.rebase.template') ??
        'template:default/layering-rebase-image',
      image,
      values,
    },
    resolveImage: async reference => {
      const info = await registry.getImageConfig(reference);
      return info ? `${reference.replace(/[:@][^/]*$/, '')}@${info.manifestDigest}` : undefined;
    },
  });
  const frequency = config.has('layering.rebase.frequency')
    ? readDurationFromConfig(config, { key: 'layering.rebase.frequency' })
    : { minutes: 10 };
  // The first check comes one period after start, at most a minute: the caches are warm by then.
  const periodMs = durationToMilliseconds(frequency);
  await options.scheduler.scheduleTask({
    id: TASK_ID,
    frequency,
    timeout: { minutes: 10 },
    initialDelay: { milliseconds: Math.min(periodMs, 60_000) },
    scope: 'global',
    fn: async () => {
      const attempts = await rebase.runOnce();
      logger.debug('Checked pinned pools for a rebase', {
        started: attempts.filter(a => a.result === 'started').length,
        waiting: attempts.filter(a => a.result !== 'started').length,
      });
    },
  });
}
