import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import {
  TEST_POOLS,
  TEST_USER,
  clusterReader,
  directoryContentsFor,
  dryRunTemplate,
  loadTemplates,
  poolPath,
  startTemplateBackend,
  startTestCluster,
  type TemplateBackend,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, GITHUB, TEMPLATE_VALUES } from './fixtures';

jest.setTimeout(120_000);

describe('every template in the scaffolder dry-run API', () => {
  let cluster: EmbeddedCluster;
  let backend: TemplateBackend;

  beforeAll(async () => {
    cluster = await startTestCluster();
    backend = await startTemplateBackend({ cluster, pools: TEST_POOLS });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it('uses only actions the scaffolder has registered', async () => {
    const res = await request(backend.server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header(TEST_USER));
    expect(res.status).toBe(200);
    const registered = new Set(
      (res.body as Array<{ id: string }>).map(a => a.id),
    );
    const used = new Set(
      (await loadTemplates()).flatMap(t =>
        t.entity.spec.steps.map(step => String(step.action)),
      ),
    );
    expect([...used].filter(id => !registered.has(id))).toEqual([]);
    expect([...used].sort()).toEqual([
      'catalog:fetch',
      'debug:log',
      'fetch:template',
      'github:issues:label',
      'gitlab:repo:push',
      'layering:cluster:apply',
      'layering:containerfile:compose',
      'layering:layer:revert',
      'layering:manifest:render',
      'layering:merge-request:find',
      'layering:merge-request:update',
      'layering:pool:pause',
      'layering:pool:resume',
      'layering:request:record',
      'publish:github:pull-request',
      'publish:gitlab:merge-request',
    ]);
  });

  it('has values for every registered template', async () => {
    const names = (await loadTemplates())
      .map(t => t.entity.metadata.name)
      .sort();
    expect(Object.keys(TEMPLATE_VALUES).sort()).toEqual(names);
  });

  it.each(Object.keys(TEMPLATE_VALUES))(
    '%s: runs with direct and pull-request delivery',
    async name => {
      const template = (await loadTemplates()).find(
        t => t.entity.metadata.name === name,
      )!;
      const reader = clusterReader(cluster);
      const before = await reader.get(
        '/apis/machineconfiguration.openshift.io/v1/machineconfigpools',
      );
      for (const delivery of [DIRECT, GITHUB]) {
        const res = await dryRunTemplate(
          backend.server,
          template.entity as any,
          { ...TEMPLATE_VALUES[name], ...delivery },
          await directoryContentsFor(template),
        );
        const failed =
          res.status === 200
            ? res.body.log.filter((l: any) => l.body.status === 'failed')
            : res.body;
        expect({
          delivery: delivery.delivery,
          status: res.status,
          failed,
        }).toEqual({
          delivery: delivery.delivery,
          status: 200,
          failed: [],
        });
        // Everything the run would commit lives under the cluster's and pool's folder.
        const pool = (TEMPLATE_VALUES[name].target as { pool: string }).pool;
        for (const file of res.body.directoryContents as Array<{
          path: string;
        }>) {
          expect(file.path).toMatch(
            new RegExp(
              `^(pull-request/)?clusters/ocp-418/pools/${pool}/[^/]+$|^deletions/`,
            ),
          );
        }
      }
      // A dry run changes nothing on the cluster.
      const after = await reader.get(
        '/apis/machineconfiguration.openshift.io/v1/machineconfigpools',
      );
      expect(after.items.map((p: any) => p.metadata.resourceVersion)).toEqual(
        before.items.map((p: any) => p.metadata.resourceVersion),
      );
    },
  );

  it('rejects form values the parameter schema forbids, naming the field', async () => {
    const template = (await loadTemplates()).find(
      t => t.entity.metadata.name === 'layering-on-cluster-image',
    )!;
    const res = await dryRunTemplate(
      backend.server,
      template.entity as any,
      {
        ...TEMPLATE_VALUES['layering-on-cluster-image'],
        ...DIRECT,
        target: { cluster: 'ocp-418', pool: 'Not_A_Pool' },
        pushSpec: 'registry.example.com/no-tag',
      },
      await directoryContentsFor(template),
    );
    expect(res.status).toBe(400);
    const messages = JSON.stringify(res.body.errors);
    expect(messages).toContain('target.pool');
    expect(
      (await clusterReader(cluster).get(poolPath('edge'))).spec.paused,
    ).toBe(false);
  });
});
