/*
 * What the benchmarks share: the child process of embedded clusters (bench/fleetServer.ts), the
 * cluster specs pointing at them, the REST router as one allowed user sees it, and the figures'
 * helpers. Not part of the plugin.
 */
import type {
  AuditorService,
  BackstageCredentials,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { ChildProcess, spawn } from 'node:child_process';
import { createInterface, Interface } from 'node:readline';
import type { ClusterSpec } from '../src/kubernetes/clusterConfig';
import { createRouter, type RouterOptions } from '../src/router';
import { DatabaseRequestStore } from '../src/services/RequestStore';

/** One embedded cluster of a cluster process, as the process announces it. */
export interface BenchCluster {
  name: string;
  url: string;
  token: string;
  registryUrl: string;
}

/** A child process running embedded clusters (bench/fleetServer.ts). */
export interface ClusterProcess {
  child: ChildProcess;
  /** Lines the process prints after its first (the answers to `counts`). */
  lines: Interface;
  clusters: BenchCluster[];
}

/** Prints one line of the benchmark's output. */
export function log(message: string) {
  process.stdout.write(`${message}\n`);
}

/** A logger that drops everything, or passes errors on to stderr with a prefix. */
export function silentLogger(errorPrefix?: string): LoggerService {
  const logger: LoggerService = {
    info: () => {},
    warn: () => {},
    error: message => {
      if (errorPrefix) process.stderr.write(`${errorPrefix}: ${message}\n`);
    },
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** The `p`th percentile (nearest rank) of `samples`. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Starts `count` embedded clusters of `nodes` nodes and `pools` pools in a child process and
 * resolves with their endpoints once every one of them has settled.
 */
export async function startClusterProcess(options: {
  count: number;
  nodes: number;
  pools: number;
  prefix?: string;
  /** Each cluster behind a proxy that counts its open watches (answers `counts` on stdin). */
  countWatches?: boolean;
}): Promise<ClusterProcess> {
  const args = [String(options.count), String(options.nodes), String(options.pools)];
  if (options.prefix) args.push(options.prefix);
  if (options.countWatches) args.push('--count-watches');
  // tsx as a loader in this one process (its CLI would add a wrapper process per cluster process).
  const child = spawn(process.execPath, ['--import', 'tsx', require.resolve('./fleetServer.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((done, fail) => {
    lines.once('line', done);
    child.once('exit', code => fail(new Error(`cluster process exited with ${code}`)));
  });
  return { child, lines, clusters: JSON.parse(first).clusters };
}

/** Stops a cluster process (it stops its clusters when its stdin ends) and waits for its exit. */
export function stopClusterProcess(child: ChildProcess): Promise<void> {
  return new Promise(done => {
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
      return;
    }
    child.once('exit', () => done());
    child.stdin?.end();
  });
}

/** Cluster specs for the clusters of cluster processes, read with their read-only tokens. */
export function clusterSpecs(clusters: BenchCluster[]): ClusterSpec[] {
  return clusters.map(c => ({
    name: c.name,
    url: c.url,
    skipTLSVerify: true,
    authMetadata: {},
    reader: { type: 'token', token: c.token },
    registries: [],
    source: 'custom',
  }));
}

/**
 * The plugin's REST router over `fleet`, with its request store in `knex`, as one user whom
 * every permission allows sees it: the benchmarks measure the views, not authentication.
 */
export async function benchRouter(options: {
  fleet: RouterOptions['fleet'];
  knex: Knex;
  logger: LoggerService;
}) {
  return createRouter({
    fleet: options.fleet,
    requests: await DatabaseRequestStore.create({ getClient: async () => options.knex } as DatabaseService),
    httpAuth: {
      credentials: async () =>
        ({
          $$type: '@backstage/BackstageCredentials',
          principal: { type: 'user', userEntityRef: 'user:default/bench' },
        }) as BackstageCredentials,
    } as unknown as HttpAuthService,
    permissions: {
      authorize: async reqs => reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async reqs => reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as PermissionsService,
    auditor: {
      createEvent: async () => ({ success: async () => {}, fail: async () => {} }),
    } as AuditorService,
    logger: options.logger,
    config: new ConfigReader({}),
    // Every decision is ALLOW and nothing records requests, so the router never asks for pools
    // as permission resources nor for scaffolder tasks: a use of either fails loudly.
    poolResources: unused('pool permission resources') as unknown as RouterOptions['poolResources'],
    tasks: unused('scaffolder tasks') as unknown as RouterOptions['tasks'],
  });
}

/** An object whose every method throws: stands for a dependency the benchmark never uses. */
function unused(what: string): object {
  return new Proxy(
    {},
    {
      get: (_target, key) =>
        key === 'then'
          ? undefined
          : () => {
              throw new Error(`The benchmark does not provide ${what} (asked for ${String(key)})`);
            },
    },
  );
}
