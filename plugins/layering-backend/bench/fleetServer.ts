/*
 * Child process of the benchmark: starts synthetic embedded clusters and prints one JSON line
 * with their endpoints, then runs until stdin closes. Keeping the clusters in another process
 * lets the benchmark measure the backend's memory alone.
 *
 *   tsx bench/fleetServer.ts <clusters> <nodes> <pools> [name-prefix] [--count-watches]
 *
 * With --count-watches each cluster is reached through a proxy that counts its open watch
 * requests, and a `counts` line on stdin answers with one JSON line of the counts per cluster.
 */
import {
  startEmbeddedCluster,
  startWatchCountingProxy,
  type WatchCountingProxy,
} from '@rhcos-layering/embedded-openshift';
import { createInterface } from 'node:readline';
import { RELEASE, SYNTHETIC_IMAGES, syntheticCluster } from './fleetState';

const RELEASES = [
  {
    version: RELEASE.version,
    image: RELEASE.image,
    rhcosImage: RELEASE.rhcosImage,
    extensionsImage: RELEASE.extensionsImage,
  },
];

/**
 * Renders of every pool, from a small cluster of the same shape: renders depend only on the
 * MachineConfigs and the release, so they are the same in the big clusters.
 */
async function renders(pools: number): Promise<Map<string, Record<string, any>>> {
  const template = await startEmbeddedCluster({
    name: 'template',
    objects: syntheticCluster({ name: 'template', nodes: pools, pools }),
    images: SYNTHETIC_IMAGES,
    releases: RELEASES,
    speed: 0,
  });
  await template.settle();
  const res = await fetch(
    `${template.url}/apis/machineconfiguration.openshift.io/v1/machineconfigs`,
    { headers: { authorization: `Bearer ${template.tokens.readOnly}` } },
  );
  const list = (await res.json()) as { items: Array<Record<string, any>> };
  await template.stop();
  const byPool = new Map<string, Record<string, any>>();
  for (const mc of list.items) {
    const owner = (mc.metadata.ownerReferences ?? []).find(
      (r: { kind: string }) => r.kind === 'MachineConfigPool',
    );
    if (owner) byPool.set(owner.name, mc);
  }
  return byPool;
}

async function main() {
  const args = process.argv.slice(2);
  const [clusters, nodes, pools] = args.slice(0, 3).map(Number);
  const prefix = args[3] && !args[3].startsWith('--') ? args[3] : 'bench';
  const countWatches = args.includes('--count-watches');
  const proxies = new Map<string, WatchCountingProxy>();
  const t0 = Date.now();
  const rendered = await renders(pools);
  process.stderr.write(`renders ${Date.now() - t0} ms\n`);
  // Started and settled side by side: the simulation mostly waits between its steps.
  const started = await Promise.all(
    Array.from({ length: clusters }, async (_, i) => {
      const name = `${prefix}-${String(i + 1).padStart(clusters > 99 ? 4 : 2, '0')}`;
      const cluster = await startEmbeddedCluster({
        name,
        objects: syntheticCluster({ name, nodes, pools, rendered }),
        images: SYNTHETIC_IMAGES,
        releases: RELEASES,
        speed: 0,
      });
      await cluster.settle();
      if (countWatches) proxies.set(name, await startWatchCountingProxy(cluster.url));
      return cluster;
    }),
  );
  process.stderr.write(`${clusters} clusters ready in ${Date.now() - t0} ms\n`);
  process.stdout.write(
    `${JSON.stringify({
      clusters: started.map(c => ({
        name: c.name,
        url: proxies.get(c.name)?.url ?? c.url,
        registryUrl: c.registryUrl,
        token: c.tokens.readOnly,
      })),
    })}\n`,
  );
  const stop = async () => {
    await Promise.all([...proxies.values()].map(p => p.close()));
    await Promise.all(started.map(c => c.stop()));
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  createInterface({ input: process.stdin }).on('line', line => {
    if (line.trim() !== 'counts') return;
    const counts: Record<string, { open: number; opened: number }> = {};
    for (const [name, proxy] of proxies) counts[name] = { open: proxy.open, opened: proxy.opened };
    process.stdout.write(`${JSON.stringify({ counts })}\n`);
  });
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
