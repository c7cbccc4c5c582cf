import type { ClusterHealth, ClusterSnapshot } from '../kubernetes/ClusterCache';
import type {
  MachineConfigProjection,
  NodeProjection,
  PoolProjection,
} from '../kubernetes/projections';
import { buildClusterViews, ImageFacts, poolDetail } from './viewBuilder';

const BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`;
const OLD_BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'b'.repeat(64)}`;
const CUSTOM = `registry.example.com/os/custom@sha256:${'c'.repeat(64)}`;
const NEW_BUILD = '418.94.202507221249-0';
const OLD_BUILD = '418.94.202506121335-0';

function pool(name: string, extra: Partial<PoolProjection> = {}): PoolProjection {
  return {
    name,
    paused: false,
    nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${name}`]: '' }, matchExpressions: [] },
    targetConfig: `rendered-${name}-1`,
    currentConfig: `rendered-${name}-1`,
    machineCount: 1,
    readyMachineCount: 1,
    updatedMachineCount: 1,
    unavailableMachineCount: 0,
    degradedMachineCount: 0,
    conditions: [],
    builtIn: name === 'master' || name === 'worker',
    ...extra,
  };
}

function render(poolName: string, image: string, overridden = false): MachineConfigProjection {
  return {
    name: `rendered-${poolName}-1`,
    role: null,
    ownerPool: poolName,
    osImageURL: image,
    releaseImageVersion: '4.18.21',
    osImageUrlOverridden: overridden,
    generated: true,
    created: null,
  };
}

function node(name: string, roles: string[], extra: Partial<NodeProjection> = {}): NodeProjection {
  return {
    name,
    roleLabels: Object.fromEntries(roles.map(r => [`node-role.kubernetes.io/${r}`, ''])),
    currentConfig: null,
    desiredConfig: null,
    state: 'Done',
    reason: null,
    currentImage: null,
    desiredImage: null,
    osImage: `Red Hat Enterprise Linux CoreOS ${NEW_BUILD}`,
    ready: true,
    unschedulable: false,
    controlPlaneTopology: 'HighlyAvailable',
    ...extra,
  };
}

function snapshot(parts: Partial<ClusterSnapshot>): ClusterSnapshot {
  return {
    pools: new Map(),
    machineConfigs: new Map(),
    machineOSConfigs: new Map(),
    machineOSBuilds: new Map(),
    nodes: new Map(),
    clusterVersion: {
      desiredVersion: '4.18.21',
      desiredImage: 'release@21',
      history: [
        { version: '4.18.21', image: 'release@21', state: 'Completed', completionTime: null },
        { version: '4.18.17', image: 'release@17', state: 'Completed', completionTime: null },
      ],
    },
    osImageUrl: {
      baseOSContainerImage: BASE,
      baseOSExtensionsContainerImage: null,
      releaseVersion: '4.18.21',
    },
    ...parts,
  };
}

const fresh: ClusterHealth = {
  status: 'ok',
  lastSync: Date.UTC(2026, 0, 1),
  stale: false,
  machineOSConfigApiVersion: 'v1',
};

const labels: Record<string, string> = { [BASE]: NEW_BUILD, [OLD_BASE]: OLD_BUILD, [CUSTOM]: OLD_BUILD };
const releasePayloads: Record<string, string> = { 'release@21': BASE, 'release@17': OLD_BASE };
const registry: ImageFacts = {
  rhcosOfImage: image => labels[image] ?? null,
  rhcosOfRelease: release => (releasePayloads[release] ? labels[releasePayloads[release]] : null),
};
const noRegistry: ImageFacts = { rhcosOfImage: () => null, rhcosOfRelease: () => null };

const byName = <T extends { name: string }>(items: Iterable<T>) =>
  new Map([...items].map(item => [item.name, item]));

describe('buildClusterViews', () => {
  it('finds an inherited worker override as out-of-cluster layering, behind by one release', () => {
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot({
        pools: byName([pool('master'), pool('worker'), pool('infra')]),
        machineConfigs: byName([
          render('master', BASE),
          render('worker', CUSTOM, true),
          render('infra', CUSTOM, true),
          { ...render('x', CUSTOM), name: 'os-layer-custom', ownerPool: null, role: 'worker', generated: false },
        ]),
      }),
      registry,
    );
    expect(views.pools.get('master')!.drift.status).toBe('in-sync');
    expect(views.pools.get('worker')!.layering).toEqual({ mode: 'out-of-cluster', source: 'os-layer-custom', image: CUSTOM });
    expect(views.pools.get('infra')!.drift.reason).toContain('inherited worker MachineConfig os-layer-custom');
    expect(views.pools.get('worker')!.drift).toMatchObject({
      status: 'behind',
      releasesBehind: 1,
      matchedRelease: '4.18.17',
    });
    expect(views.history.map(h => h.rhcosVersion)).toEqual([NEW_BUILD, OLD_BUILD]);
  });

  it('without registry access, reads the release and target RHCOS from the nodes that boot them', () => {
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot({
        pools: byName([pool('master'), pool('worker')]),
        machineConfigs: byName([render('master', BASE), render('worker', CUSTOM, true)]),
        nodes: byName([
          node('m0', ['master'], { currentConfig: 'rendered-master-1', desiredConfig: 'rendered-master-1' }),
          node('w0', ['worker'], {
            currentConfig: 'rendered-worker-1',
            desiredConfig: 'rendered-worker-1',
            osImage: `Red Hat Enterprise Linux CoreOS ${OLD_BUILD}`,
          }),
        ]),
      }),
      noRegistry,
    );
    expect(views.cluster.release.rhcosVersion).toBe(NEW_BUILD);
    const worker = views.pools.get('worker')!;
    expect(worker.image.baseRhcosVersion).toBe(OLD_BUILD);
    expect(worker.drift.status).toBe('behind');
    // 4.18.17's RHCOS is unknown without the release payloads, so no history match.
    expect(worker.drift.releasesBehind).toBeNull();
  });

  it('never reports a stale pool in sync', () => {
    const views = buildClusterViews(
      'c',
      { ...fresh, status: 'unreachable', stale: true },
      snapshot({ pools: byName([pool('master')]), machineConfigs: byName([render('master', BASE)]) }),
      registry,
    );
    const master = views.pools.get('master')!;
    expect(master.stale).toBe(true);
    expect(master.drift.status).toBe('unknown');
    expect(master.rollout.state).toBe('unknown');
  });

  it('puts nodes in pools the MCO way: render owner first, then master over custom over worker', () => {
    const views = buildClusterViews(
      'c',
      fresh,
      snapshot({
        pools: byName([pool('master'), pool('worker'), pool('infra')]),
        machineConfigs: byName([render('master', BASE), render('worker', BASE), render('infra', BASE)]),
        nodes: byName([
          node('sno', ['master', 'worker'], { controlPlaneTopology: 'SingleReplica' }),
          node('i0', ['worker', 'infra']),
          node('w0', ['worker']),
          node('moved', ['worker'], { desiredConfig: 'rendered-infra-1' }),
        ]),
      }),
      registry,
    );
    expect(views.membership.get('master')!.map(n => n.name)).toEqual(['sno']);
    expect(views.membership.get('infra')!.map(n => n.name).sort()).toEqual(['i0', 'moved']);
    expect(views.membership.get('worker')!.map(n => n.name)).toEqual(['w0']);
    expect(views.cluster.singleNode).toBe(true);
  });

  it('follows on-cluster layering: the MachineOSConfig image is the target, and builds show in the detail', () => {
    const IMAGE = `registry.example.com/os/infra@sha256:${'d'.repeat(64)}`;
    labels[IMAGE] = NEW_BUILD;
    const snap = snapshot({
      pools: byName([pool('infra', { paused: true, targetConfig: 'rendered-infra-2' })]),
      machineConfigs: byName([render('infra', BASE)]),
      machineOSConfigs: byName([{ name: 'infra', pool: 'infra', currentImage: IMAGE, currentBuild: 'infra-new' }]),
      machineOSBuilds: byName([
        { name: 'infra-old', machineOSConfig: 'infra', pool: 'infra', renderedConfig: 'rendered-infra-1', state: 'Succeeded' as const, start: '2025-07-29T10:40:09Z', end: '2025-07-29T10:52:41Z', image: IMAGE },
        { name: 'infra-new', machineOSConfig: 'infra', pool: 'infra', renderedConfig: 'rendered-infra-2', state: 'Building' as const, start: '2025-07-31T07:50:33Z', end: null, image: null },
      ]),
    });
    const views = buildClusterViews('c', fresh, snap, registry);
    const infra = views.pools.get('infra')!;
    expect(infra.layering).toEqual({ mode: 'on-cluster', source: 'infra', image: IMAGE });
    expect(infra.build).toEqual({ name: 'infra-new', state: 'Building' });
    expect(infra.rollout.state).toBe('building');
    expect(infra.drift.status).toBe('in-sync');
    const detail = poolDetail(infra, [], snap);
    expect(detail.builds.map(b => b.name)).toEqual(['infra-new', 'infra-old']);
  });
});
