import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import type { JsonObject } from '@backstage/types';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { startLayeringBackend } from '../../__testUtils__/testBackend';
import {
  DatabaseRequestStore,
  layeringRequestStoreServiceRef,
  type NewLayeringRequest,
} from '../../services/RequestStore';

export const GITHUB_SECRET = 'github-webhook-secret-for-tests';
export const GITLAB_SECRET = 'gitlab-webhook-token-for-tests';

/** GitHub's `X-Hub-Signature-256` of a body. */
export function githubSignature(body: string, secret = GITHUB_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A pull-request request as the scaffolder records it. */
export function prRequest(
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

/** The catalog's pool entity, owned by the platform team. */
export const poolEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'ocp-418-worker', namespace: 'default' },
  spec: { type: 'openshift-machine-config-pool', owner: 'platform' },
};

/**
 * A test backend with the layering plugin behind the real events backend and its GitHub and
 * GitLab modules (HTTP ingress with signature checks), a request store the test can read,
 * notifications collected in `sent`, and the poll switched off unless `config` says otherwise.
 */
export async function startForgeBackend(
  databases: TestDatabases,
  options: { config?: JsonObject } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const requests = await DatabaseRequestStore.create(
    mockServices.database({ knex }),
  );
  const sent: NotificationSendOptions[] = [];
  const log = recordingLogger();
  const backend = await startLayeringBackend({
    config: {
      app: { baseUrl: 'http://portal.example.com' },
      backend: { baseUrl: 'http://localhost:0' },
      events: {
        // One process: the events go through its local bus, not the events backend's hub.
        useEventBus: 'never',
        modules: {
          github: { webhookSecret: GITHUB_SECRET },
          gitlab: { webhookSecret: GITLAB_SECRET },
        },
      },
      layering: { forge: { poll: { enabled: false } } },
      ...options.config,
    },
    features: [
      ...eventsFeatures(),
      createServiceFactory({
        service: layeringRequestStoreServiceRef,
        deps: {},
        factory: () => requests,
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (notification: NotificationSendOptions) => {
            sent.push(notification);
          },
        }),
      }),
      catalogServiceMock.factory({ entities: [poolEntity] }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => log.logger,
      }),
    ],
  });
  return { backend, requests, sent, lines: log.lines };
}

/** One line a {@link recordingLogger} kept. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  meta?: unknown;
}

/** A logger that keeps every line (its children write to the same list). */
export function recordingLogger(): { logger: LoggerService; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, meta?: unknown) => {
    lines.push({ level, message, meta });
  };
  const logger: LoggerService = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, lines };
}

/**
 * The events backend and the real modules of the GitHub and GitLab packages (event router and
 * webhook ingress). The modules' packages export them only through a feature loader that uses
 * a native dynamic import, which Jest cannot run, so their built module files are loaded.
 */
function eventsFeatures(): BackendFeature[] {
  const dist = (pkg: string, file: string): BackendFeature => {
    const root = dirname(require.resolve(`${pkg}/package.json`));
    return require(join(root, 'dist', file)).default;
  };
  return [
    // The real events service (startTestBackend's mock gives each plugin a bus of its own).
    eventsServiceFactory,
    require('@backstage/plugin-events-backend').default,
    dist(
      '@backstage/plugin-events-backend-module-github',
      'service/eventsModuleGithubEventRouter.cjs.js',
    ),
    dist(
      '@backstage/plugin-events-backend-module-github',
      'service/eventsModuleGithubWebhook.cjs.js',
    ),
    dist(
      '@backstage/plugin-events-backend-module-gitlab',
      'service/eventsModuleGitlabEventRouter.cjs.js',
    ),
    dist(
      '@backstage/plugin-events-backend-module-gitlab',
      'service/eventsModuleGitlabWebhook.cjs.js',
    ),
  ];
}
