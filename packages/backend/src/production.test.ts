import { startEmbeddedCluster, type EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopProcessGroup } from './__testUtils__/processes';

/**
 * Boots the BUILT backend, the way the portal image runs it: the production bundle of
 * `backstage-cli package build` (packages/backend/dist/bundle.tar.gz: the backend and every
 * workspace package it needs, compiled), unpacked and started with plain `node`, with
 * app-config.production.yaml plus an overlay of test values. PostgreSQL is real (Debian's
 * server), and the one cluster is an embedded OpenShift cluster trusted through `caFile`.
 *
 * The bundle is rebuilt when any source (tests aside) is newer than it: about 8 minutes on a
 * loaded 2-core machine, less on an idle one. LAYERING_BUILT_BACKEND_REUSE=1 keeps an existing
 * bundle whatever its age; LAYERING_SKIP_BUILT_BACKEND=1 skips this suite.
 */
const repoRoot = path.resolve(__dirname, '../../..');
const bundle = path.join(repoRoot, 'packages/backend/dist/bundle.tar.gz');
const pgScript = path.join(repoRoot, 'scripts/test-services/postgres.sh');
const describeBuilt = process.env.LAYERING_SKIP_BUILT_BACKEND ? describe.skip : describe;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    // Tests are not in the bundle, so editing one does not call for a rebuild.
    if (entry.name === 'node_modules' || entry.name.startsWith('dist') || entry.name === '__testUtils__') continue;
    if (/\.test\.tsx?$/.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs,
    );
  }
  return newest;
}

function bundleIsCurrent(): boolean {
  if (!fs.existsSync(bundle)) return false;
  // Keep the bundle as it is (iterating on this test while others edit sources).
  if (process.env.LAYERING_BUILT_BACKEND_REUSE) return true;
  const built = fs.statSync(bundle).mtimeMs;
  const roots = ['packages/backend', 'packages/app', 'plugins'].map(p => path.join(repoRoot, p));
  return roots.every(root => newestSource(root) <= built);
}

/** Polls `check` until it returns a value, or fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`gave up waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/**
 * Unpacks the bundle under .run/ (inside the repository, so third-party packages resolve from
 * the workspace's node_modules) and points the bundle's own workspace packages at their built
 * copies, as `yarn workspaces focus --production` does in the image.
 */
function unpackBundle(target: string): void {
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', bundle, '-C', target]);
  const modules = path.join(target, 'node_modules');
  for (const group of ['packages', 'plugins']) {
    const dir = path.join(target, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const manifest = path.join(dir, name, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkgName: string = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
      const link = path.join(modules, pkgName);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(dir, name), link, 'dir');
    }
  }
}

describeBuilt('the built backend (production bundle) on PostgreSQL with a caFile cluster', () => {
  const runDir = path.join(repoRoot, '.run', `built-backend-${process.pid}`);
  // PostgreSQL runs as its own system user, which may not enter the repository: its data lives in /tmp.
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-built-pg-'));
  const staticToken = randomBytes(24).toString('hex');
  let cluster: EmbeddedCluster | undefined;
  let backend: ChildProcess | undefined;
  let backendLog = '';
  let baseUrl = '';

  beforeAll(async () => {
    if (!bundleIsCurrent()) {
      execFileSync(path.join(repoRoot, '.toolchain/bin/yarn'), ['workspace', 'backend', 'build'], {
        cwd: repoRoot,
        // Jest sets NODE_ENV=test, which no browserslist environment of the app names.
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: 'pipe',
        timeout: 1_500_000,
        maxBuffer: 64 * 1024 * 1024,
      });
    }
    unpackBundle(runDir);

    const [pgPort, pgPassword] = execFileSync('bash', [pgScript, 'start', pgDir], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');

    cluster = await startEmbeddedCluster({
      name: 'openshift',
      stateDir: path.join(repoRoot, 'packages/embedded-cluster/states/ocp-418'),
      speed: 0,
    });
    const caFile = path.join(runDir, 'cluster-ca.crt');
    fs.writeFileSync(caFile, cluster.caCertificate ?? '');

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const overlay = path.join(runDir, 'app-config.test.yaml');
    fs.writeFileSync(
      overlay,
      JSON.stringify({
        backend: {
          listen: { port, host: '127.0.0.1' },
          auth: {
            externalAccess: [{ type: 'static', options: { token: staticToken, subject: 'production-test' } }],
          },
        },
        catalog: {
          locations: [
            { type: 'file', target: path.join(repoRoot, 'catalog/org.yaml'), rules: [{ allow: ['User', 'Group'] }] },
          ],
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'openshift',
                  url: cluster.httpsUrl,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.tokens.readOnly,
                  caFile,
                },
              ],
            },
          ],
        },
        layering: {
          clusters: {
            options: {
              openshift: {
                writer: { serviceAccountToken: cluster.tokens.admin },
                registries: [{ host: '*', mirror: cluster.registryUrl, dangerouslySkipDigestVerification: true }],
              },
            },
          },
          registries: [],
        },
      }),
    );

    backend = spawn(
      process.execPath,
      ['.', '--config', path.join(repoRoot, 'app-config.production.yaml'), '--config', overlay],
      {
        cwd: path.join(runDir, 'packages/backend'),
        detached: true,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          APP_BASE_URL: baseUrl,
          BACKEND_BASE_URL: baseUrl,
          BACKEND_SECRET: randomBytes(24).toString('hex'),
          POSTGRES_HOST: '127.0.0.1',
          POSTGRES_PORT: pgPort,
          POSTGRES_USER: 'postgres',
          POSTGRES_PASSWORD: pgPassword,
          AUTH_GITHUB_CLIENT_ID: 'unused-in-this-test',
          AUTH_GITHUB_CLIENT_SECRET: 'unused-in-this-test',
          GITHUB_TOKEN: 'unused-in-this-test',
          GITHUB_WEBHOOK_SECRET: 'unused-in-this-test',
          OPENSHIFT_API_URL: cluster.httpsUrl,
          OPENSHIFT_READER_TOKEN: cluster.tokens.readOnly,
          OPENSHIFT_WRITER_TOKEN: cluster.tokens.admin,
          OPENSHIFT_CA_DATA: '',
          QUAY_USERNAME: '',
          QUAY_PASSWORD: '',
        },
      },
    );
    backend.stdout?.on('data', d => (backendLog += d.toString()));
    backend.stderr?.on('data', d => (backendLog += d.toString()));
    try {
      await waitFor('the backend to be ready', 180_000, async () => {
        const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
        return res.ok ? true : undefined;
      });
    } catch (error) {
      throw new Error(`${String(error)}\n--- backend log ---\n${backendLog.slice(-4000)}`);
    }
  }, 1_800_000);

  afterAll(async () => {
    await stopProcessGroup(backend);
    await cluster?.stop();
    execFileSync('bash', [pgScript, 'stop', pgDir]);
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(pgDir, { recursive: true, force: true });
  }, 60_000);

  const auth = () => ({ authorization: `Bearer ${staticToken}`, 'content-type': 'application/json' });

  it('serves the fleet of the caFile cluster', async () => {
    const pools = await waitFor('the pools of the cluster', 90_000, async () => {
      const res = await fetch(`${baseUrl}/api/layering/pools`, { headers: auth() });
      if (!res.ok) throw new Error(`GET /pools answered ${res.status}`);
      const { items } = (await res.json()) as { items: Array<{ cluster: string; name: string }> };
      return items.length > 0 ? items : undefined;
    });
    expect(pools.map(p => `${p.cluster}/${p.name}`)).toEqual(
      expect.arrayContaining(['openshift/master', 'openshift/worker']),
    );
  }, 120_000);

  it('dry-runs a layering action against the caFile cluster through the scaffolder', async () => {
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'pause-dry-run' },
      spec: {
        owner: 'group:default/platform',
        type: 'service',
        parameters: [],
        steps: [
          {
            id: 'pause',
            name: 'Pause the worker pool',
            action: 'layering:pool:pause',
            input: { cluster: 'openshift', pool: 'worker', reason: 'dry run', recordRequest: false },
          },
        ],
        output: { changed: '${{ steps.pause.output.changed }}' },
      },
    };
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ template, values: {}, directoryContents: [] }),
    });
    const body = await res.text();
    expect({ status: res.status, body: res.ok ? '' : body }).toEqual({ status: 200, body: '' });
    const result = JSON.parse(body) as {
      steps: Array<{ id: string; status: string }>;
      output: Record<string, unknown>;
      log: Array<{ body: { message: string; stepId?: string; status?: string } }>;
    };
    const messages = result.log.map(l => l.body.message).join('\n');
    expect(result.steps).toEqual([expect.objectContaining({ id: 'pause' })]);
    expect(messages).toContain('Dry run: would pause pool');
    expect(messages).not.toMatch(/failed|503|unavailable/i);
    expect(result.output).toEqual({ changed: true });
  }, 120_000);
});
