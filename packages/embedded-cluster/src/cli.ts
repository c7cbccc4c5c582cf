/* eslint-disable no-console */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedCluster, EmbeddedCluster } from './cluster';
import { checkSimulationSpeed } from './mco/scheduler';
import {
  READER_SERVICE_ACCOUNT,
  WRITER_SERVICE_ACCOUNT,
  loadRbacManifests,
} from './rbac/manifests';

const USAGE = `Usage: npm run cluster -- --state DIR [--port N] [--kubeconfig FILE] [--speed X] [--data DIR]
       npm run cluster -- --fleet [--port N] [--speed X] [--data DIR]

  --state DIR          directory of Kubernetes YAML (+ images.yaml, releases.yaml)
  --include SUBDIR     also read this sub-folder of the state directory (repeatable)
  --port N             port of the API server and registry (default: a free port; fleet: 6441)
  --host HOST          address to listen on (default 127.0.0.1)
  --kubeconfig FILE    where to write the kubeconfig (default .run/<name>.kubeconfig)
  --speed X            simulation speed, higher is faster: 1 = demo pace (default),
                       10 = ten times faster, 0 = instant; values below 1 are refused
                       (they used to mean faster: use 1/X for what --speed X meant)
  --data DIR           persist the state here and reload it on restart
  --name NAME          cluster name (default embedded)
  --machine-os-api-version v1|v1alpha1
                       serve MachineOSConfig/MachineOSBuild at this version
  --fleet              start the four demo clusters (ocp-417, ocp-418, ocp-419, sno-419)
  --token TOKEN        admin bearer token (default: random; or env EMBEDDED_OPENSHIFT_TOKEN)
  --read-only-token T  read-only bearer token (default: random)

Environment:
  EMBEDDED_OPENSHIFT_READER_TOKEN  token of the service account rhcos-layering/layering-reader
  EMBEDDED_OPENSHIFT_WRITER_TOKEN  token of the service account rhcos-layering/layering-writer
      With either set, every cluster loads the repository's deploy/rbac/*.yaml at start and
      authorizes these tokens by those RBAC objects (403 for anything they do not grant); the
      kubeconfig gets the contexts <cluster>-layering-reader / <cluster>-layering-writer.
`;

function fail(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function numberOption(
  value: string | undefined,
  name: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    fail(`--${name} must be a non-negative number`);
  return n;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        state: { type: 'string' },
        include: { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        speed: { type: 'string' },
        data: { type: 'string' },
        name: { type: 'string' },
        'machine-os-api-version': { type: 'string' },
        fleet: { type: 'boolean' },
        token: { type: 'string' },
        'read-only-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const repoRoot = process.env.REPO_ROOT ?? process.cwd();
  // Where kubeconfigs go by default; the portal keeps its own folder so tests that start clusters
  // of their own never overwrite the kubeconfigs of the running portal.
  const runDir = process.env.EMBEDDED_OPENSHIFT_RUN_DIR
    ? path.resolve(process.env.EMBEDDED_OPENSHIFT_RUN_DIR)
    : path.join(repoRoot, '.run');
  const port = numberOption(values.port, 'port');
  const speed = numberOption(values.speed, 'speed');
  if (speed !== undefined) {
    try {
      checkSimulationSpeed(speed, '--speed');
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }
  const mosVersion = values['machine-os-api-version'];
  if (
    mosVersion !== undefined &&
    mosVersion !== 'v1' &&
    mosVersion !== 'v1alpha1'
  ) {
    fail('--machine-os-api-version must be v1 or v1alpha1');
  }
  // Tokens may come from the environment so they stay out of process listings.
  const tokens = {
    admin: values.token ?? process.env.EMBEDDED_OPENSHIFT_TOKEN,
    readOnly: values['read-only-token'],
  };
  const log = (message: string, meta?: Record<string, unknown>) =>
    console.log(
      `[${new Date().toISOString()}] ${message}${
        meta ? ` ${JSON.stringify(meta)}` : ''
      }`,
    );

  const clusters: EmbeddedCluster[] = [];
  let stopAll: () => Promise<void>;
  if (values.fleet) {
    if (values.state) fail('--fleet and --state exclude each other');
    const { startFleet } = await import('./fleet');
    const fleet = await startFleet({
      basePort: port,
      speed,
      dataDir: values.data,
      tokens,
    });
    clusters.push(...fleet.clusters);
    stopAll = () => fleet.stop();
  } else {
    if (!values.state) fail('--state DIR (or --fleet) is required');
    const readerToken = process.env.EMBEDDED_OPENSHIFT_READER_TOKEN;
    const writerToken = process.env.EMBEDDED_OPENSHIFT_WRITER_TOKEN;
    const serviceAccounts = [
      ...(readerToken
        ? [{ ...READER_SERVICE_ACCOUNT, token: readerToken }]
        : []),
      ...(writerToken
        ? [{ ...WRITER_SERVICE_ACCOUNT, token: writerToken }]
        : []),
    ];
    const rbac =
      serviceAccounts.length > 0
        ? {
            serviceAccounts,
            objects: loadRbacManifests().map(o => o.object),
          }
        : {};
    const cluster = await startEmbeddedCluster({
      name: values.name,
      stateDir: path.resolve(values.state),
      port,
      host: values.host,
      speed,
      dataDir: values.data ? path.resolve(values.data) : undefined,
      machineOSApiVersion: mosVersion as 'v1' | 'v1alpha1' | undefined,
      log,
      includeDirs: values.include,
      tokens,
      ...rbac,
    });
    clusters.push(cluster);
    stopAll = () => cluster.stop();
  }

  for (const cluster of clusters) {
    const file =
      clusters.length === 1 && values.kubeconfig
        ? path.resolve(values.kubeconfig)
        : path.join(runDir, `${cluster.name}.kubeconfig`);
    await cluster.writeKubeconfig(file);
    console.log(`cluster ${cluster.name}`);
    console.log(
      `  API server:   ${cluster.url}   (TLS on the same port: ${
        cluster.httpsUrl ?? '-'
      }, CA in the kubeconfig)`,
    );
    const accountContexts = [READER_SERVICE_ACCOUNT, WRITER_SERVICE_ACCOUNT]
      .filter((_, i) =>
        i === 0
          ? process.env.EMBEDDED_OPENSHIFT_READER_TOKEN
          : process.env.EMBEDDED_OPENSHIFT_WRITER_TOKEN,
      )
      .map(sa => `, ${cluster.name}-${sa.name}`)
      .join('');
    console.log(
      `  kubeconfig:   ${file}   (contexts ${cluster.name} = admin, ${cluster.name}-read-only${accountContexts})`,
    );
    console.log(
      `  registry:     ${cluster.registryUrl}/v2/   (images as ${cluster.registryHost}/<repo>)`,
    );
    console.log(
      `  try:          kubectl --kubeconfig ${
        path.relative(process.cwd(), file) || file
      } get mcp`,
    );
  }
  console.log(clusters.length > 1 ? 'fleet ready' : 'cluster ready');
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stopAll().then(
      () => process.exit(0),
      error => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
