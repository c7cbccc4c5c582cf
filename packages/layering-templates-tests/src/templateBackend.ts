import type { Server } from 'node:http';
import request from 'supertest';
import {
  createServiceFactory,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { JsonObject } from '@backstage/types';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import layeringActionsModule from '@rhcos-layering/plugin-scaffolder-backend-module-layering';
// This package assembles a test backend from plugins, as packages/backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import layeringPlugin from '@rhcos-layering/plugin-layering-backend';
import { loadTemplates } from './templates';

/** The user the tests act as (a member of the group that may apply directly). */
export const TEST_USER = 'user:default/guest';

/** Permission tag of the template parts only direct appliers see (see templates/README.md). */
export const DIRECT_APPLY_TAG = 'layering-direct-apply';

/** Tokens of the portal's forge integrations in the test config. */
export const PORTAL_GITHUB_TOKEN = 'ghs-portal-integration';
export const PORTAL_GITLAB_TOKEN = 'glpat-portal-integration';

/** Catalog entities of the test: the org, the cluster's pools, and the templates. */
export async function catalogEntities(
  cluster: string,
  pools: string[],
): Promise<Entity[]> {
  const templates = await loadTemplates();
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'platform', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'guest', namespace: 'default' },
      spec: { memberOf: ['platform'] },
    },
    ...pools.map(
      (pool): Entity => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: `${cluster}-${pool}`,
          namespace: 'default',
          annotations: {
            'layering.openshift.io/cluster': cluster,
            'layering.openshift.io/pool': pool,
          },
        },
        spec: {
          type: 'openshift-machine-config-pool',
          owner: 'group:default/platform',
          dependsOn: [`resource:default/${cluster}`],
        },
      }),
    ),
    ...templates.map(t => t.entity as Entity),
  ];
}

/**
 * What the portal's permission policy answers, in the shape the scaffolder expects: direct
 * appliers see everything; everyone else sees every parameter page and step except those
 * tagged `layering-direct-apply`, and is denied `layering.cluster.apply`.
 */
export function portalPolicy(allowDirect: boolean) {
  return mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => ({
        result:
          r.permission.name === 'layering.cluster.apply' && !allowDirect
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    authorizeConditional: async requests =>
      requests.map((r): PolicyDecision => {
        const templatePart =
          r.permission.name === 'scaffolder.template.parameter.read' ||
          r.permission.name === 'scaffolder.template.step.read';
        if (!templatePart || allowDirect) {
          return { result: AuthorizeResult.ALLOW };
        }
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'scaffolder',
          resourceType: 'scaffolder-template',
          conditions: {
            not: {
              rule: 'HAS_TAG',
              resourceType: 'scaffolder-template',
              params: { tag: DIRECT_APPLY_TAG },
            },
          },
        };
      }),
  });
}

/** A running backend with the scaffolder, the forge modules and the layering plugins. */
export interface TemplateBackend {
  server: Server;
  stop(): Promise<void>;
  /** Runs a scheduled task of the backend now, and waits for it (the test scheduler runs none by itself after start). */
  triggerTask(id: string): Promise<void>;
}

/**
 * Starts a test backend with `@backstage/plugin-scaffolder-backend`, its GitHub and GitLab
 * modules, the layering actions module and the layering backend plugin (for the request
 * history), wired to an embedded cluster named `cluster.name` and a mock catalog.
 */
export async function startTemplateBackend(options: {
  cluster: EmbeddedCluster;
  pools: string[];
  allowDirect?: boolean;
  forges?: boolean;
  /** More `layering` configuration (e.g. `rebase`). */
  layering?: JsonObject;
}): Promise<TemplateBackend> {
  const { cluster, pools, allowDirect = true, forges = true } = options;
  const integrations = forges
    ? {
        github: [{ host: 'github.com', token: PORTAL_GITHUB_TOKEN }],
        gitlab: [
          {
            host: 'gitlab.com',
            token: PORTAL_GITLAB_TOKEN,
            apiBaseUrl: 'https://gitlab.com/api/v4',
          },
        ],
      }
    : {};
  // One scheduler instance for every plugin (the default test scheduler, which runs tasks without
  // an initial delay at startup), kept so tests can run a scheduled task when they choose. Its
  // type hides the instance's own `factory`, which hands out this very instance.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory<SchedulerService>;
  };
  const backend = await startTestBackend({
    features: [
      scheduler.factory(),
      scaffolderPlugin,
      githubModule,
      gitlabModule,
      layeringActionsModule,
      layeringPlugin,
      catalogServiceMock.factory({
        entities: await catalogEntities(cluster.name, pools),
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations,
          scaffolder: {
            defaultAuthor: {
              name: 'Layering Portal',
              email: 'layering-portal@example.com',
            },
          },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: cluster.name,
                    url: cluster.url,
                    authProvider: 'serviceAccount',
                    // The reader: watches and the actions' reads.
                    serviceAccountToken: cluster.tokens.readOnly,
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          layering: {
            // The actions' writes go through the writer only.
            clusters: {
              options: {
                [cluster.name]: { writer: { serviceAccountToken: cluster.tokens.admin } },
              },
            },
            registries: [{ host: '*', mirror: cluster.registryUrl }],
            informers: { watchTimeoutSeconds: 2, requestTimeoutMs: 5000 },
            actions: { maxRetries: 0 },
            ...options.layering,
          },
        },
      }),
      portalPolicy(allowDirect).factory,
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
    ],
  });
  return {
    server: backend.server,
    stop: () => backend.stop(),
    triggerTask: id => scheduler.triggerTask(id),
  };
}

/** A finished scaffolder task: its status, output and log lines. */
export interface FinishedTask {
  id: string;
  status: 'completed' | 'failed' | 'cancelled';
  output: JsonObject;
  log: string[];
  /** Ids of the steps that ran (not skipped), in order. */
  ranSteps: string[];
  skippedSteps: string[];
}

const auth = () => mockCredentials.user.header(TEST_USER);

/** The template's form as the scaffolder serves it to this user (after permission filtering). */
export async function parameterSchema(
  server: Server,
  name: string,
): Promise<{
  title: string;
  steps: Array<{ title: string; schema: JsonObject }>;
}> {
  const res = await request(server)
    .get(
      `/api/scaffolder/v2/templates/default/template/${name}/parameter-schema`,
    )
    .set('Authorization', auth());
  if (res.status !== 200) {
    throw new Error(
      `parameter-schema answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

/**
 * Runs a template for real through `POST /api/scaffolder/v2/tasks` and waits until the task
 * ends (the scaffolder's own event stream tells when).
 */
export async function runTemplate(
  server: Server,
  name: string,
  values: JsonObject,
  secrets?: Record<string, string>,
): Promise<FinishedTask> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', auth())
    .send({ templateRef: `template:default/${name}`, values, secrets });
  if (created.status !== 201) {
    throw new Error(
      `Creating the task answered ${created.status}: ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  const id: string = created.body.id;
  let after = -1;
  const log: string[] = [];
  const ran = new Set<string>();
  const skipped = new Set<string>();
  for (;;) {
    // The events route long-polls: it answers as soon as there is something after `after`.
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}/events?after=${after}`)
      .set('Authorization', auth());
    if (events.status !== 200) {
      throw new Error(`Task events answered ${events.status}`);
    }
    for (const event of events.body as Array<{
      id: number;
      type: string;
      body: { message?: string; stepId?: string; status?: string };
    }>) {
      after = Math.max(after, event.id);
      if (event.body.message) log.push(event.body.message);
      if (event.body.stepId && event.body.status === 'processing')
        ran.add(event.body.stepId);
      if (event.body.stepId && event.body.status === 'skipped')
        skipped.add(event.body.stepId);
      if (event.type === 'completion') {
        const task = await request(server)
          .get(`/api/scaffolder/v2/tasks/${id}`)
          .set('Authorization', auth());
        return {
          id,
          status: task.body.status,
          output: (event.body as { output?: JsonObject }).output ?? {},
          log,
          ranSteps: [...ran].filter(s => !skipped.has(s)),
          skippedSteps: [...skipped],
        };
      }
    }
  }
}

/** Runs a template in the scaffolder's dry-run API (`POST /api/scaffolder/v2/dry-run`). */
export async function dryRunTemplate(
  server: Server,
  template: JsonObject,
  values: JsonObject,
  directoryContents: Array<{ path: string; base64Content: string }>,
  secrets?: Record<string, string>,
) {
  return request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', auth())
    .send({ template, values, secrets, directoryContents });
}

/** The request history the layering backend keeps for a pool. */
export async function requestHistory(
  server: Server,
  cluster: string,
  pool: string,
): Promise<
  Array<{
    kind: string;
    delivery: string;
    outcome: string;
    pullRequestUrl?: string | null;
    requestedBy: string;
    summary?: string | null;
  }>
> {
  const res = await request(server)
    .get(`/api/layering/clusters/${cluster}/pools/${pool}/requests`)
    .set('Authorization', auth());
  if (res.status !== 200) {
    throw new Error(
      `Request history answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  return res.body.items;
}

/** Fails with the task's log when the task did not end as expected. */
export function expectStatus(
  task: FinishedTask,
  status: FinishedTask['status'],
): void {
  if (task.status !== status) {
    throw new Error(
      `Task ${task.id} ended ${
        task.status
      }, expected ${status}. Its log:\n${task.log.join('\n')}`,
    );
  }
}
