import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { startEmbeddedCluster, type EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The backend packages as Red Hat Developer Hub loads them: each exported with its
 * `export-dynamic` script (rhdh-cli plugin export, into dist-dynamic/), then loaded by Backstage's
 * dynamic plugin loader (`dynamicPluginsFeatureLoader`) from a dynamic plugins root folder, next
 * to the statically installed catalog and scaffolder, as in RHDH.
 *
 * The export builds each package, which needs the type declarations in dist-types (`yarn tsc`;
 * `npm test` makes them for the API reports before the tests run). A package is exported again
 * when one of its sources is newer than its export.
 */
const repoRoot = path.resolve(__dirname, '../../..');
const yarn = path.join(repoRoot, '.toolchain/bin/yarn');
const exported = [
  'plugins/layering-backend',
  'plugins/scaffolder-actions',
  'plugins/catalog-backend-module-layering',
];
// TODO(H5): not yet run to the end (the export needs dist-types, which a cold `yarn tsc` on the
// loaded build machine did not produce in time); opt in with LAYERING_TEST_DYNAMIC_EXPORT=1 until
// it has passed once, then run it by default.
const describeDynamic = process.env.LAYERING_TEST_DYNAMIC_EXPORT ? describe : describe.skip;

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

function exportDynamic(pkgDir: string): string {
  const dir = path.join(repoRoot, pkgDir);
  const out = path.join(dir, 'dist-dynamic');
  const manifest = path.join(out, 'package.json');
  const sources = Math.max(newest(path.join(dir, 'src')), fs.statSync(path.join(dir, 'package.json')).mtimeMs);
  if (!fs.existsSync(manifest) || fs.statSync(manifest).mtimeMs < sources) {
    // --no-install: the export's dependencies resolve from the workspace's node_modules above it.
    execFileSync(yarn, ['export-dynamic', '--clean', '--no-install'], {
      cwd: dir,
      stdio: 'pipe',
      timeout: 600_000,
    });
  }
  return out;
}

describeDynamic('the backend packages as RHDH dynamic plugins', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-dynamic-'));
  let cluster: EmbeddedCluster | undefined;
  const names: string[] = [];

  beforeAll(async () => {
    for (const pkg of exported) {
      const out = exportDynamic(pkg);
      const name: string = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')).name;
      names.push(name);
      fs.symlinkSync(out, path.join(root, name.replace(/^@/, '').replace('/', '-')), 'dir');
    }
    cluster = await startEmbeddedCluster({
      name: 'ocp-418',
      stateDir: path.join(repoRoot, 'packages/embedded-cluster/states/ocp-418'),
      speed: 0,
    });
  }, 1_200_000);

  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('exports each package under its -dynamic name, with the embedded packages inside', () => {
    expect(names).toEqual([
      '@rhcos-layering/plugin-layering-backend-dynamic',
      '@rhcos-layering/plugin-scaffolder-backend-module-layering-dynamic',
      '@rhcos-layering/plugin-catalog-backend-module-layering-dynamic',
    ]);
    for (const pkg of exported) {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(repoRoot, pkg, 'dist-dynamic/package.json'), 'utf8'),
      );
      // -common and -node are embedded, not dependencies RHDH would have to provide.
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@rhcos-layering/plugin-layering-common');
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@rhcos-layering/plugin-layering-node');
    }
  });

  it('loads them with the dynamic plugin loader and serves /api/layering/clusters', async () => {
    const backend = await startTestBackend({
      features: [
        dynamicPluginsFeatureLoader,
        catalogPlugin,
        scaffolderPlugin,
        mockServices.rootConfig.factory({
          data: {
            dynamicPlugins: { rootDirectory: root },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'ocp-418',
                      url: cluster!.httpsUrl,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: cluster!.tokens.readOnly,
                      caData: Buffer.from(cluster!.caCertificate).toString('base64'),
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      const base = `http://localhost:${backend.server.port()}`;
      const headers = { authorization: mockCredentials.user.header() };
      const res = await fetch(`${base}/api/layering/clusters`, { headers });
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: Array<{ name: string }> };
      expect(items.map(c => c.name)).toEqual(['ocp-418']);

      // The scaffolder module's actions are registered with the statically installed scaffolder.
      const actions = await fetch(`${base}/api/scaffolder/v2/actions`, { headers });
      const ids = ((await actions.json()) as Array<{ id: string }>).map(a => a.id);
      expect(ids).toEqual(expect.arrayContaining(['layering:pool:pause', 'layering:cluster:apply']));
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
