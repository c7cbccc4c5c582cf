import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
// The override must reach the layering backend too, so this test runs both.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import layeringPlugin from '@rhcos-layering/plugin-layering-backend';
import {
  layeringClustersServiceRef,
  type LayeringClusterDetails,
} from '@rhcos-layering/plugin-layering-node';
import { scaffolderModuleLayering } from './module';
import { adminApi, snapshotCluster, useTestCluster } from './__testUtils__/cluster';
import { backendConfigFor, templateEntity } from './__testUtils__/scaffolderBackend';

jest.setTimeout(120_000);

/** The sample's infra pool is paused; resuming it is one write (a merge patch of spec.paused). */
const resumeSteps = [
  {
    id: 'resume',
    action: 'layering:pool:resume',
    input: { cluster: 'ocp-418', pool: 'infra', reason: 'roll out', recordRequest: false },
  },
];

/** Waits (on the task's status, not on time) until the task has finished; returns it and its log. */
async function runTask(server: any, secrets?: Record<string, string>) {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .send({ templateRef: 'template:default/layering-clusters', values: {}, secrets });
  expect(created.status).toBe(201);
  let task: any = { status: 'open' };
  while (!['completed', 'failed', 'cancelled'].includes(task.status)) {
    await new Promise(resolve => setImmediate(resolve));
    task = (await request(server).get(`/api/scaffolder/v2/tasks/${created.body.id}`)).body;
  }
  const events = await request(server).get(`/api/scaffolder/v2/tasks/${created.body.id}/events`);
  return { task, log: JSON.stringify(events.body) };
}

describe('the actions write with the cluster writer only', () => {
  const embedded = useTestCluster();

  async function startBackend(writer: Record<string, string> | null) {
    return startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleLayering,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({
          entities: [templateEntity('layering-clusters', resumeSteps) as any],
        }),
        mockServices.rootConfig.factory({ data: backendConfigFor(embedded.cluster, { writer }) }),
      ],
    });
  }

  const infraPaused = async () =>
    (
      await adminApi(embedded.cluster).get(
        '/apis/machineconfiguration.openshift.io/v1/machineconfigpools/infra',
      )
    ).spec.paused ?? false;

  it('refuses to write when no writer is configured, naming the key, and writes nothing', async () => {
    const backend = await startBackend(null);
    try {
      const before = await snapshotCluster(embedded.cluster);
      const { task, log } = await runTask(backend.server);
      expect(task.status).toBe('failed');
      expect(log).toContain('layering.clusters.options.ocp-418.writer');
      expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('with authProvider user, needs the task secret openshiftToken and then acts with it', async () => {
    const backend = await startBackend({ authProvider: 'user' });
    try {
      const before = await snapshotCluster(embedded.cluster);
      const missing = await runTask(backend.server);
      expect(missing.task.status).toBe('failed');
      expect(missing.log).toContain('secrets.openshiftToken');
      expect(await snapshotCluster(embedded.cluster)).toEqual(before);

      // A token the cluster refuses: the write fails as that person, not as the portal.
      const refused = await runTask(backend.server, { openshiftToken: 'someone-else' });
      expect(refused.task.status).toBe('failed');
      expect(refused.log).not.toContain('someone-else');
      expect(await infraPaused()).toBe(true);

      const person = embedded.cluster.tokens.admin;
      const done = await runTask(backend.server, { openshiftToken: person });
      expect(done.task.status).toBe('completed');
      expect(await infraPaused()).toBe(false);
      // The person's token is in no log line and no output.
      expect(done.log).not.toContain(person);
      expect(JSON.stringify(done.task)).not.toContain(person);
    } finally {
      await backend.stop();
    }
  });
});

describe('a layeringClustersServiceRef override', () => {
  const embedded = useTestCluster();

  it('reaches both the layering backend and the actions', async () => {
    const cluster = embedded.cluster;
    const supplied: LayeringClusterDetails = {
      name: 'supplied',
      url: cluster.httpsUrl ?? cluster.url,
      caData: cluster.caCertificate
        ? Buffer.from(cluster.caCertificate).toString('base64')
        : undefined,
      skipTLSVerify: !cluster.caCertificate,
      authMetadata: {},
      reader: { type: 'token', token: cluster.tokens.readOnly },
      registries: [],
      source: 'custom',
    };
    const steps = [
      {
        id: 'compose',
        action: 'layering:containerfile:compose',
        input: { cluster: 'supplied', mode: 'on-cluster', packages: ['tmux'] },
      },
    ];
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        layeringPlugin,
        scaffolderModuleLayering,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: [] }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        // Nothing under kubernetes.clusterLocatorMethods: the clusters come from the override.
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007', listen: { port: 0 } } },
        }),
        createServiceFactory({
          service: layeringClustersServiceRef,
          deps: {},
          factory: () => ({ getClusters: async () => [supplied] }),
        }),
      ],
    });
    try {
      const clusters = await request(backend.server).get('/api/layering/clusters');
      expect(clusters.status).toBe(200);
      expect(clusters.body.items.map((c: { name: string }) => c.name)).toEqual(['supplied']);

      const dryRun = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .send({
          template: templateEntity('supplied-compose', steps),
          values: {},
          directoryContents: [],
        });
      expect(dryRun.status).toBe(200);
      // The action found the supplied cluster and read its release through the reader.
      const log = JSON.stringify(dryRun.body.log);
      expect(log).toContain('Dry run: composed the Containerfile');
      expect(log).not.toContain('is not a configured cluster');
    } finally {
      await backend.stop();
    }
  });
});
