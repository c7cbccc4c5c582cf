/*
 * Replica benchmark: `yarn workspace @rhcos-layering/plugin-layering-backend bench:replicas`
 * (also run by the project's `bench` script).
 *
 * Embedded clusters run in child processes, each behind a proxy that counts its open watch
 * requests; each replica of the backend is a child process too (bench/replicaServer.ts), on one
 * PostgreSQL server (Debian's, through scripts/test-services/postgres.sh; SQLite file otherwise).
 *
 *   1. one replica (the baseline deployment): cold start to a complete view, GET /pools p95,
 *      watches per cluster, memory;
 *   2. two replicas with leases: the same from either replica, watches per cluster across both,
 *      memory per replica; then one replica is killed (SIGKILL) and the takeover is timed;
 *   3. two replicas without leases (every replica watches everything, as before): watches per cluster;
 *   4. list-per-request: every GET lists the pools and nodes of every cluster.
 *
 * Environment: BENCH_SMALL (1000 single-node clusters), BENCH_BIG (20), BENCH_BIG_NODES (2000),
 * BENCH_BIG_POOLS (50), BENCH_REQUESTS (200), BENCH_BASELINE_REQUESTS (3), BENCH_NO_LEASES (0; 1: run 3,
 * which adds two more cold starts of the whole fleet), BENCH_GROUP_SIZE (250 single-node clusters
 * per child process), BENCH_TAKEOVER_ONLY (0; 1: only run 2, without its latency figures, to time
 * the takeover at a reduced size in a few minutes), BENCH_LIST_CONCURRENCY and
 * BENCH_LIST_CONCURRENCY_PER_CLUSTER (the replicas' list bounds; the plugin's defaults when unset).
 *
 * At the default size it wants about 3 GB of memory, up to 11,000 file descriptors in a process
 * (scripts/bench.sh raises the soft limit to the hard one) and 15 to 30 minutes on 2 busy cores.
 * Prints figures and ratios; exits 0 whatever the figures are.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import knexFactory from 'knex';
import { ClusterProcess, log, percentile, startClusterProcess, stopClusterProcess } from './common';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SMALL = env('BENCH_SMALL', 1000);
const BIG = env('BENCH_BIG', 20);
const BIG_NODES = env('BENCH_BIG_NODES', 2000);
const BIG_POOLS = env('BENCH_BIG_POOLS', 50);
const SMALL_POOLS = 2;
const REQUESTS = env('BENCH_REQUESTS', 200);
const BASELINE_REQUESTS = env('BENCH_BASELINE_REQUESTS', 3);
const NO_LEASES = env('BENCH_NO_LEASES', 0) === 1;
const GROUP_SIZE = Math.max(1, env('BENCH_GROUP_SIZE', 250));
const TAKEOVER_ONLY = env('BENCH_TAKEOVER_ONLY', 0) === 1;
/** The first page of the fleet page's own request (paged, sorted by drift). */
const PAGE = '/pools?limit=100';
const TOTAL = SMALL + BIG;
const POOLS = SMALL * SMALL_POOLS + BIG * BIG_POOLS;
const repoRoot = resolve(__dirname, '../../..');

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const mb = (bytes: number) =>
  bytes >= 1048576 ? `${(bytes / 1048576).toFixed(0)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** One child process of embedded clusters, asked for its watch counts over stdin. */
interface ClusterGroup extends ClusterProcess {
  counts(): Promise<Record<string, { open: number; opened: number }>>;
}

async function startGroup(count: number, nodes: number, pools: number, prefix: string): Promise<ClusterGroup> {
  const group = await startClusterProcess({ count, nodes, pools, prefix, countWatches: true });
  return {
    ...group,
    counts: () =>
      new Promise(done => {
        group.lines.once('line', line => done(JSON.parse(line).counts));
        group.child.stdin!.write('counts\n');
      }),
  };
}

/**
 * GET on a replica, over a kept-alive connection as a browser's. A request on a reused
 * connection that the server closed for idleness at that very moment fails with ECONNRESET
 * before anything was answered; it is sent again once on a new connection (and timed anew).
 * With `keepBody` false only the bytes are counted: the latency figures then time the server and
 * the transfer, not this process gluing and decoding 4 MB per answer, whose garbage collections
 * would land in the tail of the unpaged answer's p95.
 */
function httpGet(
  port: number,
  path: string,
  options: { keepBody?: boolean; retried?: boolean; headers?: Record<string, string> } = {},
): Promise<{ ms: number; body: string; bytes: number }> {
  const keepBody = options.keepBody ?? true;
  return new Promise((done, fail) => {
    const start = now();
    const req = http.get({ host: '127.0.0.1', port, path, headers: options.headers }, res => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keepBody) chunks.push(c);
      });
      res.on('end', () =>
        res.statusCode === 200
          ? done({
              ms: now() - start,
              body: keepBody ? Buffer.concat(chunks).toString('utf8') : '',
              bytes,
            })
          : fail(new Error(`GET ${path} answered ${res.statusCode}`)),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!options.retried && req.reusedSocket && error.code === 'ECONNRESET') {
        httpGet(port, path, { ...options, keepBody, retried: true }).then(done, fail);
      } else {
        fail(error);
      }
    });
  });
}

interface Replica {
  id: string;
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  /** Set when the benchmark itself stops the replica. */
  stopping?: boolean;
}

async function startReplica(id: string, db: object, clustersFile: string, mode = 'leases'): Promise<Replica> {
  // One process (tsx as a loader, not its CLI, which would run the replica in a grandchild), so
  // that SIGKILL kills the replica itself.
  const child = spawn(process.execPath, ['--import', 'tsx', require.resolve('./replicaServer.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BENCH_REPLICA_ID: id,
      BENCH_DB: JSON.stringify(db),
      BENCH_CLUSTERS_FILE: clustersFile,
      BENCH_REPLICA_MODE: mode,
    },
  });
  const exited = new Promise<void>(done => child.once('exit', () => done()));
  const replica: Replica = { id, child, port: 0, exited };
  // A replica ended by anything but the benchmark (a crash, or a signal from outside) is said
  // at once: the figures that follow would otherwise fail with a bare ECONNRESET.
  child.once('exit', (code, signal) => {
    if (!replica.stopping) process.stderr.write(`replica ${id} exited on its own (${signal ?? `code ${code}`})\n`);
  });
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', code => fail(new Error(`replica ${id} exited with ${code}`)));
  });
  replica.port = JSON.parse(line).port;
  return replica;
}

async function stopReplica(replica: Replica, signal: NodeJS.Signals = 'SIGTERM') {
  replica.stopping = true;
  replica.child.kill(signal);
  await replica.exited;
}

interface State {
  owned: number;
  ok: number;
  /** Clusters the replica answers from its own synced watches. */
  local: number;
  /** Informers of the watched clusters per phase (`listing` includes waiting for a slot). */
  informers: Record<string, number>;
  pools: number;
  rss: number;
}
async function state(replica: Replica): Promise<State> {
  return JSON.parse((await httpGet(replica.port, '/_bench/state')).body);
}

/**
 * Polls `check` until it holds. Every minute it prints (to stderr, apart from the figures) how
 * long it has waited and, with `progress`, where the replicas are.
 */
async function waitFor(what: string, check: () => Promise<boolean>, options: { timeoutMs?: number; progress?: () => Promise<string> } = {}) {
  const start = Date.now();
  const deadline = start + (options.timeoutMs ?? 1_800_000);
  let reported = start;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    if (Date.now() - reported >= 60_000) {
      reported = Date.now();
      const detail = options.progress ? `: ${await options.progress().catch(e => String(e))}` : '';
      process.stderr.write(`  waiting ${((reported - start) / 1000).toFixed(0)} s for ${what}${detail}\n`);
    }
    await sleep(250);
  }
}

/** Owned clusters, synced clusters and pool views of each replica, for progress lines. */
const progressOf = (...replicas: Replica[]) => async () =>
  (await Promise.all(replicas.map(async r => ({ id: r.id, s: await state(r) }))))
    .map(({ id, s }) => `${id} owns ${s.owned}, ${s.ok}/${TOTAL} clusters synced, ${s.pools}/${POOLS} pools`)
    .join('; ');

const loadAverage = () => loadavg().map(l => l.toFixed(2)).join(', ');

const complete = async (replica: Replica) => {
  const s = await state(replica);
  return s.ok === TOTAL && s.pools === POOLS;
};

interface Latency {
  /** `GET /pools`: every pool of the fleet in one answer, uncompressed. */
  all: { p50: number; p95: number; bytes: number };
  /**
   * The same, asked as the catalog module's fetch asks (`Accept-Encoding: gzip`): the kept gzip
   * form. Its bytes are counted, not inflated, as for the other figures.
   */
  gzip: { p50: number; p95: number; bytes: number };
  /** The fleet page's first page. */
  page: { p50: number; p95: number; bytes: number };
}

/** p50 and p95 of REQUESTS sequential GETs of `path` (after 10 not counted). */
async function measureGets(port: number, path: string, headers?: Record<string, string>) {
  for (let i = 0; i < 10; i++) await httpGet(port, path, { keepBody: false, headers });
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const answer = await httpGet(port, path, { keepBody: false, headers });
    samples.push(answer.ms);
    bytes = answer.bytes;
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), bytes };
}

async function latencyOf(replica: Replica): Promise<Latency> {
  return {
    all: await measureGets(replica.port, '/pools'),
    gzip: await measureGets(replica.port, '/pools', { 'accept-encoding': 'gzip' }),
    page: await measureGets(replica.port, PAGE),
  };
}

/**
 * The floor under the unpaged answer's figures: a bare Node HTTP server in a child process that
 * answers every GET with the same number of bytes, kept in one buffer, measured the same way
 * while the embedded clusters run as they do for the replicas.
 */
async function bareServerLatency(bytes: number): Promise<{ p50: number; p95: number; bytes: number }> {
  const script = `
    const body = Buffer.alloc(${bytes}, 'x');
    const server = require('node:http').createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((done, fail) => {
      createInterface({ input: child.stdout! }).once('line', line => done(Number(line)));
      child.once('exit', code => fail(new Error(`the bare server exited (${code})`)));
    });
    return await measureGets(port, '/');
  } finally {
    child.kill('SIGKILL');
  }
}

const describeLatency = (l: Latency) =>
  `GET /pools p95 ${fmt(l.all.p95)} (p50 ${fmt(l.all.p50)}, ${mb(l.all.bytes)}), ` +
  `gzip p95 ${fmt(l.gzip.p95)} (p50 ${fmt(l.gzip.p50)}, ${mb(l.gzip.bytes)}), ` +
  `first page p95 ${fmt(l.page.p95)} (p50 ${fmt(l.page.p50)})`;

async function watchCounts(groups: ClusterGroup[]): Promise<number[]> {
  const all: number[] = [];
  for (const group of groups) all.push(...Object.values(await group.counts()).map(c => c.open));
  return all;
}

function describeCounts(counts: number[]): string {
  const byValue = new Map<number, number>();
  counts.forEach(c => byValue.set(c, (byValue.get(c) ?? 0) + 1));
  return [...byValue.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([watches, clusters]) => `${clusters} clusters × ${watches}`)
    .join(', ');
}

async function database(workDir: string): Promise<{ config: (name: string) => Promise<object>; stop(): void }> {
  const pgScript = join(repoRoot, 'scripts/test-services/postgres.sh');
  try {
    // Its own directory (PostgreSQL runs as another user, which must reach it).
    const pgDir = mkdtempSync(join(tmpdir(), 'layering-replicas-pg-'));
    const [port, password] = execFileSync('bash', [pgScript, 'start', pgDir], { encoding: 'utf8' })
      .trim()
      .split(' ');
    const connection = { host: '127.0.0.1', port: Number(port), user: 'postgres', password };
    log(`database: PostgreSQL on port ${port}`);
    return {
      config: async name => {
        const admin = knexFactory({ client: 'pg', connection: { ...connection, database: 'postgres' } });
        await admin.raw(`create database ${name}`);
        await admin.destroy();
        return { client: 'pg', connection: { ...connection, database: name }, pool: { min: 0, max: 5 } };
      },
      stop: () => {
        execFileSync('bash', [pgScript, 'stop', pgDir]);
        rmSync(pgDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    log(`database: SQLite files (PostgreSQL could not start: ${String(error).split('\n')[0]})`);
    return {
      config: async name => ({
        client: 'better-sqlite3',
        connection: { filename: join(workDir, `${name}.sqlite`) },
        useNullAsDefault: true,
      }),
      stop: () => {},
    };
  }
}

async function main() {
  log(`layering-backend replica benchmark (node ${process.version}, ${new Date().toISOString()})`);
  log(`load average (1, 5, 15 min) at the start: ${loadAverage()}`);
  const started = now();
  log(`fleet: ${SMALL} single-node clusters (${SMALL_POOLS} pools) + ${BIG} clusters × ${BIG_NODES} nodes × ${BIG_POOLS} pools = ${TOTAL} clusters, ${POOLS} pools`);
  const workDir = mkdtempSync(join(tmpdir(), 'layering-replicas-bench-'));
  const db = await database(workDir);
  const groups: ClusterGroup[] = [];
  const replicas: Replica[] = [];
  const rows: Array<[string, string, string]> = [];
  try {
    let t = now();
    if (BIG > 0) groups.push(await startGroup(BIG, BIG_NODES, BIG_POOLS, 'big'));
    // Single-node clusters in processes of GROUP_SIZE (file descriptors: three per watch through a
    // proxy, 7 watches per cluster and replica), started one process after the other.
    for (let start = 0, part = 1; start < SMALL; start += GROUP_SIZE, part++) {
      groups.push(await startGroup(Math.min(GROUP_SIZE, SMALL - start), 1, SMALL_POOLS, `sno${part}`));
    }
    log(`clusters started in ${fmt(now() - t)} (child processes)`);
    const clustersFile = join(workDir, 'clusters.json');
    writeFileSync(clustersFile, JSON.stringify(groups.flatMap(g => g.clusters)));

    const lists = process.env.BENCH_LIST_CONCURRENCY ?? 'default';
    const perClusterLists = process.env.BENCH_LIST_CONCURRENCY_PER_CLUSTER ?? 'default';
    log(`list bounds of the replicas: ${lists} at once over all clusters, ${perClusterLists} per cluster`);
    let perCluster = 0;
    let soloCold = NaN;
    let soloLatency: Latency | undefined;
    let bare: { p50: number; p95: number; bytes: number } | undefined;
    let soloWatches: number[] = [];
    let soloRss = NaN;
    if (!TAKEOVER_ONLY) {
      log('\n[1/4] one replica');
      const soloDb = await db.config('bench_solo');
      // Timed from the spawn, as the two replicas are: a replica claims and starts watching its
      // clusters before it answers HTTP.
      t = now();
      const solo = await startReplica('solo', soloDb, clustersFile);
      replicas.push(solo);
      log(`answering after ${fmt(now() - t)}`);
      await waitFor('the single replica to be complete', () => complete(solo), { progress: progressOf(solo) });
      soloCold = now() - t;
      soloLatency = await latencyOf(solo);
      bare = await bareServerLatency(soloLatency.all.bytes);
      log(`a bare Node server answering the same ${mb(bare.bytes)}: p95 ${fmt(bare.p95)} (p50 ${fmt(bare.p50)})`);
      soloWatches = await watchCounts(groups);
      perCluster = Math.max(...soloWatches);
      soloRss = (await state(solo)).rss;
      log(`complete in ${fmt(soloCold)}; ${describeLatency(soloLatency)}; watches per cluster: ${describeCounts(soloWatches)}; RSS ${mb(soloRss)}`);
      await stopReplica(solo);
      replicas.splice(0);
    }

    log('\n[2/4] two replicas with leases');
    const pairDb = await db.config('bench_pair');
    t = now();
    // b starts once a answers: replicas starting in the same instant race in the request store's
    // knex migrations (one fails to start and is restarted by its platform).
    const a = await startReplica('a', pairDb, clustersFile);
    log(`a answering after ${fmt(now() - t)}`);
    const b = await startReplica('b', pairDb, clustersFile);
    replicas.push(a, b);
    log(`b answering after ${fmt(now() - t)}`);
    await waitFor('both replicas to be complete', async () => (await complete(a)) && (await complete(b)), {
      progress: progressOf(a, b),
    });
    const pairCold = now() - t;
    if (!perCluster) {
      // Without the single replica's run: the watches per cluster most clusters have once both
      // are complete (a cluster changing hands may briefly have two sets).
      const counts = await watchCounts(groups);
      const byValue = new Map<number, number>();
      counts.forEach(c => byValue.set(c, (byValue.get(c) ?? 0) + 1));
      perCluster = [...byValue.entries()].sort((x, y) => y[1] - x[1])[0][0];
    }
    // The split settles within a lease round or two after the start.
    await waitFor('the split to settle', async () => {
      const [sa, sb] = [await state(a), await state(b)];
      return sa.owned + sb.owned === TOTAL && Math.abs(sa.owned - sb.owned) <= 1;
    }, { progress: progressOf(a, b) });
    await waitFor('one set of watches per cluster', async () =>
      (await watchCounts(groups)).every(n => n === perCluster), { timeoutMs: 120_000 }).catch(() => undefined);
    const pairWatches = await watchCounts(groups);
    const latA = TAKEOVER_ONLY ? undefined : await latencyOf(a);
    const latB = TAKEOVER_ONLY ? undefined : await latencyOf(b);
    const [sa, sb] = [await state(a), await state(b)];
    log(`complete on both in ${fmt(pairCold)}; owned ${sa.owned} / ${sb.owned}; watches per cluster: ${describeCounts(pairWatches)}`);
    if (latA && latB) {
      log(`from a: ${describeLatency(latA)}`);
      log(`from b: ${describeLatency(latB)}`);
    }
    log(`RSS a ${mb(sa.rss)}, b ${mb(sb.rss)}`);

    const loadAtKill = loadAverage();
    await stopReplica(a, 'SIGKILL');
    replicas.splice(replicas.indexOf(a), 1);
    t = now();
    let leasesTaken = 0;
    let ownViews = 0;
    // One line a second: where the survivor's leases, informers and own views are.
    const timeline: string[] = [];
    let nextLine = 0;
    await waitFor('b to take every cluster over', async () => {
      const s = await state(b);
      const elapsed = now() - t;
      if (elapsed >= nextLine) {
        nextLine = Math.floor(elapsed / 1000) * 1000 + 1000;
        const phases = Object.entries(s.informers).map(([phase, n]) => `${phase} ${n}`).join(', ');
        timeline.push(`  ${(elapsed / 1000).toFixed(1)} s: owns ${s.owned}, own views ${s.local}; informers ${phases}`);
      }
      if (s.owned === TOTAL && !leasesTaken) leasesTaken = now() - t;
      if (s.local === TOTAL && !ownViews) ownViews = now() - t;
      if (s.owned !== TOTAL || s.ok !== TOTAL || s.pools !== POOLS || s.local !== TOTAL) return false;
      return (await watchCounts(groups)).every(n => n === perCluster);
    }, { progress: progressOf(b) });
    const takeover = now() - t;
    timeline.forEach(line => log(line));
    const afterRss = (await state(b)).rss;
    log(
      `takeover after a SIGKILL of a (owned ${sa.owned}): leases in ${fmt(leasesTaken)}, b's own views of every cluster in ${fmt(ownViews)}, ` +
        `every cluster's watches from b in ${fmt(takeover)} (RSS ${mb(afterRss)}; load average at the kill ${loadAtKill}, after ${loadAverage()})`,
    );
    await stopReplica(b);
    replicas.splice(0);
    if (TAKEOVER_ONLY) {
      log(`\nwhole run ${fmt(now() - started)}; load average (1, 5, 15 min) at the end: ${loadAverage()}`);
      return;
    }
    if (!soloLatency || !latA || !latB) throw new Error('The latency figures are missing');

    let noLeaseWatches: number[] | undefined;
    if (NO_LEASES) {
      log('\n[3/4] two replicas without leases (each watches every cluster)');
      const [x, y] = await Promise.all([
        startReplica('x', await db.config('bench_all'), clustersFile, 'all'),
        startReplica('y', await db.config('bench_all2'), clustersFile, 'all'),
      ]);
      replicas.push(x, y);
      await waitFor('both to be complete', async () => (await complete(x)) && (await complete(y)), {
        progress: progressOf(x, y),
      });
      noLeaseWatches = await watchCounts(groups);
      log(`watches per cluster: ${describeCounts(noLeaseWatches)}`);
      await Promise.all([stopReplica(x), stopReplica(y)]);
      replicas.splice(0);
    }

    log('\n[4/4] list per request (pools and nodes of every cluster, 16 at a time)');
    const all = groups.flatMap(g => g.clusters);
    const listOnce = async () => {
      const start = now();
      for (let i = 0; i < all.length; i += 16) {
        await Promise.all(
          all.slice(i, i + 16).flatMap(c =>
            ['/apis/machineconfiguration.openshift.io/v1/machineconfigpools', '/api/v1/nodes'].map(path =>
              fetch(`${c.url}${path}`, { headers: { authorization: `Bearer ${c.token}` } }).then(r => r.arrayBuffer()),
            ),
          ),
        );
      }
      return now() - start;
    };
    const baseline: number[] = [];
    for (let i = 0; i < BASELINE_REQUESTS; i++) {
      try {
        baseline.push(await listOnce());
      } catch (error) {
        // A failed list is a result too (the API servers or the proxies gave up under the load).
        log(`a list-per-request round failed: ${String(error)}`);
      }
    }
    const baseP95 = baseline.length ? percentile(baseline, 95) : NaN;

    const sets = (counts: number[]) => Math.max(...counts) / perCluster;
    const target20 = (ms: number) => (ms < 20 ? '< 20 ms: met' : '< 20 ms: missed');
    rows.push(
      ['GET /pools p95 (every pool), one replica', fmt(soloLatency.all.p95), target20(soloLatency.all.p95)],
      ['GET /pools p95 (every pool) from replica a / b', `${fmt(latA.all.p95)} / ${fmt(latB.all.p95)}`, target20(Math.max(latA.all.p95, latB.all.p95))],
      [
        'the same bytes from a bare Node server (the floor of this machine), p95',
        bare ? fmt(bare.p95) : '',
        bare ? `${(Math.max(latA.all.p95, latB.all.p95) / bare.p95).toFixed(2)}× from the replicas` : '',
      ],
      ['GET /pools p95 (every pool, gzip as the catalog module asks), one replica', fmt(soloLatency.gzip.p95), target20(soloLatency.gzip.p95)],
      ['GET /pools p95 (every pool, gzip) from replica a / b', `${fmt(latA.gzip.p95)} / ${fmt(latB.gzip.p95)}`, target20(Math.max(latA.gzip.p95, latB.gzip.p95))],
      [`GET ${PAGE} p95 (the fleet page's first page), one replica`, fmt(soloLatency.page.p95), target20(soloLatency.page.p95)],
      [`GET ${PAGE} p95 from replica a / b`, `${fmt(latA.page.p95)} / ${fmt(latB.page.p95)}`, target20(Math.max(latA.page.p95, latB.page.p95))],
      [
        'list per request (pools and nodes of every cluster), p95 of the rounds',
        baseline.length ? fmt(baseP95) : 'every round failed',
        baseline.length ? `${(baseP95 / Math.max(latA.all.p95, latB.all.p95)).toFixed(0)}× GET /pools from the replicas` : '',
      ],
      ['watch connections per cluster, one replica', describeCounts(soloWatches), ''],
      ['watch connections per cluster, two replicas with leases', describeCounts(pairWatches), sets(pairWatches) <= 1 ? 'one set: met' : 'one set: missed'],
      ...(noLeaseWatches
        ? [['watch connections per cluster, two replicas without leases', describeCounts(noLeaseWatches), `${sets(noLeaseWatches).toFixed(0)} sets`] as [string, string, string]]
        : []),
      ['cold start to a complete view, one replica', fmt(soloCold), ''],
      ['cold start to a complete view on both, two replicas', fmt(pairCold), `${(pairCold / soloCold).toFixed(2)}× one replica`],
      ['takeover after one replica is killed: every lease', fmt(leasesTaken), leasesTaken < 30_000 ? '< 30 s: met' : '< 30 s: missed'],
      ["takeover: the survivor's own views of every cluster", fmt(ownViews), ownViews < 30_000 ? '< 30 s: met' : '< 30 s: missed'],
      ["takeover: every cluster's watches from the survivor", fmt(takeover), takeover < 30_000 ? '< 30 s: met' : '< 30 s: missed'],
      ['RSS, one replica', mb(soloRss), ''],
      ['RSS per replica, two replicas', `${mb(sa.rss)} / ${mb(sb.rss)}`, `${((sa.rss + sb.rss) / 2 / soloRss).toFixed(2)}× one replica`],
      ['RSS of the survivor after the takeover', mb(afterRss), ''],
    );
    log('\n| figure | measured | target / ratio |');
    log('| --- | --- | --- |');
    for (const row of rows) log(`| ${row.join(' | ')} |`);
    log(`\nwhole run ${fmt(now() - started)}; load average (1, 5, 15 min) at the end: ${loadAverage()}`);
  } finally {
    for (const replica of replicas) await stopReplica(replica, 'SIGKILL').catch(() => undefined);
    for (const group of groups) await stopClusterProcess(group.child);
    db.stop();
    if (existsSync(workDir)) rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
