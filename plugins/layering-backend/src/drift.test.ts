/*
 * Drift end to end (issue #13): embedded clusters started from the drift scenarios of
 * `packages/embedded-cluster/states/scenarios/` (`eus-paused`: a 4.18.21 cluster after an EUS
 * update from 4.16.45, one custom pool left paused, one pinned to a later-dated 4.16.z build;
 * `mid-update`: an update to 4.18.24 under way, history entry Partial, worker 1 of 4 updated),
 * and the packaged `ocp-419` state (RHEL-style build IDs) updated live across a minor, all read
 * through the backend's REST API.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { PoolView } from '@rhcos-layering/plugin-layering-common';
import {
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import request from 'supertest';
import {
  embeddedClusterConfig,
  embeddedRegistries,
  eventually,
  startLayeringBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

/** An embedded cluster from a drift scenario (or a packaged state) and a backend reading it. */
async function startScenario(name: string, stateDir = `states/scenarios/${name}`) {
  const cluster = await startEmbeddedCluster({
    name,
    stateDir: resolvePackagePath('@rhcos-layering/embedded-openshift', stateDir),
    speed: 0,
  });
  const backend = await startLayeringBackend({
    config: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              embeddedClusterConfig(cluster, name, cluster.tokens.readOnly),
            ],
          },
        ],
      },
      layering: {
        registries: embeddedRegistries(cluster),
        signals: { debounceMs: 10 },
      },
    },
  });
  const pool = async (poolName: string): Promise<PoolView> => {
    const res = await request(backend.server).get(
      `/api/layering/clusters/${name}/pools/${poolName}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  };
  return { cluster, backend, pool };
}

describe('drift after an EUS update, from what the nodes run', () => {
  let cluster: EmbeddedCluster;
  let backend: Awaited<ReturnType<typeof startLayeringBackend>>;
  let pool: (name: string) => Promise<PoolView>;

  beforeAll(async () => {
    ({ cluster, backend, pool } = await startScenario('eus-paused'));
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it('the paused pool is behind by 2 minors while its nodes boot 4.16, its target in sync', async () => {
    const gpu = await eventually(async () => {
      const view = await pool('gpu');
      // Wait for the release payloads to be read: then the nodes' build matches 4.16.45.
      expect(view.stale).toBe(false);
      expect(view.drift.matchedRelease).toBe('4.16.45');
      return view;
    });
    expect(gpu.drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      releasesBehind: 2,
      target: { status: 'in-sync', minorVersionsBehind: 0 },
    });
    expect(gpu.drift.reason).toMatch(
      /^Paused since \S+: 0 of 2 updated; 2 of 2 nodes still boot 4\.16\.45's RHCOS \(416\.94\.202507011200-0\), 2 minor versions and 2 releases behind 4\.18\.21/,
    );
  });

  it('the pool pinned to a later-dated 4.16.z build is behind by 2 minors, not ahead', async () => {
    const legacy = await eventually(async () => {
      const view = await pool('legacy');
      expect(view.stale).toBe(false);
      expect(view.image.baseRhcosVersion).toBe('416.94.202508150900-0');
      return view;
    });
    expect(legacy.drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      target: { status: 'behind', minorVersionsBehind: 2 },
    });
    // Built after 4.18.21's RHCOS, yet behind.
    expect(legacy.drift.ageDays).toBeLessThan(0);
    expect(legacy.drift.reason).toContain(
      'Pinned by MachineConfig 99-legacy-os-image',
    );
  });

  it('resuming the paused pool rolls it to 4.18.21 and in sync', async () => {
    const patched = await fetch(
      `${cluster.url}/apis/machineconfiguration.openshift.io/v1/machineconfigpools/gpu`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${cluster.tokens.admin}`,
          'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ spec: { paused: false } }),
      },
    );
    expect(patched.status).toBe(200);
    await eventually(async () => {
      const gpu = await pool('gpu');
      expect(gpu.drift.status).toBe('in-sync');
      expect(gpu.nodeRhcosVersions).toEqual([
        { rhcosVersion: '418.94.202507221249-0', count: 2 },
      ]);
    });
  });
});

describe('drift while a cluster update is under way', () => {
  let cluster: EmbeddedCluster;
  let backend: Awaited<ReturnType<typeof startLayeringBackend>>;
  let pool: (name: string) => Promise<PoolView>;

  beforeAll(async () => {
    ({ cluster, backend, pool } = await startScenario('mid-update'));
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it('a pool rolling out is behind while 3 of its 4 nodes boot the previous release, which the Partial entry does not count', async () => {
    const worker = await eventually(async () => {
      const view = await pool('worker');
      expect(view.stale).toBe(false);
      expect(view.drift.matchedRelease).toBe('4.18.21');
      return view;
    });
    expect(worker.release.version).toBe('4.18.24');
    expect(worker.drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 0,
      releasesBehind: 0,
      target: { status: 'in-sync' },
    });
    expect(worker.drift.reason).toMatch(
      /^Rolling out: 1 of 4 updated; 3 of 4 nodes still boot 4\.18\.21's RHCOS \(418\.94\.202507221249-0\), behind 4\.18\.24, whose update has not completed yet;/,
    );
    expect((await pool('master')).drift.status).toBe('in-sync');
  });
});

describe('RHEL-style build IDs across minors, live', () => {
  let cluster: EmbeddedCluster;
  let backend: Awaited<ReturnType<typeof startLayeringBackend>>;
  let pool: (name: string) => Promise<PoolView>;

  beforeAll(async () => {
    ({ cluster, backend, pool } = await startScenario('rhel', 'states/ocp-419'));
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  const patch = async (path: string, body: object) => {
    const res = await fetch(`${cluster.url}${path}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${cluster.tokens.admin}`,
        'content-type': 'application/merge-patch+json',
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };
  // Payloads of the ocp-419 state's release catalogue (its releases.yaml).
  const payloads: Record<string, string> = {
    '4.19.20':
      'quay.io/openshift-release-dev/ocp-release@sha256:0aae7f0fb6ea88009bac0f92e678e6dcec418be8ec75cd43d5f6f8162b612210',
    '4.20.5':
      'quay.io/openshift-release-dev/ocp-release@sha256:ae25ba00fea63f641f9caf1ea471fa60e17fb828d9ded220116d820eba74e7cc',
  };
  const update = (version: string) =>
    patch('/apis/config.openshift.io/v1/clusterversions/version', {
      spec: { desiredUpdate: { version, image: payloads[version] } },
    });

  it("a pool left on 4.19.20's RHCOS, dated after 4.20.5's, is a minor behind once the cluster is on 4.20.5", async () => {
    await update('4.19.20');
    await eventually(async () => {
      const worker = await pool('worker');
      expect(worker.release.version).toBe('4.19.20');
      expect(worker.drift.status).toBe('in-sync');
      expect(worker.nodeRhcosVersions.map(n => n.rhcosVersion)).toEqual([
        '9.6.20251118-0',
      ]);
    });
    await patch('/apis/machineconfiguration.openshift.io/v1/machineconfigpools/worker', {
      spec: { paused: true },
    });
    await update('4.20.5');
    const worker = await eventually(async () => {
      const view = await pool('worker');
      expect(view.release).toEqual({ version: '4.20.5', rhcosVersion: '9.6.20251112-0' });
      // The nodes' build is named by 4.19.20's payload in the history: its minor is known.
      expect(view.drift.matchedRelease).toBe('4.19.20');
      // The MCO renders the new release's config after the release changes: wait for the
      // pool's target to be the new default image.
      expect(view.drift.target?.status).toBe('in-sync');
      return view;
    });
    expect(worker.drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 1,
      target: { status: 'in-sync' },
    });
    // Built six days after 4.20.5's RHCOS, and still behind: the minor decides.
    expect(worker.drift.ageDays).toBe(-6);
    expect(worker.drift.reason).toMatch(/^Paused(?: since \S+)?: 0 of \d+ updated; \d+ of \d+ nodes still boot 4\.19\.20's RHCOS \(9\.6\.20251118-0\), 1 minor version/);
  });
});
