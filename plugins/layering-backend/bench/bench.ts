/*
 * Benchmark of the layering backend: `yarn workspace @rhcos-layering/plugin-layering-backend bench`.
 *
 * 1. Cold start: one cluster of 5,000 nodes and 50 pools, from nothing to a complete view.
 * 2. Fleet: 20 clusters × 2,000 nodes × 50 pools. GET /pools latency from the caches, against
 *    answering each request by listing from the clusters; RSS of this process (the clusters run
 *    in a child process); list calls per minute once the caches are warm.
 *
 * Environment: BENCH_CLUSTERS (20), BENCH_NODES (2000), BENCH_POOLS (50), BENCH_COLD_NODES (5000),
 * BENCH_REQUESTS (300), BENCH_BASELINE_REQUESTS (10), BENCH_STEADY_SECONDS (60).
 * Prints figures and ratios; exits 0 whatever the figures are.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { ClusterConnection } from '../src/kubernetes/ClusterConnection';
import { loadClientNode } from '@rhcos-layering/plugin-layering-node';
import type { ClusterSnapshot } from '../src/kubernetes/ClusterCache';
import type { RawObject } from '../src/kubernetes/Informer';
import {
  machineOSBuildProjector,
  machineOSConfigProjector,
} from '../src/kubernetes/layeringProjections';
import {
  projectClusterVersion,
  projectMachineConfig,
  projectNode,
  projectOsImageUrl,
  projectPool,
} from '../src/kubernetes/projections';
import { FleetService } from '../src/services/FleetService';
import { buildClusterViews, ImageFacts } from '../src/services/viewBuilder';
import {
  benchRouter,
  clusterSpecs,
  log,
  percentile,
  silentLogger,
  startClusterProcess,
  stopClusterProcess,
} from './common';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLUSTERS = env('BENCH_CLUSTERS', 20);
const NODES = env('BENCH_NODES', 2000);
const POOLS = env('BENCH_POOLS', 50);
const COLD_NODES = env('BENCH_COLD_NODES', 5000);
const REQUESTS = env('BENCH_REQUESTS', 300);
const BASELINE_REQUESTS = env('BENCH_BASELINE_REQUESTS', 10);
const STEADY_SECONDS = env('BENCH_STEADY_SECONDS', 60);

/** Silent logger (the benchmark prints its own figures). */
const logger = silentLogger();

/** Resolves when every cluster is ok and every pool of `pools` per cluster has a fresh view. */
function complete(fleet: FleetService, clusters: number, nodes: number, pools: number): Promise<void> {
  const done = () => {
    const views = fleet.listClusters();
    if (views.length !== clusters || views.some(c => c.status !== 'ok' || !c.release.rhcosVersion)) {
      return false;
    }
    const all = fleet.listFleetPools();
    if (all.length !== clusters * pools || all.some(p => p.stale || p.drift.status === 'unknown')) {
      return false;
    }
    const counted = all.reduce((n, p) => n + p.nodeRhcosVersions.reduce((m, v) => m + v.count, 0), 0);
    return counted === clusters * nodes;
  };
  return new Promise(resolve => {
    if (done()) {
      resolve();
      return;
    }
    const unsubscribe = fleet.subscribe(() => {
      if (done()) {
        unsubscribe();
        resolve();
      }
    });
  });
}

function fmt(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

function httpGet(port: number, path: string, gzip = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port, path, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, res => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${path} answered ${res.statusCode}`));
            return;
          }
          resolve(Number(process.hrtime.bigint() - start) / 1e6);
        });
      })
      .on('error', reject);
  });
}

/** Lists every collection of a cluster, page by page, as a backend without caches would. */
async function listSnapshot(connection: ClusterConnection): Promise<ClusterSnapshot> {
  const listAll = async <P>(path: string, project: (o: RawObject) => P | undefined) => {
    const out = new Map<string, P>();
    let next: string | undefined;
    do {
      const page = await connection.getJson<{ items?: RawObject[]; metadata?: { continue?: string } }>(
        path,
        { limit: 500, continue: next },
        'list',
      );
      for (const item of page.items ?? []) {
        const value = project(item);
        if (value !== undefined && item.metadata?.name) out.set(item.metadata.name, value);
      }
      next = page.metadata?.continue || undefined;
    } while (next);
    return out;
  };
  const g = '/apis/machineconfiguration.openshift.io/v1';
  const [pools, machineConfigs, nodes, cvs, cms, moscs, mosbs] = await Promise.all([
    listAll(`${g}/machineconfigpools`, projectPool),
    listAll(`${g}/machineconfigs`, projectMachineConfig),
    listAll('/api/v1/nodes', projectNode),
    listAll('/apis/config.openshift.io/v1/clusterversions', projectClusterVersion),
    listAll('/api/v1/namespaces/openshift-machine-config-operator/configmaps', projectOsImageUrl),
    listAll(`${g}/machineosconfigs`, machineOSConfigProjector('machineconfiguration.openshift.io/v1')),
    listAll(`${g}/machineosbuilds`, machineOSBuildProjector('machineconfiguration.openshift.io/v1')),
  ]);
  return {
    pools,
    machineConfigs,
    nodes,
    machineOSConfigs: moscs,
    machineOSBuilds: mosbs,
    clusterVersion: cvs.values().next().value,
    osImageUrl: cms.values().next().value,
  };
}

async function coldStart(): Promise<number> {
  log(`\n[1/2] cold start: 1 cluster × ${COLD_NODES} nodes × ${POOLS} pools`);
  const { clusters, child } = await startClusterProcess({ count: 1, nodes: COLD_NODES, pools: POOLS });
  try {
    const start = process.hrtime.bigint();
    const fleet = FleetService.create({
      clusters: clusterSpecs(clusters),
      registries: [{ host: '*', mirror: clusters[0].registryUrl }],
      logger,
      debounceMs: 20,
    });
    await complete(fleet, 1, COLD_NODES, POOLS);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await fleet.stop();
    return ms;
  } finally {
    await stopClusterProcess(child);
  }
}

async function main() {
  log(`layering-backend benchmark (node ${process.version}, ${new Date().toISOString()})`);
  // client-node is big; it is loaded once per process, so it is loaded (and reported) apart.
  const importStart = process.hrtime.bigint();
  await loadClientNode();
  const importMs = Number(process.hrtime.bigint() - importStart) / 1e6;
  (globalThis as { gc?: () => void }).gc?.();
  const rssModules = process.memoryUsage().rss;
  log(`modules loaded (client-node import ${fmt(importMs)}), RSS ${(rssModules / 1048576).toFixed(0)} MB`);
  const coldMs = await coldStart();
  log(`cold start to a complete view: ${fmt(coldMs)}`);

  log(`\n[2/2] fleet: ${CLUSTERS} clusters × ${NODES} nodes × ${POOLS} pools`);
  const { clusters, child } = await startClusterProcess({ count: CLUSTERS, nodes: NODES, pools: POOLS });
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const fleet = FleetService.create({
    clusters: clusterSpecs(clusters),
    registries: [{ host: '*', mirror: clusters[0].registryUrl }],
    logger,
    debounceMs: 50,
  });
  const syncStart = process.hrtime.bigint();
  await complete(fleet, CLUSTERS, NODES, POOLS);
  const syncMs = Number(process.hrtime.bigint() - syncStart) / 1e6;
  log(`fleet synced (${fleet.listFleetPools().length} pools) in ${fmt(syncMs)}`);
  (globalThis as { gc?: () => void }).gc?.();
  const rssSynced = process.memoryUsage().rss;

  const app = express();
  const { knex } = await (async () => {
    const Knex = (await import('knex')).default;
    return { knex: Knex({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true }) };
  })();
  app.use(await benchRouter({ fleet, knex, logger }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;

  // Warm-up, then the measured requests.
  for (let i = 0; i < 20; i++) await httpGet(port, '/pools');
  const cached: number[] = [];
  for (let i = 0; i < REQUESTS; i++) cached.push(await httpGet(port, '/pools'));

  (globalThis as { gc?: () => void }).gc?.();
  const rssServing = process.memoryUsage().rss;

  // The same answers, gzipped as a browser asks for them.
  const gzipped: number[] = [];
  for (let i = 0; i < REQUESTS; i++) gzipped.push(await httpGet(port, '/pools', true));

  // Baseline: every request lists every cluster (paged) and builds the views from that.
  const connections = await Promise.all(clusterSpecs(clusters).map(s => ClusterConnection.create(s)));
  const facts: ImageFacts = {
    rhcosOfImage: () => '418.94.202507221249-0',
    rhcosOfRelease: () => null,
  };
  const health = {
    status: 'ok' as const,
    lastSync: Date.now(),
    stale: false,
    machineOSConfigApiVersion: 'v1' as const,
  };
  const baselineApp = express();
  baselineApp.get('/pools', async (_req, res) => {
    const snapshots = await Promise.all(connections.map(c => listSnapshot(c)));
    const items = snapshots.flatMap((snapshot, i) => [
      ...buildClusterViews(connections[i].name, health, snapshot, facts).pools.values(),
    ]);
    res.json({ items });
  });
  const baselineServer = baselineApp.listen(0, '127.0.0.1');
  await new Promise(resolve => baselineServer.once('listening', resolve));
  const baselinePort = (baselineServer.address() as AddressInfo).port;
  const baseline: number[] = [];
  for (let i = 0; i < BASELINE_REQUESTS; i++) baseline.push(await httpGet(baselinePort, '/pools'));
  baselineServer.close();
  connections.forEach(c => c.close());

  const rss = Math.max(rssSynced, rssServing);

  const listsOf = () => fleet.caches.reduce((n, c) => n + (c.connection?.stats.lists ?? 0), 0);
  const watchesOf = () => fleet.caches.reduce((n, c) => n + (c.connection?.stats.watches ?? 0), 0);
  const lists0 = listsOf();
  const watches0 = watchesOf();
  log(`steady state: watching for ${STEADY_SECONDS} s…`);
  await new Promise(resolve => setTimeout(resolve, STEADY_SECONDS * 1000));
  const listsPerMinute = ((listsOf() - lists0) * 60) / STEADY_SECONDS;
  const watchesPerMinute = ((watchesOf() - watches0) * 60) / STEADY_SECONDS;

  server.close();
  await fleet.stop();
  await knex.destroy();
  await stopClusterProcess(child);

  const p95 = percentile(cached, 95);
  const baseP95 = percentile(baseline, 95);
  const rows: Array<[string, string, string, string]> = [
    ['GET /pools p50 (caches)', fmt(percentile(cached, 50)), '', ''],
    ['GET /pools p99 / max (caches)', `${fmt(percentile(cached, 99))} / ${fmt(Math.max(...cached))}`, '', ''],
    ['GET /pools p95 (caches)', fmt(p95), '< 20 ms', p95 < 20 ? 'met' : 'missed'],
    ['GET /pools p50 / p95 (caches, gzip)', `${fmt(percentile(gzipped, 50))} / ${fmt(percentile(gzipped, 95))}`, '', ''],
    ['GET /pools p50 (list per request)', fmt(percentile(baseline, 50)), '', ''],
    ['GET /pools p95 (list per request)', fmt(baseP95), '', ''],
    [
      'ratio list-per-request / caches (p50)',
      `${(percentile(baseline, 50) / percentile(cached, 50)).toFixed(0)}×`,
      '',
      '',
    ],
    ['ratio list-per-request / caches (p95)', `${(baseP95 / p95).toFixed(0)}×`, '≥ 50×', baseP95 / p95 >= 50 ? 'met' : 'missed'],
    [
      'RSS of the backend process (after sync and after serving, before the baseline)',
      `${(rss / 1048576).toFixed(0)} MB (modules ${(rssModules / 1048576).toFixed(0)} MB, caches and views +${((rssSynced - rssBefore) / 1048576).toFixed(0)} MB)`,
      '< 300 MB',
      rss < 300 * 1048576 ? 'met' : 'missed',
    ],
    [`cold start, ${COLD_NODES} nodes`, fmt(coldMs), '< 3 s', coldMs < 3000 ? 'met' : 'missed'],
    ['list calls per minute, steady state', listsPerMinute.toFixed(1), '0', listsPerMinute === 0 ? 'met' : 'missed'],
    ['watch (re)connections per minute', watchesPerMinute.toFixed(1), '', ''],
  ];
  log('\n| figure | measured | target | |');
  log('| --- | --- | --- | --- |');
  for (const row of rows) log(`| ${row.join(' | ')} |`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
