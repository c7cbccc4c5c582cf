import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Client } from 'pg';
import { freePort, stopProcessGroup } from './__testUtils__/processes';

/**
 * Boots the real backend (packages/backend/src/index.ts, every plugin the portal runs) against a
 * real PostgreSQL server from Debian's packages, to prove the production database path works:
 * the plugins create their databases and run their migrations there.
 */
const repoRoot = resolve(__dirname, '../../..');
const pgScript = join(repoRoot, 'scripts/test-services/postgres.sh');

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      lastError = new Error(`${url} answered ${res.status}`);
    } catch (e) {
      lastError = e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`gave up waiting for ${url}: ${String(lastError)}`);
}

describe('backend on PostgreSQL', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'layering-pg-'));
  let pgPort = 0;
  let pgPassword = '';
  let backend: ChildProcess | undefined;
  let backendPort = 0;
  let backendLog = '';

  beforeAll(async () => {
    const [port, password] = execFileSync('bash', [pgScript, 'start', workDir], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    pgPort = Number(port);
    pgPassword = password;
    backendPort = await freePort();
    const configFile = join(workDir, 'app-config.test.yaml');
    writeFileSync(
      configFile,
      JSON.stringify({
        backend: {
          baseUrl: `http://127.0.0.1:${backendPort}`,
          listen: { port: backendPort, host: '127.0.0.1' },
          database: {
            client: 'pg',
            connection: {
              host: '127.0.0.1',
              port: pgPort,
              user: 'postgres',
              password: pgPassword,
            },
          },
        },
      }),
    );
    backend = spawn(
      join(repoRoot, 'node_modules/.bin/backstage-cli'),
      [
        'package',
        'start',
        '--config',
        join(repoRoot, 'app-config.yaml'),
        '--config',
        configFile,
      ],
      {
        cwd: join(repoRoot, 'packages/backend'),
        env: { ...process.env, NODE_ENV: 'development' },
        detached: true,
      },
    );
    backend.stdout?.on('data', d => (backendLog += d.toString()));
    backend.stderr?.on('data', d => (backendLog += d.toString()));
  });

  afterAll(async () => {
    await stopProcessGroup(backend);
    execFileSync('bash', [pgScript, 'stop', workDir]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('starts, migrates its plugins into PostgreSQL and serves the catalog', async () => {
    try {
      await waitFor(
        `http://127.0.0.1:${backendPort}/.backstage/health/v1/readiness`,
        150_000,
      );
    } catch (e) {
      throw new Error(`${e}\n--- backend log ---\n${backendLog.slice(-4000)}`);
    }

    const client = new Client({
      host: '127.0.0.1',
      port: pgPort,
      user: 'postgres',
      password: pgPassword,
      database: 'postgres',
    });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database ORDER BY datname',
    );
    await client.end();
    const names = rows.map(r => r.datname);
    expect(names).toEqual(
      expect.arrayContaining([
        'backstage_plugin_catalog',
        'backstage_plugin_scaffolder',
        'backstage_plugin_auth',
      ]),
    );

    // A guest session (development sign-in) reads the catalog that now lives in PostgreSQL.
    const refresh = await fetch(
      `http://127.0.0.1:${backendPort}/api/auth/guest/refresh`,
      { headers: { 'x-requested-with': 'XMLHttpRequest' } },
    );
    expect(refresh.ok).toBe(true);
    const session = await refresh.json();
    const token: string = session.backstageIdentity.token;
    let entities: Array<{ metadata: { name: string } }> = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const res = await fetch(
        `http://127.0.0.1:${backendPort}/api/catalog/entities/by-query?filter=kind=group`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(res.status).toBe(200);
      entities = (await res.json()).items;
      if (entities.length >= 2) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    expect(entities.map(e => e.metadata.name).sort()).toEqual([
      'platform',
      'platform-admins',
    ]);
  }, 240_000);
});
