import {
  createBackendPlugin,
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type {
  ClusterView,
  LayeringClusterRelease,
  PoolDetail,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import request from 'supertest';
import type { Server } from 'node:http';
import { RegistryClient } from './registry';
import { layeringClustersServiceRef } from '@rhcos-layering/plugin-layering-node';
import { FleetService, layeringFleetServiceRef } from './services/FleetService';
import {
  embeddedClusterConfig,
  embeddedRegistries,
  eventually,
  startLayeringBackend,
  startSampleCluster,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

/** Who asked the stand-in scaffolder for a task, and the tasks it knows. */
const taskReads: string[] = [];
const TASKS: Record<string, object> = {
  'task-42': { id: 'task-42', status: 'processing', createdBy: 'user:default/jane', spec: {} },
};

/**
 * A stand-in for the scaffolder's task API (`GET /v2/tasks/:id`) behind the test backend's real
 * discovery and service auth, so the plugin's task lookup runs over HTTP as in the portal.
 */
const scaffolderTasks = createBackendPlugin({
  pluginId: 'scaffolder',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
      async init({ httpRouter, httpAuth }) {
        const router = express.Router();
        router.get('/v2/tasks/:id', async (req, res) => {
          const credentials = await httpAuth.credentials(req, { allow: ['service'] });
          taskReads.push(credentials.principal.subject);
          const task = TASKS[req.params.id];
          if (!task) {
            res.status(404).json({ error: { name: 'NotFoundError', message: 'no such task' } });
            return;
          }
          res.json(task);
        });
        httpRouter.use(router);
      },
    });
  },
});

/** 4.18.17, the release before 4.18.21 in the sample's ClusterVersion history. */
const RELEASE_4_18_17 =
  'quay.io/openshift-release-dev/ocp-release@sha256:a9979d080835bb2d5b872e5814862a42b13a791fbbd27ddbb3a3ea1bf147ccdd';
let servesReleasePayloads = false;

describe('layering plugin against the embedded cluster', () => {
  let main: EmbeddedCluster;
  let doomed: EmbeddedCluster;
  let old: EmbeddedCluster;
  let server: Server;
  let fleet: FleetService | undefined;
  const published: SignalPayload[] = [];
  let stopBackend: () => Promise<void>;

  beforeAll(async () => {
    main = await startSampleCluster('main');
    // Whether the embedded registry serves release payloads' image-references (the history's
    // RHCOS builds depend on it); see the README, "What the embedded cluster offers".
    const registry = new RegistryClient({
      registries: embeddedRegistries(main),
    });
    servesReleasePayloads =
      (await registry
        .getReleaseRhcosImage(RELEASE_4_18_17)
        .catch(() => undefined)) !== undefined;
    if (!servesReleasePayloads) {
      // eslint-disable-next-line no-console
      console.warn(
        'The embedded registry does not serve release payload references: the history match of the sample drift is checked in its fallback form.',
      );
    }
    doomed = await startSampleCluster('doomed');
    old = await startSampleCluster('old', 'ocp-417');
    if (!old.httpsUrl?.startsWith('https:') || !old.caCertificate) {
      throw new Error(
        'The embedded cluster offers no TLS endpoint with a CA certificate',
      );
    }
    const backend = await startLayeringBackend({
      config: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                embeddedClusterConfig(main, 'main', main.tokens.readOnly),
                embeddedClusterConfig(doomed, 'doomed', doomed.tokens.readOnly),
                // Over TLS, verified with the cluster's CA (the production path).
                {
                  name: 'ocp-417',
                  url: old.httpsUrl,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: old.tokens.readOnly,
                  caData: Buffer.from(old.caCertificate ?? '').toString(
                    'base64',
                  ),
                },
                embeddedClusterConfig(main, 'badtoken', 'not-a-valid-token'),
                {
                  name: 'oidc',
                  url: main.url,
                  authProvider: 'oidc',
                  oidcTokenProvider: 'okta',
                },
              ],
            },
          ],
        },
        layering: {
          registries: embeddedRegistries(main),
          informers: { watchTimeoutSeconds: 2, requestTimeoutMs: 5000 },
          signals: { debounceMs: 10 },
        },
      },
      published,
      features: [
        scaffolderTasks,
        createServiceFactory({
          service: layeringFleetServiceRef,
          deps: {
            config: coreServices.rootConfig,
            logger: coreServices.logger,
            lifecycle: coreServices.lifecycle,
            clusters: layeringClustersServiceRef,
          },
          async factory({ config, logger, lifecycle, clusters }) {
            fleet = await FleetService.fromClustersService({
              config,
              logger,
              clusters,
              debounceMs: 10,
            });
            lifecycle.addShutdownHook(() => fleet!.stop());
            return fleet;
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await main?.stop();
    await doomed?.stop().catch(() => {});
    await old?.stop();
  });

  const get = (path: string) => request(server).get(`/api/layering${path}`);

  const clusterNamed = async (name: string): Promise<ClusterView> => {
    const res = await get('/clusters');
    expect(res.status).toBe(200);
    const cluster = res.body.items.find((c: ClusterView) => c.name === name);
    expect(cluster).toBeDefined();
    return cluster;
  };

  it('serves the sample drift: master in sync, worker behind 4.18.21 (one release when the payloads say so), infra in sync', async () => {
    // Without the payload references only the current release's RHCOS is known: the base is
    // older than 4.18.21's, but it matches no release of the history.
    const historyMatch = servesReleasePayloads
      ? { releasesBehind: 1, matchedRelease: '4.18.17' }
      : { releasesBehind: null, matchedRelease: null };
    const pools: PoolView[] = await eventually(async () => {
      const res = await get('/clusters/main/pools');
      expect(res.status).toBe(200);
      const items: PoolView[] = res.body.items;
      expect(items.map(p => p.name)).toEqual(['infra', 'master', 'worker']);
      for (const pool of items) {
        expect(pool.stale).toBe(false);
        expect(pool.drift.status).not.toBe('unknown');
      }
      // The release payloads are read from the registry after the pools are first shown; the
      // history match follows once they are.
      expect(items.find(p => p.name === 'worker')?.drift).toMatchObject(historyMatch);
      return items;
    });
    const byName = Object.fromEntries(pools.map(p => [p.name, p]));
    expect(byName.master.drift.status).toBe('in-sync');
    expect(byName.master.layering.mode).toBe('none');
    expect(byName.worker.drift.status).toBe('behind');
    expect(byName.worker.drift).toMatchObject(historyMatch);
    expect(byName.worker.drift.ageDays).toBeGreaterThan(0);
    expect(byName.worker.layering).toMatchObject({
      mode: 'out-of-cluster',
      source: 'os-layer-custom',
    });
    expect(byName.worker.image.baseRhcosVersion).toBe('418.94.202506121335-0');
    expect(byName.infra.drift.status).toBe('in-sync');
    expect(byName.infra.layering).toMatchObject({
      mode: 'on-cluster',
      source: 'infra',
    });
    expect(byName.infra.release).toEqual({
      version: '4.18.21',
      rhcosVersion: '418.94.202507221249-0',
    });

    const cluster = await clusterNamed('main');
    expect(cluster).toMatchObject({
      status: 'ok',
      machineOSConfigApiVersion: 'v1',
      release: { version: '4.18.21', rhcosVersion: '418.94.202507221249-0' },
    });
    expect(cluster.lastSync).not.toBeNull();
  });

  it('reads MachineOSConfigs of a v1alpha1 cluster (over TLS with caData) into the same model', async () => {
    const infra: PoolView = await eventually(async () => {
      const res = await get('/clusters/ocp-417/pools/infra');
      expect(res.status).toBe(200);
      expect(res.body.stale).toBe(false);
      return res.body;
    });
    expect(infra.layering).toMatchObject({
      mode: 'on-cluster',
      source: 'infra',
    });
    expect(infra.layering.image).toMatch(/@sha256:/);
    expect((await clusterNamed('ocp-417')).machineOSConfigApiVersion).toBe(
      'v1alpha1',
    );
  });

  it('serves a pool detail with nodes and builds', async () => {
    const res = await get('/clusters/main/pools/infra');
    expect(res.status).toBe(200);
    const detail: PoolDetail = res.body;
    expect(detail.nodes.map(n => n.name)).toEqual(['infra-0']);
    expect(detail.builds.length).toBeGreaterThanOrEqual(1);
    expect(detail.builds.some(b => b.state === 'Succeeded')).toBe(true);
  });

  it("serves each pool's current layering settings, reading the MachineOSConfig from the cluster", async () => {
    await eventually(async () => {
      const res = await get('/clusters/main/pools/infra');
      expect(res.body.stale).toBe(false);
    });
    const infra = await get('/clusters/main/pools/infra/layering');
    expect(infra.status).toBe(200);
    expect(infra.body).toEqual({
      mode: 'on-cluster',
      name: 'infra',
      apiVersion: 'machineconfiguration.openshift.io/v1',
      containerfiles: [
        {
          arch: 'NoArch',
          content: expect.stringMatching(
            /^FROM configs AS final\nRUN dnf install -y tmux sysstat/,
          ),
        },
      ],
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      renderedImagePushSecret: 'infra-os-images-push',
      baseImagePullSecret: 'global-pull-secret-copy',
      currentImage: expect.stringMatching(
        /^registry\.example\.com\/platform-os\/infra-layered@sha256:b8ef12d6/,
      ),
    });
    const worker = await get('/clusters/main/pools/worker/layering');
    expect(worker.body).toEqual({
      mode: 'out-of-cluster',
      name: 'os-layer-custom',
      osImageURL: expect.stringMatching(
        /^registry\.example\.com\/platform-os\/worker-custom@sha256:6c576763/,
      ),
    });
    expect((await get('/clusters/main/pools/master/layering')).body).toEqual({
      mode: 'none',
    });
    expect((await get('/clusters/main/pools/nope/layering')).status).toBe(404);
  });

  it('serves the release with its history for the templates', async () => {
    const res = await get('/clusters/main/release');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cluster: 'main', version: '4.18.21' });
    expect(res.body.history.map((h: { version: string }) => h.version)).toEqual(
      ['4.18.21', '4.18.17'],
    );
  });

  it('sends the release in the shape of the wire contract: every field, null when unknown', async () => {
    const release: LayeringClusterRelease = (await get('/clusters/main/release')).body;
    // The actions once read the history as optional with missing fields; the backend sends
    // each field of each entry, so consumers may rely on the contract's nullable fields.
    expect(Object.keys(release).sort()).toEqual(
      ['baseImage', 'cluster', 'history', 'rhcosVersion', 'stale', 'status', 'updates', 'version'],
    );
    // The sample's ClusterVersion offers 4.18.24 and, conditionally, 4.19.9.
    expect(release.updates?.map(u => [u.version, u.conditional])).toEqual([
      ['4.18.24', false],
      ['4.19.9', true],
    ]);
    expect(release.history.length).toBeGreaterThan(0);
    for (const entry of release.history) {
      expect(Object.keys(entry).sort()).toEqual(['image', 'rhcosVersion', 'state', 'version']);
      for (const key of ['image', 'rhcosVersion', 'state'] as const) {
        expect(entry[key] === null || typeof entry[key] === 'string').toBe(true);
      }
    }
  });

  it('filters the fleet by drift', async () => {
    const res = await get('/pools?drift=behind&cluster=main');
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((p: PoolView) => `${p.cluster}/${p.name}`),
    ).toEqual(['main/worker']);
  });

  it('reports a rejected token as unauthorized, and an unsupported auth provider as an error', async () => {
    await eventually(async () => {
      expect((await clusterNamed('badtoken')).status).toBe('unauthorized');
    });
    const oidc = await clusterNamed('oidc');
    expect(oidc.status).toBe('error');
    expect(oidc.error).toContain('oidc');
    const pools = await get('/clusters/badtoken/pools');
    expect(pools.body.items).toEqual([]);
  });

  it('answers 404 for unknown clusters and pools, 400 for bad queries', async () => {
    expect((await get('/clusters/nowhere')).status).toBe(404);
    expect((await get('/clusters/main/pools/nothing')).status).toBe(404);
    expect((await get('/pools?drift=maybe')).status).toBe(400);
  });

  it('publishes signals when a pool view changes', async () => {
    published.length = 0;
    const pause = (paused: boolean) =>
      fetch(
        `${main.url}/apis/machineconfiguration.openshift.io/v1/machineconfigpools/worker`,
        {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${main.tokens.admin}`,
            'content-type': 'application/merge-patch+json',
          },
          body: JSON.stringify({ spec: { paused } }),
        },
      );
    expect((await pause(true)).status).toBe(200);
    await eventually(async () => {
      expect(published).toContainEqual({
        recipients: { type: 'broadcast' },
        channel: 'layering:pool:main/worker',
        message: { type: 'pool-changed', cluster: 'main', pool: 'worker' },
      });
      expect(published.some(s => s.channel === 'layering:fleet')).toBe(true);
    });
    expect((await get('/clusters/main/pools/worker')).body.paused).toBe(true);
    expect((await pause(false)).status).toBe(200);
  });

  it('re-lists after a 410 on watch and keeps serving', async () => {
    const informers = () =>
      fleet!.caches.find(c => c.name === 'main')!.informers;
    const before = informers().reduce(
      (n, i) => n + i.stats.relistsAfterGone,
      0,
    );
    // A write the nodes informer sees, then compaction: the other informers still hold an older
    // resourceVersion, so when their watches re-open (every ~2 s here) they get 410 Gone.
    const patched = await fetch(`${main.url}/api/v1/nodes/master-0`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${main.tokens.admin}`,
        'content-type': 'application/merge-patch+json',
      },
      body: JSON.stringify({
        metadata: { labels: { 'example.com/touched': 'yes' } },
      }),
    });
    expect(patched.status).toBe(200);
    main.expireWatchHistory();
    await eventually(async () => {
      const after = informers().reduce(
        (n, i) => n + i.stats.relistsAfterGone,
        0,
      );
      expect(after).toBeGreaterThan(before);
    });
    // The pool views are rebuilt after the caches recover: wait for the view, not only the status.
    await eventually(async () => {
      expect((await clusterNamed('main')).status).toBe('ok');
      const res = await get('/clusters/main/pools/master');
      expect(res.body.stale).toBe(false);
      expect(res.body.drift.status).toBe('in-sync');
    });
  });

  it('backs off when the cluster answers 429, then recovers', async () => {
    const informers = () =>
      fleet!.caches.find(c => c.name === 'main')!.informers;
    main.throttle(10);
    // The next watch re-openings are answered 429 + Retry-After; the informers wait and retry.
    await eventually(async () => {
      expect(informers().some(i => i.error?.kind === 'throttled')).toBe(true);
    });
    await eventually(async () => {
      expect((await clusterNamed('main')).status).toBe('ok');
      const pools = await get('/clusters/main/pools');
      expect(pools.body.items.every((p: PoolView) => !p.stale)).toBe(true);
    });
  });

  it('records requests from the scaffolder only, with the requester of the task', async () => {
    const body = {
      kind: 'rebase',
      delivery: 'pull-request',
      pullRequestUrl: 'https://github.com/acme/fleet/pull/42',
      taskId: 'task-42',
      requestedBy: 'user:default/mallory',
      outcome: 'opened',
    };
    const scaffolder = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:scaffolder'),
      targetPluginId: 'layering',
    });
    const created = await request(server)
      .post('/api/layering/clusters/main/pools/worker/requests')
      .set('Authorization', scaffolder)
      .send(body);
    expect(created.status).toBe(201);
    // The plugin asked the scaffolder, with its own service credentials, who started the task.
    expect(taskReads).toEqual(['plugin:layering']);
    const list = await get('/clusters/main/pools/worker/requests');
    expect(list.status).toBe(200);
    const { requestedBy: _forged, ...recorded } = body;
    expect(list.body.items).toEqual([
      expect.objectContaining({
        ...recorded,
        cluster: 'main',
        pool: 'worker',
        requestedBy: 'user:default/jane',
      }),
    ]);
    const unknownTask = await request(server)
      .post('/api/layering/clusters/main/pools/worker/requests')
      .set('Authorization', scaffolder)
      .send({ ...body, taskId: 'task-43' });
    expect(unknownTask.status).toBe(400);
    const external = await request(server)
      .post('/api/layering/clusters/main/pools/worker/requests')
      .set('Authorization', mockCredentials.service.header())
      .send({ ...body, taskId: 'task-44' });
    expect(external.status).toBe(403);
    const asUser = await request(server)
      .post('/api/layering/clusters/main/pools/worker/requests')
      .send(body);
    expect(asUser.status).toBe(403);
    expect((await get('/clusters/main/pools/worker/requests')).body.items).toHaveLength(1);
  });

  it('marks a cluster that dies as unreachable, its pools stale, and keeps the others', async () => {
    await eventually(async () => {
      expect((await clusterNamed('doomed')).status).toBe('ok');
    });
    await doomed.stop();
    await eventually(async () => {
      expect((await clusterNamed('doomed')).status).toBe('unreachable');
    });
    const pools: PoolView[] = await eventually(async () => {
      const res = await get('/clusters/doomed/pools');
      const items: PoolView[] = res.body.items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every(p => p.stale)).toBe(true);
      return items;
    });
    expect(pools.some(p => p.drift.status === 'in-sync')).toBe(false);
    const main418 = await clusterNamed('main');
    expect(main418.status).toBe('ok');
    const mainPools = await get('/clusters/main/pools');
    expect(mainPools.body.items.every((p: PoolView) => !p.stale)).toBe(true);
  });

  it('keeps /health open', async () => {
    const res = await get('/health').set(
      'Authorization',
      mockCredentials.none.header(),
    );
    expect(res.status).toBe(200);
  });
});
