/*
 * Server side of the fleet page's benchmark: `GET /pools` paged answers over 10,000 pools
 * (20 clusters × 500), through the real route with every pool readable. The pools are fixed views
 * (the watch caches are measured by bench.ts). Prints p50 / p95 per query and the answer size;
 * a filter's answer should leave the browser most of the 100 ms budget.
 *
 *   yarn workspace @rhcos-layering/plugin-layering-backend tsx bench/fleetPage.ts
 */
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { FixedFleet, testPoolView } from '../src/__testUtils__/FixedFleet';
import type { PoolResourceLoader } from '../src/permissions/poolResources';
import { createPoolsRoutes } from '../src/routes/pools';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);

async function main() {
  const clusters = Array.from({ length: 20 }, (_, c) => `bench-${String(c + 1).padStart(2, '0')}`);
  const pools = Array.from({ length: 10_000 }, (_, i) => {
    const view = testPoolView(clusters[Math.floor(i / 500)], `pool-${String(i % 500).padStart(3, '0')}`, i % 10 === 0 ? 'behind' : 'in-sync');
    return { ...view, drift: { ...view.drift, releasesBehind: i % 10 === 0 ? (i % 3) + 1 : null } };
  });
  const fleet = new FixedFleet(clusters, pools);
  const app = express();
  app.use(
    createPoolsRoutes({
      fleet,
      httpAuth: mockServices.httpAuth({ pluginId: 'layering' }),
      permissions: mockServices.permissions(),
      // Every pool is readable: the loader is never asked.
      poolResources: {} as PoolResourceLoader,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pools`;
  const first = (await (await fetch(`${base}?limit=500`)).json()) as { nextCursor: string };
  const queries: Array<[string, string]> = [
    ['first page (100), most behind first', 'limit=100'],
    ['filter drift=behind', 'limit=100&drift=behind'],
    ['filter cluster + sort=name', 'limit=100&cluster=bench-07&sort=name'],
    ['search q=pool-01', 'limit=100&q=pool-01'],
    ['next page (500) by cursor', `limit=500&cursor=${encodeURIComponent(first.nextCursor)}`],
  ];
  process.stdout.write(`GET /pools over ${pools.length.toLocaleString('en-US')} pools, ${REQUESTS} requests each\n`);
  for (const [name, query] of queries) {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      const body = await (await fetch(`${base}?${query}`)).text();
      times.push(performance.now() - start);
      size = body.length;
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
    process.stdout.write(`  ${name.padEnd(40)} p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, ${(size / 1024).toFixed(0)} KB\n`);
  }
  server.close();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
