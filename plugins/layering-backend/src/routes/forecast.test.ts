import type {
  LayeringClusterUpdates,
  LayeringForecastPool,
  LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import request from 'supertest';
import {
  embeddedClusterConfig,
  embeddedRegistries,
  eventually,
  startLayeringBackend,
  startSampleCluster,
} from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

/**
 * The forecast against two embedded clusters: `fc418` (the sample scenario: master on the
 * default image, worker pinned by os-layer-custom, infra paused with on-cluster layering) and
 * `fc419` (infra on-cluster layered with two past builds, edge pinned).
 */
describe('GET /clusters/:cluster/forecast against embedded clusters', () => {
  let c418: EmbeddedCluster;
  let c419: EmbeddedCluster;
  let backend: Awaited<ReturnType<typeof startLayeringBackend>>;

  const get = (path: string) => request(backend.server).get(`/api/layering${path}`);

  beforeAll(async () => {
    [c418, c419] = await Promise.all([
      startSampleCluster('fc418', 'ocp-418'),
      startSampleCluster('fc419', 'ocp-419'),
    ]);
    backend = await startLayeringBackend({
      config: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                embeddedClusterConfig(c418, 'fc418', c418.tokens.readOnly),
                embeddedClusterConfig(c419, 'fc419', c419.tokens.readOnly),
              ],
            },
          ],
        },
        // Each cluster reads images from its own registry.
        layering: {
          clusters: {
            options: {
              fc418: { registries: embeddedRegistries(c418) },
              fc419: { registries: embeddedRegistries(c419) },
            },
          },
        },
      },
    });
    // The views are complete once the RHCOS of the release and of every history entry is read
    // from the registry (in the background), and the pinned pools' bases are known.
    await eventually(async () => {
      for (const name of ['fc418', 'fc419']) {
        const res = await get(`/clusters/${name}/release`);
        const history: Array<{ rhcosVersion: string | null }> = res.body.history ?? [];
        if (!res.body.rhcosVersion || history.some(e => !e.rhcosVersion)) {
          throw new Error(`${name}: the release RHCOS is not read yet`);
        }
        const pools = await get(`/clusters/${name}/pools`);
        const items: Array<{ image: { baseRhcosVersion: string | null } }> = pools.body.items ?? [];
        if (items.some(p => !p.image.baseRhcosVersion)) {
          throw new Error(`${name}: a pool's base RHCOS is not read yet`);
        }
      }
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([c418?.stop(), c419?.stop()]);
  });

  const poolOf = (body: LayeringForecastResponse, name: string): LayeringForecastPool => {
    const pool = body.pools.find(p => p.name === name);
    if (!pool) throw new Error(`no pool ${name} in ${JSON.stringify(body)}`);
    return pool;
  };

  it('lists the offered updates, recommended and conditional, newest first', async () => {
    const res = await get('/clusters/fc418/updates');
    expect(res.status).toBe(200);
    const body: LayeringClusterUpdates = res.body;
    expect(body.current).toBe('4.18.21');
    expect(body.updates.map(u => [u.version, u.conditional])).toEqual([
      ['4.19.9', true],
      ['4.18.24', false],
    ]);
  });

  it('forecasts an offered version: master follows, worker stays pinned, paused infra is held', async () => {
    const res = await get('/clusters/fc418/forecast?to=4.18.24');
    expect(res.status).toBe(200);
    const body: LayeringForecastResponse = res.body;
    expect(body).toMatchObject({
      cluster: 'fc418',
      from: '4.18.21',
      to: '4.18.24',
      conditional: false,
      rhcosVersion: expect.stringMatching(/^418\.94\./),
    });
    expect(body.risks).toBeUndefined();
    expect(body.pools.map(p => p.name)).toEqual(['infra', 'master', 'worker']);

    expect(poolOf(body, 'master')).toMatchObject({
      outcome: 'follows',
      drift: { status: 'in-sync' },
      reboots: 3,
      builds: { count: 0 },
    });
    // Pinned to an image FROM 4.18.17's RHCOS: after 4.18.24 it is two releases behind.
    expect(poolOf(body, 'worker')).toMatchObject({
      outcome: 'stays-pinned',
      drift: { status: 'behind', releasesBehind: 2 },
      reboots: 0,
      builds: { count: 0 },
    });
    expect(poolOf(body, 'worker').reason).toContain('os-layer-custom');
    const infra = poolOf(body, 'infra');
    expect(infra).toMatchObject({ outcome: 'held', reboots: 0 });
    expect(infra.drift.status).toBe('behind');
    expect(infra.drift.reason).toContain('until the pool is resumed');
  });

  it('forecasts a conditional update with its risks and conditions', async () => {
    const res = await get('/clusters/fc418/forecast?to=4.19.9');
    expect(res.status).toBe(200);
    const body: LayeringForecastResponse = res.body;
    expect(body.conditional).toBe(true);
    expect(body.risks).toEqual([
      expect.objectContaining({
        name: 'PinnedPoolsBehindMinor',
        url: 'https://example.com/rhcos-layering/risks/pinned-pools-behind-minor',
      }),
    ]);
    expect(body.conditions).toEqual([
      expect.objectContaining({ type: 'Recommended', status: 'False' }),
    ]);
    // A minor update leaves the pinned pool a minor behind.
    expect(poolOf(body, 'worker').drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 1,
    });
  });

  it('forecasts an on-cluster pool as a rebuild timed by its past builds', async () => {
    const res = await get('/clusters/fc419/forecast?to=4.19.20');
    expect(res.status).toBe(200);
    const body: LayeringForecastResponse = res.body;
    // infra's two builds took 12 min 47 s and 13 min 14 s: the median is 13 minutes.
    expect(poolOf(body, 'infra')).toMatchObject({
      outcome: 'rebuilds',
      drift: { status: 'in-sync' },
      reboots: 2,
      builds: { count: 1, estimatedMinutes: 13 },
    });
    expect(poolOf(body, 'edge').outcome).toBe('stays-pinned');
    expect(poolOf(body, 'worker')).toMatchObject({ outcome: 'follows', reboots: 2 });
  });

  it('refuses a version the cluster is not offered, naming the offered ones', async () => {
    const res = await get('/clusters/fc418/forecast?to=4.18.99');
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain('4.18.99 is not an update cluster "fc418" is offered');
    expect(res.body.error.message).toContain('4.18.24');
    expect(res.body.error.message).toContain('4.19.9 (conditional)');
  });

  it('refuses a missing or malformed version and an unknown cluster', async () => {
    const missing = await get('/clusters/fc418/forecast');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('to: is required');
    const bad = await get('/clusters/fc418/forecast?to=../../etc');
    expect(bad.status).toBe(400);
    const unknown = await get('/clusters/nope/forecast?to=4.18.24');
    expect(unknown.status).toBe(404);
  });
});
