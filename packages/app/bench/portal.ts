/*
 * What the browser benchmark runs against: the bench fleet (a child process of embedded
 * clusters), the production build of the app, and the portal (one backend on PostgreSQL, which
 * also serves the production build, plus the frontend's development server). Every child leads its own process
 * group and is stopped by `stopChildren`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../../..');

const children: ChildProcess[] = [];
/** The PostgreSQL server the portal uses, when the benchmark started one. */
let database: { config: object; stop(): void } | undefined;

export function log(message: string) {
  process.stdout.write(`${message}\n`);
}

/** Stops what the benchmark started: SIGTERM to each child's process group, SIGKILL after 10 s. */
export async function stopChildren() {
  const signal = (child: ChildProcess, name: NodeJS.Signals) => {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
    // Each child leads its own process group: signal the group (the portal runs several).
    try {
      process.kill(-child.pid, name);
    } catch {
      child.kill(name);
    }
  };
  children.forEach(child => signal(child, 'SIGTERM'));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && children.some(c => c.exitCode === null && c.signalCode === null)) {
    await new Promise(r => setTimeout(r, 200));
  }
  children.forEach(child => signal(child, 'SIGKILL'));
  database?.stop();
  database = undefined;
}

/**
 * The portal's database as a production install has it: a throw-away PostgreSQL server
 * (scripts/test-services/postgres.sh, Debian's packages). With SQLite the catalog's queries
 * run on the backend's event loop and hold every other request back, which no production
 * portal does. BENCH_DATABASE=sqlite keeps the development default (in-memory SQLite).
 */
function startDatabase(): object | undefined {
  if (process.env.BENCH_DATABASE === 'sqlite') {
    log('database: in-memory SQLite (BENCH_DATABASE=sqlite)');
    return undefined;
  }
  const script = resolve(REPO, 'scripts/test-services/postgres.sh');
  // Its own directory: PostgreSQL runs as another user, which must reach it.
  const dir = mkdtempSync(join(tmpdir(), 'layering-browser-bench-pg-'));
  try {
    const [port, password] = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8' })
      .trim()
      .split(' ');
    log(`database: PostgreSQL on port ${port}`);
    const config = {
      client: 'pg',
      connection: { host: '127.0.0.1', port: Number(port), user: 'postgres', password },
    };
    database = {
      config,
      stop: () => {
        execFileSync('bash', [script, 'stop', dir]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return config;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    log(`database: in-memory SQLite (PostgreSQL could not start: ${String(error).split('\n')[0]})`);
    return undefined;
  }
}

/** One cluster of the bench fleet. */
export interface BenchCluster {
  name: string;
  url: string;
  token: string;
}

/** The bench fleet in a child process; resolves with its clusters once they are settled. */
export async function startFleet(clusters: number, pools: number): Promise<BenchCluster[]> {
  const child = spawn(
    'yarn',
    ['tsx', 'bench/fleetServer.ts', String(clusters), String(pools), String(pools)],
    {
      cwd: resolve(REPO, 'plugins/layering-backend'),
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) {
      return (JSON.parse(line) as { clusters: BenchCluster[] }).clusters;
    }
  }
  throw new Error('the bench fleet ended before it was ready');
}

/** Runs `yarn build` in packages/app (the production bundle in packages/app/dist). */
export async function buildApp(): Promise<void> {
  mkdirSync(resolve(REPO, '.run'), { recursive: true });
  const logFile = resolve(REPO, '.run/bench-app-build.log');
  const out = openSync(logFile, 'w');
  const child = spawn('yarn', ['build'], {
    cwd: resolve(REPO, 'packages/app'),
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.push(child);
  const code = await new Promise<number | null>(done => child.once('exit', done));
  if (code !== 0 || !existsSync(resolve(REPO, 'packages/app/dist/index.html'))) {
    throw new Error(`the production build of the app failed; see ${logFile}`);
  }
}

/** Where the portal answers. */
export interface PortalUrls {
  /** The backend, which also serves the production build of the app. */
  backend: string;
  /** The frontend's development server (not started when undefined). */
  development?: string;
}

/**
 * The portal reading the bench clusters: one backend (without the development watcher, which
 * restarts it on every source change; its app plugin serves packages/app/dist) and, if asked, the
 * frontend's development server. Resolves when everything answers.
 */
export async function startPortal(
  clusters: BenchCluster[],
  options: { backendPort: number; devPort?: number; production: boolean },
): Promise<PortalUrls> {
  const backendUrl = `http://localhost:${options.backendPort}`;
  const devUrl = options.devPort ? `http://localhost:${options.devPort}` : undefined;
  const locator = [
    {
      type: 'config',
      clusters: clusters.map(c => ({
        name: c.name,
        url: c.url.replace(/^http:/, 'https:'),
        authProvider: 'serviceAccount',
        serviceAccountToken: c.token,
        // The bench clusters make a new CA per start; their TLS is not what is measured here.
        skipTLSVerify: true,
      })),
    },
  ];
  // The portal's output goes to a file: the figures stay readable, and a failed start can be read.
  mkdirSync(resolve(REPO, '.run'), { recursive: true });
  const logFile = resolve(REPO, '.run/bench-portal.log');
  const out = openSync(logFile, 'w');
  log(`portal output: ${logFile}`);
  const databaseConfig = startDatabase();
  const env = {
    ...process.env,
    ...(databaseConfig ? { APP_CONFIG_backend_database: JSON.stringify(databaseConfig) } : {}),
    BROWSER: 'none',
    APP_CONFIG_kubernetes_clusterLocatorMethods: JSON.stringify(locator),
    // Ports of its own, so the benchmark does not collide with a portal started by `npm start`.
    APP_CONFIG_app_baseUrl: devUrl ?? backendUrl,
    APP_CONFIG_backend_baseUrl: backendUrl,
    APP_CONFIG_backend_listen_port: String(options.backendPort),
    APP_CONFIG_backend_cors_origin: devUrl ?? backendUrl,
    // app-config.yaml's OpenShift OAuth client needs a secret to start; nothing signs in with it here.
    LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET:
      process.env.LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET ?? randomBytes(24).toString('hex'),
  };
  const backend = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index',
    ],
    {
      cwd: resolve(REPO, 'packages/backend'),
      // As the CLI sets it: the guest sign-in of the embedded default exists in development only.
      env: { ...env, NODE_ENV: 'development' },
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  children.push(backend);
  const started = [backend];
  if (devUrl) {
    const dev = spawn('yarn', ['workspace', 'app', 'start'], {
      cwd: REPO,
      env,
      stdio: ['ignore', out, out],
      detached: true,
    });
    children.push(dev);
    started.push(dev);
  }
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (started.some(c => c.exitCode !== null)) {
      throw new Error(`the portal stopped while starting; see ${logFile}`);
    }
    const ok = await Promise.all([
      fetch(`${backendUrl}/.backstage/health/v1/readiness`).then(r => r.ok, () => false),
      // The production build, served by the backend's app plugin.
      options.production ? fetch(backendUrl).then(r => r.ok, () => false) : true,
      devUrl ? fetch(devUrl).then(r => r.ok, () => false) : true,
    ]);
    if (ok.every(Boolean)) return { backend: backendUrl, development: devUrl };
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error('the portal did not answer within 15 minutes');
}
