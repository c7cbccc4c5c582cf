/*
 * Child process of the replica benchmark: one replica of the layering backend (the lease-sharing
 * fleet, the REST router) on the benchmark's database. Prints one JSON line with its port.
 *
 * Environment: BENCH_REPLICA_ID, BENCH_DB (JSON knex config), BENCH_CLUSTERS_FILE (JSON list of
 * { name, url, token, registryUrl }), BENCH_REPLICA_MODE (`leases`, default, or `all`: watch
 * every cluster, as every replica did before leases), BENCH_LIST_CONCURRENCY and
 * BENCH_LIST_CONCURRENCY_PER_CLUSTER (`layering.informers.listConcurrency` / `…PerCluster`, the
 * plugin's defaults when unset).
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import knexFactory from 'knex';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ScaledFleetService } from '../src/scale/ScaledFleetService';
import { FleetService } from '../src/services/FleetService';
import { BenchCluster, benchRouter, clusterSpecs, silentLogger } from './common';

const logger = silentLogger('replica error');

async function main() {
  const id = process.env.BENCH_REPLICA_ID ?? 'replica';
  const knex = knexFactory(JSON.parse(process.env.BENCH_DB!));
  const database = { getClient: async () => knex } as DatabaseService;
  const clusters: BenchCluster[] = JSON.parse(readFileSync(process.env.BENCH_CLUSTERS_FILE!, 'utf8'));
  const specs = clusterSpecs(clusters);
  const informers: Record<string, number> = {};
  if (process.env.BENCH_LIST_CONCURRENCY) informers.listConcurrency = Number(process.env.BENCH_LIST_CONCURRENCY);
  if (process.env.BENCH_LIST_CONCURRENCY_PER_CLUSTER) {
    informers.listConcurrencyPerCluster = Number(process.env.BENCH_LIST_CONCURRENCY_PER_CLUSTER);
  }
  const config = new ConfigReader({
    layering: {
      registries: [{ host: '*', mirror: clusters[0].registryUrl }],
      replicas: { id },
      informers,
    },
  });
  const clustersService = { getClusters: async () => specs };
  const fleet =
    process.env.BENCH_REPLICA_MODE === 'all'
      ? await FleetService.fromClustersService({ config, logger, clusters: clustersService })
      : await ScaledFleetService.create({
          config,
          logger,
          clusters: clustersService,
          database,
          createFleet: owned =>
            FleetService.fromClustersService({ config, logger, clusters: owned, refreshIntervalMs: 0 }),
        });

  const app = express();
  app.get('/_bench/state', (_req, res) => {
    const views = fleet.listClusters();
    res.json({
      owned: fleet instanceof ScaledFleetService ? fleet.replica.owned.length : views.length,
      ok: views.filter(c => c.status === 'ok').length,
      // Clusters answered from this replica's own synced watches (not from shared views).
      local: fleet instanceof ScaledFleetService ? views.filter(c => fleet.watches(c.name)).length : views.length,
      pools: fleet.listFleetPools().length,
      rss: process.memoryUsage().rss,
      notOk:
        fleet instanceof ScaledFleetService
          ? views.filter(c => c.status !== 'ok').slice(0, 5).map(c => ({ name: c.name, ...fleet.describe(c.name) }))
          : [],
      leases: fleet instanceof ScaledFleetService ? fleet.replica.stats : undefined,
      // Where the informers of the watched clusters are (`listing` includes waiting for a slot).
      informers: (fleet instanceof ScaledFleetService ? fleet.fleet?.caches ?? [] : fleet.caches)
        .flatMap(cache => cache.informers)
        .reduce<Record<string, number>>((phases, informer) => {
          phases[informer.phase] = (phases[informer.phase] ?? 0) + 1;
          return phases;
        }, {}),
    });
  });
  app.use(await benchRouter({ fleet, knex, logger }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  const stop = async () => {
    server.close();
    await (fleet as { stop(): Promise<void> }).stop();
    await knex.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
