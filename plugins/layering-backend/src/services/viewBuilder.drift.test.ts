/*
 * What the view builder hands to computeDrift: the pool's nodes, whether it is paused and since
 * when, the update graph's releases and the target image's OS labels (issue #13).
 */
import type { ClusterHealth, ClusterSnapshot } from '../kubernetes/ClusterCache';
import type {
  MachineConfigProjection,
  NodeProjection,
  PoolProjection,
} from '../kubernetes/projections';
import type { ClusterUpdateProjection } from '../kubernetes/updateProjections';
import { buildClusterViews, ImageFacts } from './viewBuilder';

const ART = 'quay.io/openshift-release-dev/ocp-v4.0-art-dev';
const image = (repo: string, c: string) => `${repo}@sha256:${c.repeat(64)}`;
const BASE_418 = image(ART, 'a');
const BASE_416 = image(ART, 'b');
const BASE_417 = image(ART, '7');
const CUSTOM = image('registry.example.com/os/custom', 'c');
const INDEX = image(ART, 'e');
const RHCOS_418 = '418.94.202507221249-0';
const RHCOS_417 = '417.94.202504010000-0';
const RHCOS_416 = '416.94.202507011200-0';
const rhcos = (build: string) => `Red Hat Enterprise Linux CoreOS ${build}`;

function pool(name: string, extra: Partial<PoolProjection> = {}): PoolProjection {
  return {
    name,
    paused: false,
    nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${name}`]: '' }, matchExpressions: [] },
    targetConfig: `rendered-${name}-new`,
    currentConfig: `rendered-${name}-new`,
    machineCount: 0,
    readyMachineCount: 0,
    updatedMachineCount: 0,
    unavailableMachineCount: 0,
    degradedMachineCount: 0,
    conditions: [],
    builtIn: name === 'master' || name === 'worker',
    ...extra,
  };
}

function render(poolName: string, suffix: string, osImageURL: string, overridden = false): MachineConfigProjection {
  return {
    name: `rendered-${poolName}-${suffix}`,
    role: null,
    ownerPool: poolName,
    osImageURL,
    releaseImageVersion: suffix === 'new' ? '4.18.21' : '4.16.45',
    osImageUrlOverridden: overridden,
    generated: true,
    created: null,
  };
}

function node(name: string, role: string, config: string, build: string): NodeProjection {
  return {
    name,
    roleLabels: { [`node-role.kubernetes.io/${role}`]: '', 'node-role.kubernetes.io/worker': '' },
    currentConfig: config,
    desiredConfig: config,
    state: 'Done',
    reason: null,
    currentImage: null,
    desiredImage: null,
    osImage: rhcos(build),
    ready: true,
    unschedulable: false,
    controlPlaneTopology: 'HighlyAvailable',
  };
}

const fresh: ClusterHealth = { status: 'ok', lastSync: Date.UTC(2026, 0, 1), stale: false, machineOSConfigApiVersion: 'v1' };

function snapshot(parts: Partial<ClusterSnapshot>, updates: ClusterUpdateProjection[] = []): ClusterSnapshot {
  return {
    pools: new Map(),
    machineConfigs: new Map(),
    machineOSConfigs: new Map(),
    machineOSBuilds: new Map(),
    nodes: new Map(),
    clusterVersion: {
      desiredVersion: '4.18.21',
      desiredImage: 'release@4.18.21',
      history: [
        { version: '4.18.21', image: 'release@4.18.21', state: 'Completed', completionTime: null },
        { version: '4.17.30', image: 'release@4.17.30', state: 'Partial', completionTime: null },
        { version: '4.16.45', image: 'release@4.16.45', state: 'Completed', completionTime: null },
      ],
      updates,
    },
    osImageUrl: { baseOSContainerImage: BASE_418, baseOSExtensionsContainerImage: null, releaseVersion: '4.18.21' },
    ...parts,
  };
}

const byName = <T extends { name: string }>(items: Iterable<T>) => new Map([...items].map(item => [item.name, item]));

function facts(
  labels: Record<string, string>,
  os: Record<string, { osName: string | null; ocpVersion: string | null }> = {},
): ImageFacts & { releasesAsked: string[] } {
  const payloads: Record<string, string> = {
    'release@4.18.21': BASE_418,
    'release@4.17.30': BASE_417,
    'release@4.16.45': BASE_416,
  };
  const releasesAsked: string[] = [];
  return {
    releasesAsked,
    rhcosOfImage: ref => labels[ref] ?? null,
    rhcosOfRelease: release => {
      releasesAsked.push(release);
      return payloads[release] ? labels[payloads[release]] ?? null : null;
    },
    osOfImage: ref => os[ref] ?? null,
  };
}

const registry = { [BASE_418]: RHCOS_418, [BASE_417]: RHCOS_417, [BASE_416]: RHCOS_416 };

describe('buildClusterViews: drift from what runs', () => {
  it('a custom pool left paused after an EUS 4.16 to 4.18 update is behind by 2 minors, since the pause', () => {
    const views = buildClusterViews(
      'eus',
      fresh,
      snapshot({
        pools: byName([
          pool('gpu', {
            paused: true,
            currentConfig: 'rendered-gpu-old',
            conditions: [
              { type: 'Updating', status: 'False', lastTransitionTime: '2026-11-30T22:10:00Z', message: 'Pool is paused; will not update to rendered-gpu-new' },
            ],
          }),
        ]),
        machineConfigs: byName([render('gpu', 'new', BASE_418), render('gpu', 'old', BASE_416)]),
        nodes: byName([
          node('gpu-0', 'gpu', 'rendered-gpu-old', RHCOS_416),
          node('gpu-1', 'gpu', 'rendered-gpu-old', RHCOS_416),
        ]),
      }),
      facts(registry),
    );
    const gpu = views.pools.get('gpu')!;
    expect(gpu.drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      // 4.17.30's entry is Partial: only 4.18.21 counts.
      releasesBehind: 1,
      matchedRelease: '4.16.45',
      target: { status: 'in-sync', minorVersionsBehind: 0 },
    });
    expect(gpu.drift.reason).toMatch(/^Paused since 2026-11-30T22:10:00Z: 0 of 2 updated; 2 of 2 nodes still boot 4\.16\.45's RHCOS/);
  });

  it('mid-rollout, the pool is behind until its last node is updated, and then in sync', () => {
    const nodes = [
      node('w-0', 'worker', 'rendered-worker-new', RHCOS_418),
      node('w-1', 'worker', 'rendered-worker-old', RHCOS_416),
      node('w-2', 'worker', 'rendered-worker-old', RHCOS_416),
      node('w-3', 'worker', 'rendered-worker-old', RHCOS_416),
    ];
    const parts = {
      pools: byName([pool('worker', { currentConfig: 'rendered-worker-old' })]),
      machineConfigs: byName([render('worker', 'new', BASE_418), render('worker', 'old', BASE_416)]),
    };
    const rolling = buildClusterViews('c', fresh, snapshot({ ...parts, nodes: byName(nodes) }), facts(registry));
    expect(rolling.pools.get('worker')!.drift.status).toBe('behind');
    expect(rolling.pools.get('worker')!.drift.reason).toMatch(/^Rolling out: 1 of 4 updated; 3 of 4 nodes still boot/);

    const done = nodes.map(n => ({ ...n, currentConfig: 'rendered-worker-new', desiredConfig: 'rendered-worker-new', osImage: rhcos(RHCOS_418) }));
    const settled = buildClusterViews('c', fresh, snapshot({ ...parts, nodes: byName(done) }), facts(registry));
    expect(settled.pools.get('worker')!.drift.status).toBe('in-sync');
  });

  it("takes the minor of a RHEL-style base from the image's release label, and of offered releases from their payloads", () => {
    const RHEL_BUILD = '9.6.20251110-0';
    const PINNED = image('registry.example.com/os/pinned', 'f');
    const f = facts(
      { ...registry, [CUSTOM]: RHEL_BUILD, [PINNED]: '9.6.20251001-0', [image(ART, '9')]: '9.6.20251001-0' },
      { [CUSTOM]: { osName: 'rhcos', ocpVersion: '4.16.50' } },
    );
    const update: ClusterUpdateProjection = {
      version: '4.19.20',
      image: 'release@4.19.20',
      url: null,
      conditional: false,
      risks: [],
      conditions: [],
    };
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot(
        {
          pools: byName([pool('edge'), pool('lab')]),
          machineConfigs: byName([render('edge', 'new', CUSTOM, true), render('lab', 'new', PINNED, true)]),
        },
        [update],
      ),
      {
        ...f,
        rhcosOfRelease: release =>
          release === 'release@4.19.20' ? '9.6.20251001-0' : f.rhcosOfRelease(release),
      },
    );
    expect(views.pools.get('edge')!.drift).toMatchObject({ status: 'behind', minorVersionsBehind: 2 });
    // The build of an offered 4.19 release is ahead of the 4.18 cluster, by one minor.
    expect(views.pools.get('lab')!.drift).toMatchObject({ status: 'ahead', minorVersionsBehind: -1, matchedRelease: '4.19.20' });
  });

  it('a target labelled as another OS is unknown', () => {
    const FCOS = image('quay.io/fedora/fedora-coreos', 'd');
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot({ pools: byName([pool('lab')]), machineConfigs: byName([render('lab', 'new', FCOS, true)]) }),
      facts(registry, { [FCOS]: { osName: 'fedora-coreos', ocpVersion: null } }),
    );
    expect(views.pools.get('lab')!.drift.status).toBe('unknown');
    expect(views.pools.get('lab')!.drift.reason).toContain('fedora-coreos');
  });

  it('a multi-arch index as target is compared by the build its labels name', () => {
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot({ pools: byName([pool('arm')]), machineConfigs: byName([render('arm', 'new', INDEX, true)]) }),
      facts({ ...registry, [INDEX]: RHCOS_418 }),
    );
    expect(views.pools.get('arm')!.drift).toMatchObject({ status: 'in-sync', matchedRelease: '4.18.21' });
  });
});
