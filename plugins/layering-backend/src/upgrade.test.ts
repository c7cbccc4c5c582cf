import type { SignalPayload } from '@backstage/plugin-signals-node';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import request from 'supertest';
import {
  embeddedClusterConfig,
  embeddedRegistries,
  eventually,
  startLayeringBackend,
  startSampleCluster,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const RELEASE_4_18_24 =
  'quay.io/openshift-release-dev/ocp-release@sha256:f131a7387ec7b46997b7a60264e68d33a675a22b40a7198b5d70ed94f41c8a32';

describe('a cluster upgrade, followed live', () => {
  let cluster: EmbeddedCluster;
  let backend: Awaited<ReturnType<typeof startLayeringBackend>>;
  const published: SignalPayload[] = [];

  beforeAll(async () => {
    cluster = await startSampleCluster('upgrading');
    backend = await startLayeringBackend({
      config: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                embeddedClusterConfig(
                  cluster,
                  'upgrading',
                  cluster.tokens.readOnly,
                ),
              ],
            },
          ],
        },
        layering: {
          registries: embeddedRegistries(cluster),
          signals: { debounceMs: 10 },
        },
      },
      published,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  const get = (path: string) =>
    request(backend.server).get(`/api/layering${path}`);

  it('moves the release, keeps default pools in sync and shows the pinned pool further behind', async () => {
    await eventually(async () => {
      const res = await get('/clusters/upgrading/pools/master');
      expect(res.body.drift?.status).toBe('in-sync');
      expect(res.body.release.version).toBe('4.18.21');
    });
    const before: PoolView = (await get('/clusters/upgrading/pools/worker'))
      .body;
    expect(before.drift.status).toBe('behind');

    const patched = await fetch(
      `${cluster.url}/apis/config.openshift.io/v1/clusterversions/version`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${cluster.tokens.admin}`,
          'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({
          spec: {
            desiredUpdate: { version: '4.18.24', image: RELEASE_4_18_24 },
          },
        }),
      },
    );
    expect(patched.status).toBe(200);
    published.length = 0;
    await cluster.settle();

    const upgraded: ClusterView = await eventually(async () => {
      const res = await get('/clusters/upgrading');
      expect(res.body.release.version).toBe('4.18.24');
      expect(res.body.release.rhcosVersion).toBe('418.94.202509021131-0');
      const master = res.body.pools.find((p: PoolView) => p.name === 'master');
      expect(master.drift.status).toBe('in-sync');
      expect(master.nodeRhcosVersions).toEqual([
        { rhcosVersion: '418.94.202509021131-0', count: 3 },
      ]);
      return res.body;
    });
    expect(upgraded.status).toBe('ok');

    const worker: PoolView = (await get('/clusters/upgrading/pools/worker'))
      .body;
    // os-layer-custom still pins the worker image to 4.18.17's RHCOS: an override does not follow
    // upgrades, so the pool is now further behind.
    expect(worker.layering).toMatchObject({
      mode: 'out-of-cluster',
      source: 'os-layer-custom',
    });
    expect(worker.drift.status).toBe('behind');
    expect(worker.drift.ageDays!).toBeGreaterThan(before.drift.ageDays!);

    const history = (await get('/clusters/upgrading/release')).body.history;
    expect(history[0]).toMatchObject({
      version: '4.18.24',
      rhcosVersion: '418.94.202509021131-0',
    });

    expect(
      published.some(s => s.channel === 'layering:pool:upgrading/master'),
    ).toBe(true);
  });
});
