import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The real backend plugin runs next to the module here; production code never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import layeringPlugin from '@rhcos-layering/plugin-layering-backend';
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { scaffolderModuleLayering } from './module';
import { useTestCluster } from './__testUtils__/cluster';
import {
  backendConfigFor,
  templateEntity,
} from './__testUtils__/scaffolderBackend';

// The backend starts, syncs its caches and runs a task: give the test room on a busy machine.
jest.setTimeout(180_000);

/**
 * Asks again until `check` stops throwing (the backend's watch caches fill asynchronously), for
 * at most `timeoutMs` of wall time however slowly each check answers; then throws its last error.
 */
async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
}

const template = (steps: object[]) =>
  templateEntity('layering-with-backend', steps);

/**
 * The actions with the real layering backend plugin in the same backend: service-to-service
 * request records (validated by the backend's strict body schema), the pool view for the drift
 * in the summary, and the release route.
 */
describe('the layering actions with the real layering backend', () => {
  const embedded = useTestCluster({}, 'all');

  it('records a direct change in the pool history and shows the backend drift in the summary', async () => {
    const { cluster } = embedded;
    const steps = [
      {
        id: 'render',
        action: 'layering:manifest:render',
        input: {
          cluster: 'ocp-418',
          pool: 'worker',
          mode: 'out-of-cluster',
          image:
            'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f',
        },
      },
      {
        id: 'pause',
        action: 'layering:pool:pause',
        input: { cluster: 'ocp-418', pool: 'worker', reason: 'review first' },
      },
    ];
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        layeringPlugin,
        scaffolderModuleLayering,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: [template(steps) as any] }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        mockServices.rootConfig.factory({
          data: {
            ...backendConfigFor(cluster),
            layering: {
              ...backendConfigFor(cluster).layering,
              registries: [
                {
                  host: '*',
                  mirror: cluster.registryUrl,
                  dangerouslySkipDigestVerification: true,
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      // Wait until the backend's caches know the pool.
      await eventually(async () => {
        const res = await request(backend.server).get(
          '/api/layering/clusters/ocp-418/pools/worker',
        );
        expect(res.status).toBe(200);
        expect(res.body.drift.status).not.toBe('unknown');
      });

      const created = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .send({
          templateRef: 'template:default/layering-with-backend',
          values: {},
        });
      expect(created.status).toBe(201);
      const task = await eventually(async () => {
        const res = await request(backend.server).get(
          `/api/scaffolder/v2/tasks/${created.body.id}`,
        );
        expect(['completed', 'failed']).toContain(res.body.status);
        return res.body;
      });
      expect(task.status).toBe('completed');

      const history = await request(backend.server).get(
        '/api/layering/clusters/ocp-418/pools/worker/requests',
      );
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          cluster: 'ocp-418',
          pool: 'worker',
          kind: 'pause',
          delivery: 'direct',
          outcome: 'applied',
          taskId: created.body.id,
        }),
      ]);

      const dryRun = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .send({
          template: template([steps[0]]),
          values: {},
          directoryContents: [],
        });
      expect(dryRun.status).toBe(200);
      const summary = Buffer.from(
        dryRun.body.directoryContents.find(
          (f: { path: string }) => f.path === 'manifests/SUMMARY.md',
        ).base64Content,
        'base64',
      ).toString('utf8');
      expect(summary).toMatch(/- Before: behind — /);
    } finally {
      await backend.stop();
    }
  });
});
