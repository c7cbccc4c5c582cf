/*
 * Child process of the benchmark: starts synthetic embedded clusters and prints one JSON line
 * with their endpoints, then runs until stdin closes. Keeping the clusters in another process
 * lets the benchmark measure the backend's memory alone.
 *
 *   tsx bench/fleetServer.ts <clusters> <nodes> <pools>
 */
import { startEmbeddedCluster } from '@internal/embedded-openshift';
import { RELEASE, SYNTHETIC_IMAGES, syntheticCluster } from './fleetState';

async function main() {
  const [clusters, nodes, pools] = process.argv.slice(2).map(Number);
  const started = [];
  for (let i = 0; i < clusters; i++) {
    const name = `bench-${String(i + 1).padStart(2, '0')}`;
    const cluster = await startEmbeddedCluster({
      name,
      objects: syntheticCluster({ name, nodes, pools }),
      images: SYNTHETIC_IMAGES,
      releases: [
        {
          version: RELEASE.version,
          image: RELEASE.image,
          rhcosImage: RELEASE.rhcosImage,
          extensionsImage: RELEASE.extensionsImage,
        },
      ],
      speed: 0,
    });
    await cluster.settle();
    started.push(cluster);
  }
  process.stdout.write(
    `${JSON.stringify({
      clusters: started.map(c => ({
        name: c.name,
        url: c.url,
        registryUrl: c.registryUrl,
        token: c.tokens.readOnly,
      })),
    })}\n`,
  );
  const stop = async () => {
    await Promise.all(started.map(c => c.stop()));
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
