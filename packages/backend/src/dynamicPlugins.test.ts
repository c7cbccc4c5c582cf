import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { startEmbeddedCluster, type EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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
// LAYERING_SKIP_DYNAMIC_EXPORT=1 skips the suite; LAYERING_DYNAMIC_REUSE_BUILD=1 exports the
// packages' existing dist/ even when a source is newer (iterating while others edit sources).
const describeDynamic = process.env.LAYERING_SKIP_DYNAMIC_EXPORT ? describe.skip : describe;

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
    // A build newer than the sources (e.g. from the backend bundle) is reused.
    const built = path.join(dir, 'dist/index.cjs.js');
    const fresh =
      fs.existsSync(built) &&
      (fs.statSync(built).mtimeMs >= sources || Boolean(process.env.LAYERING_DYNAMIC_REUSE_BUILD));
    // --no-install: the export's dependencies resolve from the workspace's node_modules above it.
    execFileSync(yarn, ['export-dynamic', '--clean', '--no-install', ...(fresh ? ['--no-build'] : [])], {
      cwd: dir,
      stdio: 'pipe',
      timeout: 600_000,
    });
  }
  // What `yarn install` in the export would do with its `file:./embedded/...` resolutions: the
  // embedded packages answer to their names, ahead of the workspace's source packages.
  const embedded = path.join(out, 'embedded');
  for (const name of fs.existsSync(embedded) ? fs.readdirSync(embedded) : []) {
    const pkgName: string = JSON.parse(fs.readFileSync(path.join(embedded, name, 'package.json'), 'utf8')).name;
    const link = path.join(out, 'node_modules', pkgName);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(path.join(embedded, name), link, 'dir');
  }
  return out;
}

describeDynamic('the backend packages as RHDH dynamic plugins', () => {
  // Inside the repository, as RHDH's dynamic-plugins-root sits inside its app: the loader wants
  // the backend's own node_modules above the plugins it loads.
  fs.mkdirSync(path.join(repoRoot, '.run'), { recursive: true });
  const root = fs.mkdtempSync(path.join(repoRoot, '.run', 'dynamic-plugins-'));
  let cluster: EmbeddedCluster | undefined;
  const names: string[] = [];
  // The loader's plugin scanner watches the root directory with chokidar and never closes the
  // watcher when the backend stops: removing the root afterwards made it scan a missing directory
  // (ENOENT, failing whichever test of the worker ran next) and kept the worker from exiting.
  // Its watchers are collected here and closed before the root is removed.
  const chokidar: { watch: (...args: any[]) => { close(): Promise<void> } } = require(
    require.resolve('chokidar', {
      paths: [require.resolve('@backstage/backend-dynamic-feature-service')],
    }),
  );
  const watchers: Array<{ close(): Promise<void> }> = [];
  const watch = chokidar.watch;
  const watchSpy = jest.spyOn(chokidar, 'watch').mockImplementation((...args) => {
    const watcher = watch.apply(chokidar, args);
    watchers.push(watcher);
    return watcher;
  });

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
    await Promise.all(watchers.map(w => w.close()));
    watchSpy.mockRestore();
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
      // -common (and -node) are embedded: they resolve to the copies inside the export, not to
      // packages RHDH would have to provide.
      expect(manifest.resolutions['@rhcos-layering/plugin-layering-common']).toMatch(/^file:\.\/embedded\//);
      const deps = Object.entries<string>(manifest.dependencies ?? {});
      const ours = deps.filter(([name]) => name.startsWith('@rhcos-layering/'));
      expect(ours.map(([name]) => [name, manifest.resolutions[name]])).toEqual(
        ours.map(([name]) => [name, expect.stringMatching(/^file:\.\/embedded\//)]),
      );
      expect(deps.filter(([, version]) => /^(link|workspace):/.test(version))).toEqual([]);
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
                      caData: Buffer.from(cluster!.caCertificate ?? '').toString('base64'),
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
      // The spy saw the scanner's watcher, so it is closed before the root goes.
      expect(watchers.length).toBeGreaterThan(0);
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
