import type { K8sObject } from '../store/types';
import { KEYS, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import { readMosb } from './machineOS';
import { poolForNode } from './membership';
import { isNodeUnavailable } from './poolStatus';
import { ann, cond, SimulatedCluster, useSimulatedCluster } from './__testUtils__/harness';

// Each test drives whole rollouts through the validating store; allow for a busy machine.
jest.setTimeout(30_000);

const CUSTOM_WORKER_IMAGE =
  'registry.example.com/platform-os/worker-custom@sha256:6c5767635f615fcd297cea1e9061e6e1d49bbd0c854d494ad3a2abc931a322de';
const RHCOS_41821 = '418.94.202507221249-0';
const RHCOS_41817 = '418.94.202506121335-0';
const RHCOS_41824 = '418.94.202509021131-0';

const osImage = (node: K8sObject) => (node.status as { nodeInfo: { osImage: string } }).nodeInfo.osImage;
// Loose JSON views of objects under test: the assertions spell out the fields they read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const spec = (o: K8sObject) => o.spec as Json;
const status = (o: K8sObject) => o.status as Json;

/** Watch the store: after every node write, no pool may have more unavailable nodes than allowed. */
function trackUnavailable(c: SimulatedCluster, pool: string) {
  let max = 0;
  c.store.subscribe(e => {
    if (e.resource !== 'nodes') return;
    const pools = c.store.list('machineconfigpools');
    const members = c.store.list('nodes').filter(n => poolForNode(n, pools).pool === pool);
    max = Math.max(max, members.filter(isNodeUnavailable).length);
  });
  return () => max;
}

describe('MCO simulation on the ocp-418 sample state', () => {
  let c: SimulatedCluster;
  useSimulatedCluster('ocp-418', started => (c = started));

  it('re-renders when an override goes away, reuses the identical render and rolls out one node at a time', async () => {
    const maxUnavailable = trackUnavailable(c, 'worker');
    c.store.delete('machineconfigs', 'os-layer-custom');
    await c.settle();
    const worker = c.get('machineconfigpools', 'worker');
    // identical content to the render every worker completed before: same name
    expect(spec(worker).configuration.name).toBe('rendered-worker-fed93cf413d5175f10acebcc448c80c3');
    expect(spec(worker).configuration.source.map((x: { name: string }) => x.name)).not.toContain('os-layer-custom');
    for (const name of ['worker-0', 'worker-1']) {
      const node = c.get('nodes', name);
      expect(ann(node, 'currentConfig')).toBe('rendered-worker-fed93cf413d5175f10acebcc448c80c3');
      expect(ann(node, 'state')).toBe('Done');
      expect(spec(node).unschedulable).toBeUndefined();
      expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41821}`);
    }
    expect(maxUnavailable()).toBe(1);
    expect(status(worker)).toMatchObject({ machineCount: 2, updatedMachineCount: 2, readyMachineCount: 2, unavailableMachineCount: 0, degradedMachineCount: 0 });
    expect(status(worker).configuration.name).toBe(spec(worker).configuration.name);
    expect(cond(worker, 'Updated')).toMatchObject({ status: 'True', message: 'All nodes are updated with MachineConfig rendered-worker-fed93cf413d5175f10acebcc448c80c3' });
    expect(cond(worker, 'Updating').status).toBe('False');
    expect(status(worker).observedGeneration).toBe(worker.metadata.generation);
    // the paused infra pool rendered too, but its node did not move
    const infra = c.get('machineconfigpools', 'infra');
    expect(spec(infra).configuration.name).toBe('rendered-infra-2159484c1c12949db6d3ed8e97550f4b');
    expect(ann(c.get('nodes', 'infra-0'), 'desiredConfig')).toBe('rendered-infra-2159484c1c12949db6d3ed8e97550f4b');
  });

  it('renders a paused pool but does not roll it out', async () => {
    c.edit('machineconfigpools', 'worker', p => {
      spec(p).paused = true;
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '99-worker-kargs', labels: { [KEYS.role]: 'worker' } },
      spec: { kernelArguments: ['nosmt'] },
    });
    await c.settle();
    const worker = c.get('machineconfigpools', 'worker');
    const target = spec(worker).configuration.name;
    expect(target).toMatch(/^rendered-worker-[0-9a-f]{32}$/);
    expect(target).not.toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    const rendered = c.get('machineconfigs', target);
    expect(spec(rendered).kernelArguments).toEqual(['nosmt']);
    expect(spec(rendered).osImageURL).toBe(CUSTOM_WORKER_IMAGE);
    expect(rendered.metadata.annotations).toMatchObject({ [KEYS.osImageUrlOverridden]: 'true', [KEYS.releaseImageVersion]: '4.18.21' });
    expect(rendered.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MachineConfigPool', name: 'worker', controller: true })]);
    for (const n of c.store.list('nodes').filter(x => x.metadata.name.startsWith('worker'))) {
      expect(ann(n, 'desiredConfig')).not.toBe(target);
    }
    expect(status(worker)).toMatchObject({ updatedMachineCount: 0, readyMachineCount: 0 });
    // The MCO's node controller (pkg/controller/node/status.go): a paused pool is not updating.
    expect(cond(worker, 'Updating')).toMatchObject({
      status: 'False',
      message: `Pool is paused; will not update to MachineConfig ${target}`,
    });
    // unpausing lets it roll
    c.edit('machineconfigpools', 'worker', p => {
      spec(p).paused = false;
    });
    await c.settle();
    for (const name of ['worker-0', 'worker-1']) expect(ann(c.get('nodes', name), 'currentConfig')).toBe(target);
    expect(cond(c.get('machineconfigpools', 'worker'), 'Updated').status).toBe('True');
  });

  it('finishes the paused infra build once unpaused and rolls its image out', async () => {
    c.edit('machineconfigpools', 'infra', p => {
      spec(p).paused = false;
    });
    await c.settle();
    const build = readMosb(c.get('machineosbuilds', 'infra-08dcbd033aeac08fbb14963fe9ec65c5'));
    expect(build.phase).toBe('Succeeded');
    const record = c.catalog.resolve(build.digest!)!;
    expect(record.image).toMatch(/^registry\.example\.com\/platform-os\/infra-layered@sha256:[0-9a-f]{64}$/);
    expect(record.tags).toContain('registry.example.com/platform-os/infra-layered:infra-08dcbd033aeac08fbb14963fe9ec65c5');
    expect(record.labels).toMatchObject({
      machineconfig: 'rendered-infra-31c58672ad87f67765674b678199e86e',
      machineconfigpool: 'infra',
      baseOSContainerImage: CUSTOM_WORKER_IMAGE,
      'org.opencontainers.image.version': RHCOS_41817,
    });
    const mosc = c.get('machineosconfigs', 'infra');
    expect(status(mosc)).toMatchObject({ currentImagePullSpec: build.digest, machineOSBuild: { name: build.name } });
    const node = c.get('nodes', 'infra-0');
    expect(ann(node, 'currentConfig')).toBe('rendered-infra-31c58672ad87f67765674b678199e86e');
    expect(ann(node, 'currentImage')).toBe(build.digest);
    expect(ann(node, 'desiredImage')).toBe(build.digest);
    expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41817}`);
    const infra = c.get('machineconfigpools', 'infra');
    expect(cond(infra, 'Updated')).toMatchObject({ status: 'True', message: `All nodes are updated with MachineConfig rendered-infra-31c58672ad87f67765674b678199e86e / Image ${build.digest}` });
    expect(cond(infra, 'ImageBuildDegraded')).toMatchObject({ status: 'False', reason: 'BuildSuccess' });
    expect(status(infra).configuration.name).toBe('rendered-infra-31c58672ad87f67765674b678199e86e');
    // the succeeded build the node ran before is kept
    expect(c.store.get('machineosbuilds', 'infra-35bdaba75d52c5c8bd715f64c34a338f')).toBeDefined();
  });

  it('moves a node back to the pool it now belongs to when its pool label is removed', async () => {
    c.edit('nodes', 'infra-0', n => {
      delete n.metadata.labels!['node-role.kubernetes.io/infra'];
    });
    await c.settle();
    const node = c.get('nodes', 'infra-0');
    expect(ann(node, 'currentConfig')).toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    expect(ann(node, 'currentImage')).toBeUndefined();
    expect(ann(node, 'desiredImage')).toBeUndefined();
    expect(ann(node, 'state')).toBe('Done');
    expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41817}`);
    expect(status(c.get('machineconfigpools', 'infra'))).toMatchObject({ machineCount: 0 });
    expect(status(c.get('machineconfigpools', 'worker'))).toMatchObject({ machineCount: 3, updatedMachineCount: 3 });
  });

  it('degrades a node that boots a broken image, holds the rollout, and recovers when the override goes', async () => {
    const broken = c.catalog.add({
      image: `registry.example.com/platform-os/worker-broken@sha256:${'e'.repeat(64)}`,
      base: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56',
      broken: true,
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: 'zz-worker-broken', labels: { [KEYS.role]: 'worker' } },
      spec: { osImageURL: broken.image },
    });
    await c.settle();
    const nodes = ['worker-0', 'worker-1'].map(n => c.get('nodes', n));
    const degraded = nodes.filter(n => ann(n, 'state') === 'Degraded');
    expect(degraded).toHaveLength(1);
    expect(ann(degraded[0], 'reason')).toContain(broken.image);
    expect(spec(degraded[0]).unschedulable).toBe(true);
    const other = nodes.find(n => n !== degraded[0])!;
    expect(ann(other, 'desiredConfig')).not.toBe(ann(degraded[0], 'desiredConfig'));
    const worker = c.get('machineconfigpools', 'worker');
    expect(status(worker)).toMatchObject({ degradedMachineCount: 1, unavailableMachineCount: 1 });
    expect(cond(worker, 'NodeDegraded')).toMatchObject({ status: 'True', reason: '1 nodes are reporting degraded status on sync' });
    expect(cond(worker, 'NodeDegraded').message).toContain(`Node ${degraded[0].metadata.name} is reporting: "failed to boot OS image`);
    expect(cond(worker, 'Degraded').status).toBe('True');
    // a new build is blocked while the (infra) pool is NodeDegraded: not the case here, infra stays as is
    c.store.delete('machineconfigs', 'zz-worker-broken');
    await c.settle();
    for (const name of ['worker-0', 'worker-1']) {
      const n = c.get('nodes', name);
      expect(ann(n, 'state')).toBe('Done');
      expect(ann(n, 'currentConfig')).toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    }
    const after = c.get('machineconfigpools', 'worker');
    expect(cond(after, 'NodeDegraded').status).toBe('False');
    expect(cond(after, 'Updated').status).toBe('True');
  });

  it('upgrades: moves the default image, re-renders every pool, rebuilds the layered pool and leaves pinned pools on their image', async () => {
    const historyStates: string[] = [];
    c.store.subscribe(e => {
      if (e.resource !== 'clusterversions') return;
      const first = (e.object.status as { history: Array<{ version: string; state: string }> }).history[0];
      const entry = `${first.version} ${first.state}`;
      if (historyStates[historyStates.length - 1] !== entry) historyStates.push(entry);
    });
    c.edit('clusterversions', 'version', cv => {
      spec(cv).desiredUpdate = { version: '4.18.24' };
    });
    await c.settle();
    const cm = c.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
    const release = c.releases.find(r => r.version === '4.18.24')!;
    expect(cm.data).toMatchObject({ releaseVersion: '4.18.24', baseOSContainerImage: release.rhcosImage, baseOSExtensionsContainerImage: release.extensionsImage });
    // master follows the release
    const master = c.get('machineconfigpools', 'master');
    const masterRender = c.get('machineconfigs', spec(master).configuration.name);
    expect(masterRender.metadata.annotations?.[KEYS.releaseImageVersion]).toBe('4.18.24');
    expect(spec(masterRender).osImageURL).toBe(release.rhcosImage);
    for (const n of ['master-0', 'master-1', 'master-2']) {
      expect(osImage(c.get('nodes', n))).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41824}`);
    }
    // worker is pinned by os-layer-custom: new render (release, extensions), same OS image
    const worker = c.get('machineconfigpools', 'worker');
    const workerRender = c.get('machineconfigs', spec(worker).configuration.name);
    expect(workerRender.metadata.name).not.toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    expect(workerRender.metadata.annotations).toMatchObject({ [KEYS.releaseImageVersion]: '4.18.24', [KEYS.osImageUrlOverridden]: 'true' });
    expect(spec(workerRender).osImageURL).toBe(CUSTOM_WORKER_IMAGE);
    for (const n of ['worker-0', 'worker-1']) {
      const node = c.get('nodes', n);
      expect(ann(node, 'currentConfig')).toBe(workerRender.metadata.name);
      expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41817}`);
    }
    // the layered (paused) infra pool rendered and started a new build for the new render
    const infra = c.get('machineconfigpools', 'infra');
    const infraTarget = spec(infra).configuration.name;
    const builds = c.store.list('machineosbuilds').map(readMosb);
    const newBuild = builds.find(b => b.renderedConfig === infraTarget)!;
    expect(newBuild.name).toMatch(/^infra-[0-9a-f]{32}$/);
    expect(newBuild.phase).toBe('Succeeded');
    expect(builds.map(b => b.name)).not.toContain('infra-08dcbd033aeac08fbb14963fe9ec65c5'); // superseded, not succeeded
    expect(ann(c.get('nodes', 'infra-0'), 'currentConfig')).toBe('rendered-infra-2159484c1c12949db6d3ed8e97550f4b');
    // ClusterVersion: newest history entry completed
    const cv = c.get('clusterversions', 'version');
    expect(status(cv).desired).toMatchObject({ version: '4.18.24', image: release.image });
    expect(status(cv).history.map((h: { version: string; state: string }) => `${h.version} ${h.state}`)).toEqual(['4.18.24 Completed', '4.18.21 Completed', '4.18.17 Completed']);
    expect(status(cv).history[0].completionTime).toEqual(expect.any(String));
    expect(historyStates).toEqual(['4.18.21 Completed', '4.18.24 Partial', '4.18.24 Completed']);
    expect(cond(cv, 'Progressing')).toMatchObject({ status: 'False', message: 'Cluster version is 4.18.24' });
  });

  it('updates as many nodes at once as a percent maxUnavailable allows', async () => {
    const maxUnavailable = trackUnavailable(c, 'master');
    c.edit('machineconfigpools', 'master', p => {
      spec(p).maxUnavailable = '67%'; // floor(3 * 0.67) = 2
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '99-master-kargs', labels: { [KEYS.role]: 'master' } },
      spec: { kernelArguments: ['audit=1'] },
    });
    await c.settle();
    expect(maxUnavailable()).toBe(2);
    const master = c.get('machineconfigpools', 'master');
    for (const n of ['master-0', 'master-1', 'master-2']) {
      expect(ann(c.get('nodes', n), 'currentConfig')).toBe(spec(master).configuration.name);
    }
    expect(cond(master, 'Updated').status).toBe('True');
  });

  it('reports a render it cannot produce as RenderDegraded and blocks new builds until it is fixed', async () => {
    c.edit('machineconfigpools', 'infra', p => {
      spec(p).paused = false;
    });
    const buildsBefore = c.store.list('machineosbuilds').map(b => b.metadata.name).sort();
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '99-worker-future', labels: { [KEYS.role]: 'worker' } },
      spec: { config: { ignition: { version: '9.9.0' } } },
    });
    await c.settle();
    for (const name of ['worker', 'infra']) {
      const pool = c.get('machineconfigpools', name);
      expect(cond(pool, 'RenderDegraded')).toMatchObject({
        status: 'True',
        message: `Failed to render configuration for pool ${name}: parsing Ignition config failed: MachineConfig 99-worker-future has unknown Ignition version 9.9.0`,
      });
      expect(cond(pool, 'Degraded').status).toBe('True');
    }
    // the target stays where it was; the build that was already running finished
    expect(spec(c.get('machineconfigpools', 'worker')).configuration.name).toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    expect(c.store.list('machineosbuilds').map(b => b.metadata.name).sort()).toEqual(buildsBefore);
    // a changed Containerfile would need a new build: blocked while the pool is RenderDegraded
    c.edit('machineosconfigs', 'infra', m => {
      spec(m).containerFile[0].content = 'FROM configs AS final\nRUN dnf install -y tmux && ostree container commit';
    });
    await c.settle();
    expect(c.store.list('machineosbuilds').map(b => b.metadata.name).sort()).toEqual(buildsBefore);
    expect(c.logs.some(l => l.message === 'New build blocked' && l.meta?.reason === 'RenderDegraded')).toBe(true);
    c.store.delete('machineconfigs', '99-worker-future');
    await c.settle();
    const current = c.get('machineosconfigs', 'infra').metadata.annotations![KEYS.currentMachineOSBuild];
    expect(buildsBefore).not.toContain(current);
    expect(readMosb(c.get('machineosbuilds', current)).phase).toBe('Succeeded');
    const worker = c.get('machineconfigpools', 'worker');
    expect(cond(worker, 'RenderDegraded').status).toBe('False');
    expect(cond(worker, 'Degraded').status).toBe('False');
    expect(cond(worker, 'Updated').status).toBe('True');
  });

  it('puts spec.configuration back when someone else edits it', async () => {
    c.edit('machineconfigpools', 'master', p => {
      spec(p).configuration = { name: 'rendered-master-00000000000000000000000000000000', source: [] };
    });
    await c.settle();
    expect(spec(c.get('machineconfigpools', 'master')).configuration.name).toBe('rendered-master-5926f68270c3e115f23e40a81a8ec9c4');
    for (const n of ['master-0', 'master-1', 'master-2']) {
      expect(ann(c.get('nodes', n), 'desiredConfig')).toBe('rendered-master-5926f68270c3e115f23e40a81a8ec9c4');
    }
  });

  it('renders a new custom pool and moves a relabelled node into it', async () => {
    c.store.create('machineconfigpools', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'gpu' },
      spec: {
        machineConfigSelector: { matchExpressions: [{ key: KEYS.role, operator: 'In', values: ['worker', 'gpu'] }] },
        nodeSelector: { matchLabels: { 'node-role.kubernetes.io/gpu': '' } },
      },
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '50-gpu-kargs', labels: { [KEYS.role]: 'gpu' } },
      spec: { kernelArguments: ['nvidia-drm.modeset=1'] },
    });
    c.edit('nodes', 'worker-0', n => {
      n.metadata.labels = { ...n.metadata.labels, 'node-role.kubernetes.io/gpu': '' };
    });
    await c.settle();
    const gpu = c.get('machineconfigpools', 'gpu');
    const target = spec(gpu).configuration.name;
    expect(target).toMatch(/^rendered-gpu-[0-9a-f]{32}$/);
    // inherits the worker override and sources
    expect(spec(c.get('machineconfigs', target)).osImageURL).toBe(CUSTOM_WORKER_IMAGE);
    expect(spec(gpu).configuration.source.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(['00-worker', '50-gpu-kargs', 'os-layer-custom']),
    );
    expect(ann(c.get('nodes', 'worker-0'), 'currentConfig')).toBe(target);
    expect(status(gpu)).toMatchObject({ machineCount: 1, updatedMachineCount: 1, readyMachineCount: 1 });
    expect(status(c.get('machineconfigpools', 'worker'))).toMatchObject({ machineCount: 1 });
  });

  it('brings a new node without MCO annotations onto its pool, and counts a deleted one out', async () => {
    c.store.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'worker-2', labels: { 'kubernetes.io/hostname': 'worker-2', 'node-role.kubernetes.io/worker': '' } },
      spec: {},
    });
    await c.settle();
    const node = c.get('nodes', 'worker-2');
    expect(ann(node, 'currentConfig')).toBe('rendered-worker-2c03a7f197b342bb224996361c223a08');
    expect(ann(node, 'state')).toBe('Done');
    expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41817}`);
    expect(cond(node, 'Ready').status).toBe('True');
    expect(status(c.get('machineconfigpools', 'worker'))).toMatchObject({ machineCount: 3, updatedMachineCount: 3 });
    c.store.delete('nodes', 'worker-2');
    await c.settle();
    expect(status(c.get('machineconfigpools', 'worker'))).toMatchObject({ machineCount: 2, updatedMachineCount: 2 });
  });

  it('keeps the reported OS when the booted image is unknown to the registry, and says so', async () => {
    const unknown = `registry.example.com/platform-os/elsewhere@sha256:${'f'.repeat(64)}`;
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '99-master-elsewhere', labels: { [KEYS.role]: 'master' } },
      spec: { osImageURL: unknown },
    });
    await c.settle();
    const node = c.get('nodes', 'master-0');
    expect(spec(c.get('machineconfigs', ann(node, 'currentConfig')!)).osImageURL).toBe(unknown);
    expect(osImage(node)).toBe(`Red Hat Enterprise Linux CoreOS ${RHCOS_41821}`);
    expect(c.logs.filter(l => l.message.startsWith('Booted image unknown to the registry')).map(l => l.meta?.node)).toEqual(
      expect.arrayContaining(['master-0', 'master-1', 'master-2']),
    );
  });

  it('refuses an unknown release and moves nothing', async () => {
    const before = c.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
    c.edit('clusterversions', 'version', cv => {
      spec(cv).desiredUpdate = { version: '4.18.99' };
    });
    await c.settle();
    const cv = c.get('clusterversions', 'version');
    expect(cond(cv, 'ReleaseAccepted')).toMatchObject({ status: 'False', reason: 'RetrievePayload' });
    expect(cond(cv, 'ReleaseAccepted').message).toMatch(/4\.18\.99.*not in this cluster's release catalogue/);
    expect(status(cv).desired.version).toBe('4.18.21');
    expect(c.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE)).toEqual(before);
    expect(c.events.filter(e => e.resource !== 'clusterversions')).toEqual([]);
  });
});

describe('MCO simulation on the single-node state', () => {
  let c: SimulatedCluster;
  useSimulatedCluster('sno-419', started => (c = started));

  it('renders the empty worker pool without machines and updates the single node through the master pool', async () => {
    for (const role of ['worker', 'master']) {
      c.store.create('machineconfigs', {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfig',
        metadata: { name: `99-${role}-kargs`, labels: { [KEYS.role]: role } },
        spec: { kernelArguments: [`${role}=1`] },
      });
    }
    await c.settle();
    const worker = c.get('machineconfigpools', 'worker');
    expect(status(worker)).toMatchObject({ machineCount: 0, updatedMachineCount: 0, unavailableMachineCount: 0 });
    expect(status(worker).configuration.name).toBe(spec(worker).configuration.name);
    expect(cond(worker, 'Updated').status).toBe('True');
    const master = c.get('machineconfigpools', 'master');
    const node = c.get('nodes', 'sno-0');
    expect(ann(node, 'currentConfig')).toBe(spec(master).configuration.name);
    expect(spec(c.get('machineconfigs', ann(node, 'currentConfig')!)).kernelArguments).toEqual(['master=1']);
    expect(ann(node, 'controlPlaneTopology')).toBe('SingleReplica');
    expect(osImage(node)).toBe('Red Hat Enterprise Linux CoreOS 9.6.20251023-0 (Plow)');
  });
});
