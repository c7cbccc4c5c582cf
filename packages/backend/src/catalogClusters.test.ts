import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { startEmbeddedCluster, type EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import layeringPlugin from '@rhcos-layering/plugin-layering-backend';
import layeringActions from '@rhcos-layering/plugin-scaffolder-backend-module-layering';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

/**
 * The `catalog` cluster locator against the real catalog: a cluster registered as a Resource
 * entity (the Kubernetes plugin's annotations, as an OCM or a hand-written catalog file has them)
 * is watched by the layering backend and written to by the actions, with the credentials of
 * `layering.clusters.options`, and nothing else has to name it.
 */
describe('clusters from the catalog (kubernetes.clusterLocatorMethods type catalog)', () => {
  let cluster: EmbeddedCluster;
  let dir: string;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      name: 'prod-east',
      stateDir: path.join(repoRoot, 'packages/embedded-cluster/states/ocp-418'),
      speed: 0,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-clusters-'));
    // The reader's token as a mounted file, re-read when it changes (a projected token).
    fs.writeFileSync(path.join(dir, 'reader-token'), cluster.tokens.readOnly);
    fs.writeFileSync(
      path.join(dir, 'clusters.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Resource',
        'metadata:',
        '  name: prod-east',
        '  title: Production east',
        '  annotations:',
        `    kubernetes.io/api-server: ${cluster.httpsUrl}`,
        `    kubernetes.io/api-server-certificate-authority: ${Buffer.from(cluster.caCertificate ?? '').toString('base64')}`,
        '    kubernetes.io/auth-provider: serviceAccount',
        'spec:',
        '  type: kubernetes-cluster',
        '  owner: group:default/platform',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('watches the catalog cluster and dry-runs an action against it', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolderPlugin,
        layeringPlugin,
        layeringActions,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Resource', 'Location'] }],
              locations: [{ type: 'file', target: path.join(dir, 'clusters.yaml') }],
              processingInterval: { seconds: 1 },
            },
            kubernetes: { clusterLocatorMethods: [{ type: 'catalog' }] },
            layering: {
              clusters: {
                options: {
                  'prod-east': {
                    reader: { serviceAccountTokenFile: path.join(dir, 'reader-token') },
                    writer: { serviceAccountToken: cluster.tokens.admin },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    try {
      const base = `http://localhost:${backend.server.port()}`;
      const headers = { authorization: mockCredentials.user.header() };
      const deadline = Date.now() + 150_000;
      let clusters: Array<{ name: string; status: string; release: { version: string | null } }> = [];
      let pools: string[] = [];
      // The catalog ingests the file, then the locator's next look finds it, then the watches sync
      // and the pool views are built (after the status turns ok: wait for both).
      while (Date.now() < deadline) {
        const res = await fetch(`${base}/api/layering/clusters`, { headers });
        clusters = res.ok ? ((await res.json()) as { items: typeof clusters }).items : [];
        if (clusters.some(c => c.status === 'ok' && c.release.version)) {
          const answer = await fetch(`${base}/api/layering/clusters/prod-east/pools`, { headers });
          pools = answer.ok ? ((await answer.json()) as { items: Array<{ name: string }> }).items.map(p => p.name) : [];
          if (pools.includes('master') && pools.includes('worker')) break;
        }
        await new Promise(r => setTimeout(r, 500));
      }
      expect(clusters).toEqual([
        expect.objectContaining({ name: 'prod-east', status: 'ok', release: expect.objectContaining({ version: '4.18.21' }) }),
      ]);
      expect(pools).toEqual(expect.arrayContaining(['master', 'worker']));

      // The scaffolder module reads the same catalog cluster: a dry run of a pause reaches it.
      const run = await fetch(`${base}/api/scaffolder/v2/dry-run`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          template: {
            apiVersion: 'scaffolder.backstage.io/v1beta3',
            kind: 'Template',
            metadata: { name: 'pause', namespace: 'default' },
            spec: {
              type: 'layering-request',
              parameters: [],
              steps: [
                {
                  id: 'pause',
                  name: 'Pause',
                  action: 'layering:pool:pause',
                  input: { cluster: 'prod-east', pool: 'worker' },
                },
              ],
            },
          },
          values: {},
          directoryContents: [],
        }),
      });
      const body = (await run.json()) as { log: Array<{ body: { message?: string; status?: string } }> };
      const messages = body.log.map(l => l.body.message ?? '').join('\n');
      expect(run.status).toBe(200);
      expect(body.log.some(l => l.body.status === 'failed')).toBe(false);
      // It read the pool on the catalog cluster with the configured writer, and changed nothing.
      expect(messages).toContain('Dry run: would pause pool');
    } finally {
      await backend.stop();
    }
  }, 240_000);
});
