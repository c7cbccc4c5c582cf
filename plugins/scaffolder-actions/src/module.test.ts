import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { LayeringRequestRecord } from '@rhcos-layering/plugin-layering-common';
import { scaffolderModuleLayering } from './module';
import {
  adminApi,
  snapshotCluster,
  useTestCluster,
} from './__testUtils__/cluster';
import {
  backendConfigFor,
  templateEntity,
} from './__testUtils__/scaffolderBackend';

const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';

/**
 * Stands in for the layering backend's requests route: it accepts service-to-service calls only,
 * exactly like the real route, and keeps what it was sent.
 */
function layeringRequestsPlugin(
  records: Array<LayeringRequestRecord & { caller: string }>,
) {
  return createBackendPlugin({
    pluginId: 'layering',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.use(express.json());
          router.post(
            '/clusters/:cluster/pools/:pool/requests',
            async (req, res) => {
              const credentials = await httpAuth.credentials(req, {
                allow: ['service'],
              });
              const record = {
                ...req.body,
                id: `req-${records.length + 1}`,
                cluster: req.params.cluster,
                pool: req.params.pool,
                createdAt: new Date(0).toISOString(),
                caller: credentials.principal.subject,
              };
              records.push(record);
              res.status(201).json(record);
            },
          );
          router.get('/clusters/:cluster/release', async (_req, res) => {
            res
              .status(404)
              .json({ error: { name: 'NotFoundError', message: 'not here' } });
          });
          router.get('/clusters/:cluster/pools/:pool', async (_req, res) => {
            res
              .status(404)
              .json({ error: { name: 'NotFoundError', message: 'not here' } });
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

const template = (steps: object[]) => templateEntity('layering-test', steps);

const layerSteps = [
  {
    id: 'compose',
    action: 'layering:containerfile:compose',
    input: { cluster: 'ocp-418', mode: 'on-cluster', packages: ['tmux'] },
  },
  {
    id: 'render',
    action: 'layering:manifest:render',
    input: {
      cluster: 'ocp-418',
      pool: 'worker',
      mode: 'on-cluster',
      containerfile: '${{ steps.compose.output.containerfile }}',
      pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
      pushSecret: 'push-secret',
    },
  },
  {
    id: 'apply',
    action: 'layering:cluster:apply',
    input: {
      cluster: 'ocp-418',
      pool: 'worker',
      manifests: '${{ steps.render.output.manifestPaths }}',
    },
  },
];

describe('the layering module inside the scaffolder backend', () => {
  const embedded = useTestCluster();

  async function startBackend(
    options: { denyDirectApply?: boolean; entities?: object[] } = {},
  ) {
    const records: Array<LayeringRequestRecord & { caller: string }> = [];
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            options.denyDirectApply &&
            'permission' in r &&
            r.permission.name === 'layering.cluster.apply'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleLayering,
        layeringRequestsPlugin(records),
        permissions.factory,
        catalogServiceMock.factory({
          entities: (options.entities ?? []) as any[],
        }),
        mockServices.rootConfig.factory({
          data: backendConfigFor(embedded.cluster),
        }),
      ],
    });
    return { backend, records, permissions };
  }

  it('registers every layering action with the scaffolder', async () => {
    const { backend } = await startBackend();
    const res = await request(backend.server).get('/api/scaffolder/v2/actions');
    expect(res.status).toBe(200);
    const ids = res.body
      .map((a: { id: string }) => a.id)
      .filter((id: string) => id.startsWith('layering:'));
    expect(ids.sort()).toEqual([
      'layering:build:delete',
      'layering:build:rebuild',
      'layering:cluster:apply',
      'layering:containerfile:compose',
      'layering:layer:revert',
      'layering:manifest:render',
      'layering:merge-request:find',
      'layering:merge-request:update',
      'layering:node:assign',
      'layering:pool:pause',
      'layering:pool:resume',
      'layering:request:record',
    ]);
    const render = res.body.find(
      (a: { id: string }) => a.id === 'layering:manifest:render',
    );
    expect(render.schema.input.properties.pushSpec.description).toMatch(
      /host\[:port\]/,
    );
    expect(render.schema.output.properties.summary).toBeDefined();
    expect(render.examples.length).toBeGreaterThan(0);
    await backend.stop();
  });

  it('runs a dry run of compose, render and apply through POST /v2/dry-run and leaves the cluster alone', async () => {
    const { backend, records } = await startBackend();
    const before = await snapshotCluster(embedded.cluster);

    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template: template(layerSteps),
        values: {},
        directoryContents: [],
      });

    expect(res.status).toBe(200);
    const files = Object.fromEntries(
      res.body.directoryContents.map(
        (f: { path: string; base64Content: string }) => [
          f.path,
          Buffer.from(f.base64Content, 'base64').toString('utf8'),
        ],
      ),
    );
    expect(files['manifests/Containerfile']).toBe(CONTAINERFILE);
    expect(files['manifests/machineosconfig-worker.yaml']).toContain(
      'imageBuilderType: Job',
    );
    expect(files['manifests/SUMMARY.md']).toContain('### How to revert');
    const log = res.body.log
      .map((l: { body: { message: string } }) => l.body.message)
      .join('\n');
    expect(log).toContain(
      'Dry run: the server accepted every manifest; nothing was written',
    );
    expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    expect(records).toHaveLength(0);
    await backend.stop();
  });

  it('runs a real task that applies the layer and records it with a service token', async () => {
    const entity = {
      ...template([...layerSteps]),
    };
    const { backend, records } = await startBackend({ entities: [entity] });

    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .send({ templateRef: 'template:default/layering-test', values: {} });
    expect(created.status).toBe(201);

    let status = 'open';
    let task: any;
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      task = (
        await request(backend.server).get(
          `/api/scaffolder/v2/tasks/${created.body.id}`,
        )
      ).body;
      status = task.status;
      if (!['completed', 'failed', 'cancelled'].includes(status)) {
        await new Promise(resolve => setImmediate(resolve));
      }
    }
    expect(status).toBe('completed');

    const mosc = await adminApi(embedded.cluster).get(
      '/apis/machineconfiguration.openshift.io/v1/machineosconfigs/worker',
    );
    expect(
      mosc.metadata.annotations['layering.openshift.io/template-run'],
    ).toBe(created.body.id);
    expect(records).toEqual([
      expect.objectContaining({
        cluster: 'ocp-418',
        pool: 'worker',
        kind: 'on-cluster-layer',
        outcome: 'applied',
        taskId: created.body.id,
        caller: 'plugin:scaffolder',
      }),
    ]);
    await backend.stop();
  });

  it('fails the task when the initiator lacks layering.cluster.apply, and writes nothing', async () => {
    const { backend, records } = await startBackend({
      denyDirectApply: true,
      entities: [template([layerSteps[0], layerSteps[1], layerSteps[2]])],
    });
    const before = await snapshotCluster(embedded.cluster);

    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .send({ templateRef: 'template:default/layering-test', values: {} });
    let status = 'open';
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      status = (
        await request(backend.server).get(
          `/api/scaffolder/v2/tasks/${created.body.id}`,
        )
      ).body.status;
      await new Promise(resolve => setImmediate(resolve));
    }
    expect(status).toBe('failed');
    const events = await request(backend.server).get(
      `/api/scaffolder/v2/tasks/${created.body.id}/events`,
    );
    expect(JSON.stringify(events.body)).toContain(
      'the layering.cluster.apply permission is required',
    );
    expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    expect(records).toHaveLength(0);
    await backend.stop();
  });
});
