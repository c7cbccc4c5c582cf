import { createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory, eventsServiceRef } from '@backstage/plugin-events-node';
import layeringPlugin from '@rhcos-layering/plugin-layering-backend';
import {
  startEmbeddedCluster,
  startWatchCountingProxy,
  type EmbeddedCluster,
  type WatchCountingProxy,
} from '@rhcos-layering/embedded-openshift';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Two replicas of the layering backend (each a real backend with the layering, events and
 * signals plugins) on one real PostgreSQL server, started at the same moment on a fresh
 * database (their migrations run one after the other): the clusters are split between them by lease,
 * each watched by exactly one replica (watch requests are counted on the way to each embedded
 * API server, through one proxy per replica), either replica answers for every cluster, a
 * signal from a cluster the first one watches reaches the events bus of the second (from which
 * its signals plugin serves its browsers), and
 * the second takes every cluster over when the first stops.
 */
const repoRoot = resolve(__dirname, '../../..');
const pgScript = join(repoRoot, 'scripts/test-services/postgres.sh');

jest.setTimeout(240_000);

/** Polls `check` every 200 ms until it stops throwing, for at most `timeoutMs`. */
async function until<T>(check: () => Promise<T> | T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 200));
    }
  }
}

const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];

/** GETs a path of a test backend (its mock credentials stand for a signed-in user). */
async function get(backend: { server: http.Server }, path: string) {
  const port = (backend.server.address() as AddressInfo).port;
  // An explicit limit: a request that hangs fails here, not at the test's own timeout.
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.json() };
}

describe('two layering replicas on PostgreSQL', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'layering-replicas-'));
  let pg = { port: 0, password: '' };
  const clusters: EmbeddedCluster[] = [];
  /** proxies[replica][cluster] */
  const proxies: Record<'a' | 'b', WatchCountingProxy[]> = { a: [], b: [] };
  type Backend = Awaited<ReturnType<typeof startTestBackend>>;
  let a: Backend | undefined;
  let b: Backend | undefined;

  /** Signals B's events bus delivered (published by either replica). */
  const heardOnB: Array<{ channel: string; message: Record<string, unknown> }> = [];
  const heardOnA: Array<{ channel: string; message: Record<string, unknown> }> = [];
  // Each listener subscribes under its own id, as the signals plugin does with its instance id:
  // the bus hands an event to every subscription id that has not had it yet.
  const signalListener = (id: string, heard: typeof heardOnB) => createBackendPlugin({
    pluginId: 'replica-test-listener',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id,
            topics: ['signals'],
            onEvent: async ({ eventPayload }) => {
              heard.push(eventPayload as (typeof heardOnB)[number]);
            },
          });
        },
      });
    },
  });

  const database = () => ({
    client: 'pg',
    connection: { host: '127.0.0.1', port: pg.port, user: 'postgres', password: pg.password },
  });

  const replica = (id: 'a' | 'b') =>
    startTestBackend({
      features: [
        signalListener(`replica-${id}`, id === 'b' ? heardOnB : heardOnA),
        // The real events service (test backends get an in-process mock): it reaches the
        // events backend's bus, which PostgreSQL shares between the replicas.
        eventsServiceFactory,
        layeringPlugin,
        eventsPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { database: database() },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: clusters.map((cluster, i) => ({
                    name: NAMES[i],
                    url: proxies[id][i].url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: cluster.tokens.readOnly,
                    skipTLSVerify: true,
                  })),
                },
              ],
            },
            layering: {
              replicas: {
                id: `replica-${id}`,
                renewIntervalSeconds: 1,
                leaseTtlSeconds: 3,
                viewPollIntervalMs: 200,
              },
              signals: { debounceMs: 100 },
            },
          },
        }),
      ],
    });

  const watches = (id: 'a' | 'b') => proxies[id].map(p => p.open);

  beforeAll(async () => {
    const [port, password] = execFileSync('bash', [pgScript, 'start', workDir], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    pg = { port: Number(port), password };
    for (const name of NAMES) {
      const cluster = await startEmbeddedCluster({
        name,
        stateDir: resolvePackagePath('@rhcos-layering/embedded-openshift', 'states/ocp-418'),
        speed: 0,
      });
      clusters.push(cluster);
      proxies.a.push(await startWatchCountingProxy(cluster.url));
      proxies.b.push(await startWatchCountingProxy(cluster.url));
    }
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    for (const p of [...proxies.a, ...proxies.b]) await p.close();
    for (const cluster of clusters) await cluster.stop();
    execFileSync('bash', [pgScript, 'stop', workDir]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('starts both at once, splits the clusters, answers for all on both, carries signals across and takes over', async () => {
    // The events backend's own knex migrations race when two backends start on a fresh
    // database at the same moment ("relation knex_migrations already exists", seen here): that
    // is Backstage's, not ours, so its database is migrated by one backend first.
    const eventsOnly = await startTestBackend({
      features: [
        eventsPlugin,
        mockServices.rootConfig.factory({ data: { backend: { database: database() } } }),
      ],
    });
    await eventsOnly.stop();
    // Then both at the same moment: each creates the layering plugin's tables and runs its
    // migrations (request store, drift trend), which must not fail on the other's.
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    // Each takes its share: two clusters each, and no cluster watched by both.
    await until(() => {
      const [wa, wb] = [watches('a'), watches('b')];
      expect(wa.filter(n => n > 0)).toHaveLength(2);
      expect(wb.filter(n => n > 0)).toHaveLength(2);
      expect(NAMES.filter((_, i) => wa[i] > 0 && wb[i] > 0)).toEqual([]);
    }, 60_000);
    const ownedByA = NAMES.filter((_, i) => watches('a')[i] > 0);

    // Either replica answers for every cluster and pool, from its watches or the shared views.
    for (const backend of [a, b]) {
      await until(async () => {
        const res = await get(backend, '/api/layering/clusters');
        expect(res.status).toBe(200);
        expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(NAMES);
        expect(res.body.items.every((c: { status: string; lastSync: string | null }) =>
          c.status === 'ok' && c.lastSync !== null)).toBe(true);
        const pools = await get(backend, '/api/layering/pools');
        expect(pools.status).toBe(200);
        const clustersWithPools = new Set(
          pools.body.items.map((p: { cluster: string }) => p.cluster),
        );
        expect([...clustersWithPools].sort()).toEqual(NAMES);
        const worker = await get(backend, 
          `/api/layering/clusters/${ownedByA[0]}/pools/worker`,
        );
        expect(worker.status).toBe(200);
        expect(worker.body.nodes.length).toBeGreaterThan(0);
      }, 60_000);
    }

    // A change in a cluster that A watches reaches B's events bus as a signal, where B's signals
    // plugin hands it to the browsers connected to B (it subscribes with its own instance id,
    // as this listener does).
    const cluster = ownedByA[0];
    const channel = `layering:pool:${cluster}/worker`;
    const target = clusters[NAMES.indexOf(cluster)];
    const patched = await fetch(
      `${target.url}/apis/machineconfiguration.openshift.io/v1/machineconfigpools/worker`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${target.tokens.admin}`,
          'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ spec: { paused: true } }),
      },
    );
    expect(patched.status).toBe(200);
    try {
    await until(
        () =>
          expect(heardOnB).toContainEqual(
            expect.objectContaining({
              channel,
              message: expect.objectContaining({ type: 'pool-changed', cluster, pool: 'worker' }),
            }),
          ),
        60_000,
      );
    } catch (error) {
      throw new Error(`${error}\nheard on A: ${JSON.stringify(heardOnA.map(h => h.channel))}`);
    }
    // And B serves the paused pool from the view A shared.
    await until(async () => {
      const res = await get(b!, `/api/layering/clusters/${cluster}/pools/worker`);
      expect(res.body.paused).toBe(true);
    }, 30_000);

    // A stops: B watches every cluster, and nothing is watched through A any more. All the
    // while B answers with the pools of every cluster (the previous owner's last views, marked
    // stale, until its own watches have listed): a takeover never shows a cluster empty.
    const missing: string[][] = [];
    let takenOver = false;
    const sampler = (async () => {
      const backend = b!;
      while (!takenOver) {
        const pools = await get(backend, '/api/layering/pools');
        const seen = new Set(pools.body.items.map((p: { cluster: string }) => p.cluster));
        const absent = NAMES.filter(n => !seen.has(n));
        if (absent.length) missing.push(absent);
        await new Promise(r => setTimeout(r, 100));
      }
    })();
    await a.stop();
    a = undefined;
    try {
      await until(() => {
        expect(watches('a')).toEqual([0, 0, 0, 0]);
        expect(watches('b').every(n => n > 0)).toBe(true);
      }, 30_000);
      // And its own views of them are in: no pool is stale any more.
      await until(async () => {
        const pools = await get(b!, '/api/layering/pools');
        expect(pools.body.items.filter((p: { stale: boolean }) => p.stale)).toEqual([]);
      }, 30_000);
    } finally {
      takenOver = true;
      await sampler;
    }
    expect(missing).toEqual([]);
    const res = await get(b, '/api/layering/clusters');
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(NAMES);
  });
});
