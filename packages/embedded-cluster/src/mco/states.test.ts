import type { K8sObject } from '../store/types';
import { KEYS, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import { readMosb, readMosc, repositoryOf } from './machineOS';
import { poolForNode } from './membership';
import { buildPending, computePoolStatus, PoolLayering } from './poolStatus';
import { osImageName } from './nodeDaemon';
import { Condition, compareStrings, jsonEqual } from './util';
import { simulatedCluster, SimulatedCluster } from './__testUtils__/harness';

// Each test drives whole rollouts through the validating store; allow for a busy machine.
jest.setTimeout(30_000);

const STATES = ['ocp-417', 'ocp-418', 'ocp-419', 'sno-419'];

interface PoolShape {
  spec: { configuration: { name: string } };
  status: {
    configuration: { name: string };
    machineCount: number;
    updatedMachineCount: number;
    conditions?: Condition[];
  };
}
const poolOf = (o: K8sObject) => o as unknown as PoolShape & K8sObject;
const data = (o: K8sObject) => o.data as Record<string, string>;
const osImageURL = (mc: K8sObject) => (mc.spec as { osImageURL: string }).osImageURL;
interface ClusterVersionStatus {
  desired: { version: string };
  history: Array<{ state: string; version: string; image: string }>;
}

function counters(status: unknown) {
  const s = status as Record<string, unknown>;
  return {
    machineCount: s.machineCount,
    updatedMachineCount: s.updatedMachineCount,
    readyMachineCount: s.readyMachineCount,
    unavailableMachineCount: s.unavailableMachineCount,
    degradedMachineCount: s.degradedMachineCount,
  };
}

function layeringOf(c: SimulatedCluster, pool: K8sObject): PoolLayering {
  const mosc = c.store.list('machineosconfigs').map(readMosc).find(m => m.pool === pool.metadata.name);
  if (!mosc) return { kind: 'none' };
  const current =
    mosc.annotations[KEYS.currentMachineOSBuild] ??
    c.store.list('machineosbuilds').map(readMosb).find(b => b.mosc === mosc.name && b.renderedConfig === poolOf(pool).spec.configuration.name)?.name;
  const build = current ? c.store.get('machineosbuilds', current) : undefined;
  return { kind: 'layered', mosc, build: build ? readMosb(build) : undefined };
}

describe.each(STATES)('state %s', state => {
  let c: SimulatedCluster;
  let before: string;

  beforeAll(async () => {
    c = await simulatedCluster({ state });
    before = JSON.stringify(c.store.snapshot());
    await c.settle();
  }, 30_000);
  afterAll(() => c.stop());

  it('stays exactly as loaded when nothing changes', () => {
    expect(c.failures()).toEqual([]);
    expect(c.events).toEqual([]);
    expect(JSON.stringify(c.store.snapshot())).toBe(before);
  });

  it('points every pool and node at renders of its pool', () => {
    const pools = c.store.list('machineconfigpools');
    const ownedBy = (name: string | undefined, pool: string) => {
      const mc = name ? c.store.get('machineconfigs', name) : undefined;
      return Boolean(mc?.metadata.ownerReferences?.some(r => r.kind === 'MachineConfigPool' && r.name === pool && r.controller));
    };
    for (const pool of pools) {
      const name = pool.metadata.name;
      expect(ownedBy(poolOf(pool).spec.configuration?.name, name)).toBe(true);
      expect(ownedBy(poolOf(pool).status.configuration?.name, name)).toBe(true);
    }
    for (const node of c.store.list('nodes')) {
      const pool = poolForNode(node, pools).pool!;
      expect(pool).toBeDefined();
      expect(ownedBy(node.metadata.annotations?.[KEYS.currentConfig], pool)).toBe(true);
      expect(ownedBy(node.metadata.annotations?.[KEYS.desiredConfig], pool)).toBe(true);
    }
  });

  it('has pool counters and conditions that match the node annotations', () => {
    const pools = c.store.list('machineconfigpools');
    const nodes = c.store.list('nodes');
    const problems: string[] = [];
    for (const pool of pools) {
      const name = pool.metadata.name;
      const members = nodes.filter(n => poolForNode(n, pools).pool === name);
      const layering = layeringOf(c, pool);
      const computed = computePoolStatus({ pool, nodes: members, layering, now: '2030-01-01T00:00:00Z' });
      const stored = poolOf(pool).status;
      if (!jsonEqual(counters(stored), counters(computed))) {
        problems.push(`${name}: counters ${JSON.stringify(counters(stored))} != ${JSON.stringify(counters(computed))}`);
      }
      for (const type of ['Updated', 'Updating', 'NodeDegraded', 'Degraded', 'ImageBuildDegraded']) {
        const mine = (computed.conditions as Condition[]).find(x => x.type === type);
        const theirs = (stored.conditions ?? []).find(x => x.type === type);
        if (theirs && theirs.status !== mine?.status) problems.push(`${name}: ${type} ${theirs.status} != ${mine?.status}`);
      }
      // status.configuration is the spec only when every node finished
      const allDone = stored.updatedMachineCount === stored.machineCount && !buildPending(layering);
      if (allDone && stored.configuration.name !== poolOf(pool).spec.configuration.name) {
        problems.push(`${name}: fully updated but status.configuration is ${stored.configuration.name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names, labels and publishes builds consistently', () => {
    const builds = c.store.list('machineosbuilds').map(b => ({ object: b, view: readMosb(b) }));
    const problems: string[] = [];
    for (const { object, view } of builds) {
      const mosc = readMosc(c.get('machineosconfigs', view.mosc));
      const expectedName =
        view.api === 'v1' ? new RegExp(`^${mosc.name}-[0-9a-f]{32}$`) : new RegExp(`^${mosc.pool}-${view.renderedConfig}-builder$`);
      if (!expectedName.test(view.name)) problems.push(`${view.name}: name`);
      if (view.api === 'v1' && view.pushSpec !== `${repositoryOf(mosc.pushSpec)}:${view.name}`) problems.push(`${view.name}: push spec`);
      const labels = {
        [KEYS.machineOSConfigLabel]: mosc.name,
        [KEYS.targetPoolLabel]: mosc.pool,
        [KEYS.renderedConfigLabel]: view.renderedConfig,
      };
      if (view.api === 'v1' && !jsonEqual(object.metadata.labels, labels)) problems.push(`${view.name}: labels`);
      if (view.phase === 'Succeeded' && !c.catalog.resolve(view.digest!)) problems.push(`${view.name}: image not in registry`);
    }
    const pools = c.store.list('machineconfigpools');
    for (const mosc of c.store.list('machineosconfigs').map(readMosc)) {
      const mine = builds.filter(b => b.view.mosc === mosc.name);
      const published = mine.find(b => (mosc.api === 'v1' ? b.view.name === mosc.statusBuild : b.view.digest === mosc.currentImage));
      if (!published || published.view.digest !== mosc.currentImage) problems.push(`${mosc.name}: status does not match its build`);
      const newest = [...mine].sort((a, b) =>
        compareStrings(b.object.metadata.creationTimestamp ?? '', a.object.metadata.creationTimestamp ?? ''),
      )[0];
      if (mosc.api === 'v1' && mosc.annotations[KEYS.currentMachineOSBuild] !== newest?.view.name) problems.push(`${mosc.name}: current build annotation`);
      for (const node of c.store.list('nodes').filter(n => poolForNode(n, pools).pool === mosc.pool)) {
        const done = node.metadata.annotations?.[KEYS.state] === 'Done';
        const image = node.metadata.annotations?.[done ? KEYS.currentImage : KEYS.desiredImage];
        if (image !== mosc.currentImage) problems.push(`${node.metadata.name}: image ${image} != ${mosc.currentImage}`);
      }
    }
    expect(problems).toEqual([]);
    expect(builds.length).toBe(c.store.list('machineosbuilds').length);
  });

  it('agrees on the release everywhere', () => {
    const cm = c.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
    const cv = c.get('clusterversions', 'version');
    const release = data(cm).releaseVersion;
    const cvStatus = cv.status as unknown as ClusterVersionStatus;
    expect(cvStatus.desired.version).toBe(release);
    expect(cvStatus.history[0]).toMatchObject({ state: 'Completed', version: release });
    for (const mc of c.store.list('machineconfigs').filter(m => m.metadata.name.startsWith('rendered-'))) {
      expect(mc.metadata.annotations?.[KEYS.releaseImageVersion]).toBe(release);
      const overridden = osImageURL(mc) !== data(cm).baseOSContainerImage;
      expect(mc.metadata.annotations?.[KEYS.osImageUrlOverridden]).toBe(overridden ? 'true' : undefined);
    }
    for (const r of c.releases) expect(c.catalog.resolve(r.rhcosImage)).toBeDefined();
    for (const h of cvStatus.history) expect(c.releases.find(r => r.version === h.version)?.image).toBe(h.image);
  });

  it('reports the RHCOS build each node booted', () => {
    for (const node of c.store.list('nodes')) {
      const image =
        node.metadata.annotations?.[KEYS.currentImage] ??
        osImageURL(c.get('machineconfigs', node.metadata.annotations![KEYS.currentConfig]));
      const labels = c.catalog.resolve(image)?.labels ?? {};
      const nodeInfo = (node.status as { nodeInfo: { osImage: string } }).nodeInfo;
      expect(`${node.metadata.name}: ${nodeInfo.osImage}`).toBe(
        `${node.metadata.name}: ${osImageName(labels['org.opencontainers.image.version'])}`,
      );
    }
  });
});

/** Pools of each state with no work in flight: making them live must not change their status. */
const SETTLED_POOLS: Record<string, string[]> = {
  'ocp-417': ['master', 'worker', 'infra', 'gpu'],
  'ocp-418': ['master'],
  'ocp-419': ['master', 'worker', 'edge'],
  'sno-419': ['master', 'worker'],
};

describe.each(Object.entries(SETTLED_POOLS))('state %s, settled pools', (state, pools) => {
  it.each(pools)('%s computes the status it was loaded with when it goes live', async pool => {
    const c = await simulatedCluster({ state });
    try {
      const before = c.get('machineconfigpools', pool);
      const nodesBefore = c.store.list('nodes');
      c.edit('machineconfigpools', pool, p => {
        p.metadata.labels = { ...p.metadata.labels, 'example.com/touched': 'yes' };
      });
      await c.settle();
      const after = c.get('machineconfigpools', pool);
      // The store starts every created object at generation 1 (as an API server does), so the
      // recomputed observedGeneration follows that generation rather than the file's number.
      expect((after.status as { observedGeneration: number }).observedGeneration).toBe(after.metadata.generation);
      expect({ ...(after.status as object), observedGeneration: 0 }).toEqual({ ...(before.status as object), observedGeneration: 0 });
      expect(after.spec).toEqual(before.spec);
      expect(c.store.list('nodes')).toEqual(nodesBefore);
      expect(c.failures()).toEqual([]);
    } finally {
      c.stop();
    }
  });
});
