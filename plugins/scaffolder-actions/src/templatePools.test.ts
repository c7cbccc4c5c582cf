import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import request from 'supertest';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import { LayeringTemplatePoolsProcessor } from '@rhcos-layering/plugin-catalog-backend-module-layering';
import { scaffolderModuleLayering } from './module';
import { ClusterClients } from './kubernetes/ClusterClients';
import type { KubeObject } from './kubernetes/types';
import { snapshotCluster, useTestCluster } from './__testUtils__/cluster';
import { backendConfigFor } from './__testUtils__/scaffolderBackend';

/** A template of the repository, as the catalog reads it. */
function repositoryTemplate(file: string) {
  const root = path.resolve(__dirname, '../../..');
  return yaml.parse(readFileSync(path.join(root, 'templates', file), 'utf8'));
}

/*
 * The catalog module's template processor and the scaffolder together: the template as the
 * catalog serves it after processing, with the pools read live from an embedded cluster.
 */
describe('layering templates with live pool choices in the scaffolder', () => {
  const embedded = useTestCluster({}, 'all');

  function processor() {
    const details: LayeringClusterDetails = {
      name: 'ocp-418',
      url: embedded.cluster.url,
      skipTLSVerify: true,
      authMetadata: {},
      reader: { type: 'token', token: embedded.cluster.tokens.readOnly },
      registries: [],
      source: 'custom',
    };
    const clusters = new ClusterClients([details], { logger: mockServices.logger.mock() });
    return new LayeringTemplatePoolsProcessor({
      pools: async () => {
        const reader = await clusters.reader('ocp-418');
        const pools = await reader.list<KubeObject>(
          'machineconfiguration.openshift.io/v1',
          'MachineConfigPool',
        );
        return new Map([['ocp-418', pools.map(p => p.metadata.name)]]);
      },
    });
  }

  it('narrows the pool field of a layering template to the live clusters and pools, and leaves other entities alone', async () => {
    const p = processor();
    const template = repositoryTemplate('pause-resume-pool.yaml');
    const processed: any = await p.preProcessEntity(template);
    const target = processed.spec.parameters[0].properties.target;
    expect(target.properties.cluster.enum).toEqual(['ocp-418']);
    expect(target.if).toEqual({ properties: { cluster: { const: 'ocp-418' } } });
    expect(target.then.properties.pool.enum).toEqual(
      expect.arrayContaining(['infra', 'master', 'worker']),
    );
    // What the form needs is untouched.
    expect(target['ui:field']).toBe('LayeringPoolPicker');
    expect(target.properties.pool.pattern).toBe(template.spec.parameters[0].properties.target.properties.pool.pattern);
    expect(processed.spec.parameters[1]).toEqual(template.spec.parameters[1]);
    expect(processed.spec.steps).toEqual(template.spec.steps);

    const other = { kind: 'Template', spec: { type: 'service', parameters: template.spec.parameters } };
    await expect(p.preProcessEntity(other as any)).resolves.toBe(other);
  }, 60_000);

  it('lets the scaffolder refuse a task for a pool the cluster does not have with a 400 naming the field, writing nothing', async () => {
    const template = await processor().preProcessEntity(
      repositoryTemplate('pause-resume-pool.yaml'),
    );
    const permissions = mockServices.permissions.mock({
      authorize: async requests => requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async requests => requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleLayering,
        permissions.factory,
        catalogServiceMock.factory({ entities: [template] }),
        mockServices.rootConfig.factory({ data: backendConfigFor(embedded.cluster) }),
      ],
    });
    try {
      const before = await snapshotCluster(embedded.cluster);
      const post = (target: object) =>
        request(backend.server)
          .post('/api/scaffolder/v2/tasks')
          .send({
            templateRef: 'template:default/layering-pause-resume-pool',
            values: { target, operation: 'pause' },
          });

      const missingPool = await post({ cluster: 'ocp-418', pool: 'no-such-pool' });
      expect(missingPool.status).toBe(400);
      expect(missingPool.body.errors).toEqual([
        expect.objectContaining({
          property: 'instance.target.pool',
          message: expect.stringMatching(/^is not one of enum values: .*worker/),
        }),
      ]);

      const missingCluster = await post({ cluster: 'no-such-cluster', pool: 'worker' });
      expect(missingCluster.status).toBe(400);
      expect(missingCluster.body.errors).toEqual([
        expect.objectContaining({ property: 'instance.target.cluster' }),
      ]);

      // No task was created, and the cluster is as it was.
      const tasks = await request(backend.server).get('/api/scaffolder/v2/tasks');
      expect(tasks.status).toBe(200);
      expect(tasks.body.tasks).toEqual([]);
      expect(await snapshotCluster(embedded.cluster)).toEqual(before);
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
