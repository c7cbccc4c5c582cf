import type { K8sObject } from '../store/types';
import { KEYS, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import { readMosb } from './machineOS';
import { BUILD_CONTENT_LABELS } from './buildJob';
import { ann, assertNoFailures, cond, simulatedCluster, SimulatedCluster, useSimulatedCluster } from './__testUtils__/harness';

// Each test drives whole rollouts through the validating store; allow for a busy machine.
jest.setTimeout(30_000);

// Loose JSON views of objects under test: the assertions spell out the fields they read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const spec = (o: K8sObject) => o.spec as Json;
const status = (o: K8sObject) => o.status as Json;
const osImage = (node: K8sObject) => (node.status as { nodeInfo: { osImage: string } }).nodeInfo.osImage;

const workerMosc = (content: string): K8sObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineOSConfig',
  metadata: { name: 'worker' },
  spec: {
    machineConfigPool: { name: 'worker' },
    imageBuilder: { imageBuilderType: 'Job' },
    renderedImagePushSecret: { name: 'infra-os-images-push' },
    renderedImagePushSpec: 'registry.example.com/platform-os/worker-layered:latest',
    containerFile: [{ containerfileArch: 'NoArch', content }],
  },
});

const buildPods = (c: SimulatedCluster, build: string) =>
  c.store.list('pods', MCO_NAMESPACE).filter(p => p.metadata.labels?.['batch.kubernetes.io/job-name'] === `build-${build}`);

describe('on-cluster layering (v1, ocp-418)', () => {
  let c: SimulatedCluster;
  useSimulatedCluster('ocp-418', started => (c = started));

  it('fails a build after four pod attempts, then builds and rolls out the fixed Containerfile', async () => {
    const phases: string[] = [];
    c.store.subscribe(e => {
      if (e.resource === 'machineosbuilds' && e.type !== 'DELETED') {
        const p = readMosb(e.object).phase;
        if (phases[phases.length - 1] !== p) phases.push(p);
      }
    });
    c.store.create('machineosconfigs', workerMosc('FROM configs AS final\nRUN dnf install -y simulate-build-failure && ostree container commit'));
    await c.settle();
    const failed = c.store.list('machineosbuilds').map(readMosb).find(b => b.mosc === 'worker')!;
    expect(failed.name).toMatch(/^worker-[0-9a-f]{32}$/);
    expect(failed.phase).toBe('Failed');
    expect(phases).toEqual(['New', 'Prepared', 'Building', 'Failed']);
    const pods = buildPods(c, failed.name);
    expect(pods).toHaveLength(4);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^build-${failed.name}-[a-z0-9]{5}$`));
      expect(status(p).phase).toBe('Failed');
      expect(status(p).containerStatuses[0].state.terminated.message).toMatch(/simulate-build-failure is not available/);
    }
    const b = c.get('machineosbuilds', failed.name);
    expect(Date.parse(status(b).buildEnd)).toBeGreaterThan(Date.parse(status(b).buildStart));
    expect(status(b).builder).toEqual({ imageBuilderType: 'Job', job: { group: 'batch', resource: 'jobs', namespace: MCO_NAMESPACE, name: `build-${failed.name}` } });
    let pool = c.get('machineconfigpools', 'worker');
    expect(cond(pool, 'ImageBuildDegraded')).toMatchObject({ status: 'True', reason: 'BuildFailed' });
    expect(cond(pool, 'Degraded').status).toBe('True');
    expect(ann(c.get('nodes', 'worker-0'), 'desiredImage')).toBeUndefined();

    c.edit('machineosconfigs', 'worker', m => {
      spec(m).containerFile[0].content =
        'FROM configs AS final\nLABEL tier=worker org.opencontainers.image.version=worker-tools-1\nRUN dnf install -y tmux && ostree container commit';
    });
    await c.settle();
    const builds = c.store.list('machineosbuilds').map(readMosb).filter(x => x.mosc === 'worker');
    expect(builds).toHaveLength(1); // the failed build was deleted when the new one started
    const ok = builds[0];
    expect(ok.name).not.toBe(failed.name);
    expect(ok.phase).toBe('Succeeded');
    expect(ok.pushSpec).toBe(`registry.example.com/platform-os/worker-layered:${ok.name}`);
    expect(c.store.list('pods', MCO_NAMESPACE).filter(p => p.metadata.name.includes(failed.name))).toEqual([]);
    expect(c.catalog.resolve(ok.digest!)!.labels).toMatchObject({
      tier: 'worker',
      machineconfigpool: 'worker',
      'org.opencontainers.image.version': 'worker-tools-1',
    });
    const mosc = c.get('machineosconfigs', 'worker');
    expect(mosc.metadata.annotations?.[KEYS.currentMachineOSBuild]).toBe(ok.name);
    expect(status(mosc)).toMatchObject({ currentImagePullSpec: ok.digest, machineOSBuild: { group: 'machineconfiguration.openshift.io', resource: 'machineosbuilds', name: ok.name } });
    for (const n of ['worker-0', 'worker-1']) {
      const node = c.get('nodes', n);
      expect(ann(node, 'currentImage')).toBe(ok.digest);
      expect(ann(node, 'desiredImage')).toBe(ok.digest);
      expect(osImage(node)).toBe('Red Hat Enterprise Linux CoreOS 418.94.202506121335-0');
    }
    pool = c.get('machineconfigpools', 'worker');
    expect(cond(pool, 'ImageBuildDegraded')).toMatchObject({ status: 'False', reason: 'BuildSuccess' });
    expect(cond(pool, 'Updated').status).toBe('True');
    expect(status(pool)).toMatchObject({ updatedMachineCount: 2, readyMachineCount: 2 });
  });

  // The MCO's build request reads only the NoArch Containerfile ("only support noArch for now",
  // pkg/controller/build/buildrequest/buildrequest.go): other architectures change nothing.
  it('builds from the NoArch Containerfile only, ignoring every other architecture', async () => {
    const mosc = workerMosc('FROM configs AS final\nLABEL from=noarch\nRUN dnf install -y tmux && ostree container commit');
    spec(mosc).containerFile = [
      { containerfileArch: 'AMD64', content: 'FROM configs AS final\nLABEL from=amd64\nRUN dnf install -y simulate-build-failure && ostree container commit' },
      { containerfileArch: 'ARM64', content: 'FROM configs AS final\nLABEL from=arm64' },
      ...spec(mosc).containerFile,
    ];
    c.store.create('machineosconfigs', mosc);
    await c.settle();
    const build = readMosb(c.get('machineosbuilds', c.get('machineosconfigs', 'worker').metadata.annotations![KEYS.currentMachineOSBuild]));
    expect(build.phase).toBe('Succeeded');
    expect(c.catalog.resolve(build.digest!)!.labels.from).toBe('noarch');

    // With no NoArch entry the build runs the MCO's own steps only: nothing of the AMD64 file.
    c.edit('machineosconfigs', 'worker', m => {
      spec(m).containerFile = [{ containerfileArch: 'AMD64', content: 'FROM configs AS final\nLABEL from=amd64\nRUN dnf install -y simulate-build-failure && ostree container commit' }];
    });
    await c.settle();
    const second = readMosb(c.get('machineosbuilds', c.get('machineosconfigs', 'worker').metadata.annotations![KEYS.currentMachineOSBuild]));
    expect(second.name).not.toBe(build.name);
    expect(second.phase).toBe('Succeeded');
    expect(c.catalog.resolve(second.digest!)!.labels.from).toBeUndefined();
  });

  it("records the pool's extensions and kernel type in the built image", async () => {
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '80-worker-extensions', labels: { [KEYS.role]: 'worker' } },
      spec: { extensions: ['usbguard', 'kerberos'], kernelType: 'realtime' },
    });
    c.store.create('machineosconfigs', workerMosc('FROM configs AS final\nRUN dnf install -y tmux && ostree container commit'));
    await c.settle();
    const target = spec(c.get('machineconfigpools', 'worker')).configuration.name;
    const rendered = spec(c.get('machineconfigs', target));
    const build = readMosb(c.get('machineosbuilds', c.get('machineosconfigs', 'worker').metadata.annotations![KEYS.currentMachineOSBuild]));
    expect(build.renderedConfig).toBe(target);
    expect(c.catalog.resolve(build.digest!)!.labels).toMatchObject({
      [BUILD_CONTENT_LABELS.extensions]: 'usbguard kerberos',
      [BUILD_CONTENT_LABELS.extensionsImage]: rendered.baseOSExtensionsContainerImage,
      [BUILD_CONTENT_LABELS.kernelType]: 'realtime',
      machineconfig: target,
    });

    // Without them, the image says nothing of extensions or kernel.
    c.store.delete('machineconfigs', '80-worker-extensions');
    await c.settle();
    const plain = readMosb(c.get('machineosbuilds', c.get('machineosconfigs', 'worker').metadata.annotations![KEYS.currentMachineOSBuild]));
    expect(plain.name).not.toBe(build.name);
    const labels = c.catalog.resolve(plain.digest!)!.labels;
    for (const key of Object.values(BUILD_CONTENT_LABELS)) expect(labels[key]).toBeUndefined();
  });

  it('rebuilds on the rebuild annotation and removes the annotation', async () => {
    c.store.create('machineosconfigs', workerMosc('FROM configs AS final\nRUN dnf install -y tmux && ostree container commit'));
    await c.settle();
    const first = c.get('machineosbuilds', c.get('machineosconfigs', 'worker').metadata.annotations![KEYS.currentMachineOSBuild]);
    // The MCO clears the annotation only in the MachineOSConfig update that names the new build
    // (pkg/controller/build/reconciler.go, updateMachineOSConfigStatus): watch what a reader sees.
    const seen: string[] = [];
    let annotated = false;
    c.store.subscribe(e => {
      const mosc = c.store.peek('machineosconfigs', 'worker') as K8sObject | undefined;
      const has = mosc?.metadata.annotations?.[KEYS.rebuild] !== undefined;
      if (e.resource === 'machineosbuilds' && e.type === 'DELETED' && e.object.metadata.uid === first.metadata.uid) {
        seen.push(`old build deleted, annotation ${has ? 'kept' : 'gone'}`);
      }
      if (e.resource === 'machineosconfigs' && annotated && !has) {
        const named = c.store.peek('machineosbuilds', mosc!.metadata.annotations![KEYS.currentMachineOSBuild]) as K8sObject | undefined;
        seen.push(`annotation cleared, current build ${named && named.metadata.uid !== first.metadata.uid ? 'new' : 'old or missing'}`);
      }
      annotated = has;
    });
    c.edit('machineosconfigs', 'worker', m => {
      m.metadata.annotations = { ...m.metadata.annotations, [KEYS.rebuild]: '' };
    });
    await c.settle();
    expect(seen).toEqual(['old build deleted, annotation kept', 'annotation cleared, current build new']);
    const mosc = c.get('machineosconfigs', 'worker');
    expect(mosc.metadata.annotations?.[KEYS.rebuild]).toBeUndefined();
    const second = c.get('machineosbuilds', mosc.metadata.annotations![KEYS.currentMachineOSBuild]);
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(readMosb(second).phase).toBe('Succeeded');
    const deletedFirst = c.events.some(e => e.type === 'DELETED' && e.resource === 'machineosbuilds' && e.object.metadata.uid === first.metadata.uid);
    expect(deletedFirst).toBe(true);
  });

  it('deleting the MachineOSConfig deletes its builds and returns the pool to the non-layered image', async () => {
    c.edit('machineconfigpools', 'infra', p => {
      spec(p).paused = false;
    });
    c.store.delete('machineosconfigs', 'infra');
    await c.settle();
    expect(c.store.list('machineosbuilds')).toEqual([]);
    const node = c.get('nodes', 'infra-0');
    expect(ann(node, 'currentImage')).toBeUndefined();
    expect(ann(node, 'desiredImage')).toBeUndefined();
    expect(ann(node, 'currentConfig')).toBe('rendered-infra-31c58672ad87f67765674b678199e86e');
    expect(osImage(node)).toBe('Red Hat Enterprise Linux CoreOS 418.94.202506121335-0');
    const pool = c.get('machineconfigpools', 'infra');
    expect(cond(pool, 'ImageBuildDegraded')).toMatchObject({ status: 'False', reason: 'NoLayeredObjects' });
    expect(cond(pool, 'Updated')).toMatchObject({ status: 'True', message: 'All nodes are updated with MachineConfig rendered-infra-31c58672ad87f67765674b678199e86e' });
    // 4.18 has no image pruner: the images stay
    expect(c.catalog.resolve('registry.example.com/platform-os/infra-layered@sha256:b8ef12d6b425ad1b4e41f96e12dd3cba159fba1290f2b9e60d2e650941f8cc3e')).toBeDefined();
  });

  it('fails the build when the FROM image cannot be pulled', async () => {
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: 'zz-worker-missing-image', labels: { [KEYS.role]: 'worker' } },
      spec: { osImageURL: `registry.example.com/platform-os/not-pushed@sha256:${'d'.repeat(64)}` },
    });
    c.store.create('machineosconfigs', workerMosc('FROM configs AS final'));
    await c.settle();
    const b = c.store.list('machineosbuilds').map(readMosb).find(x => x.mosc === 'worker')!;
    expect(b.phase).toBe('Failed');
    const pods = buildPods(c, b.name);
    expect(pods).toHaveLength(4);
    expect(status(pods[0]).containerStatuses[0].state.terminated.message).toMatch(/failed to pull base image registry\.example\.com\/platform-os\/not-pushed/);
  });

  it('blocks new builds while the pool has a degraded node', async () => {
    c.edit('nodes', 'worker-0', n => {
      n.metadata.annotations = { ...n.metadata.annotations, [KEYS.state]: 'Degraded', [KEYS.reason]: 'disk full' };
    });
    c.store.create('machineosconfigs', workerMosc('FROM configs AS final'));
    await c.settle();
    expect(c.store.list('machineosbuilds').filter(b => readMosb(b).mosc === 'worker')).toEqual([]);
    expect(c.logs.some(l => l.message === 'New build blocked' && l.meta?.reason === 'NodeDegraded')).toBe(true);
    expect(cond(c.get('machineconfigpools', 'worker'), 'ImageBuildDegraded')).toMatchObject({ status: 'False', reason: 'BuildPending' });
  });
});

describe('on-cluster layering in other releases', () => {
  let c: SimulatedCluster | undefined;
  afterEach(() => {
    c?.stop();
    if (c) assertNoFailures(c);
  });

  it('ocp-419: completes the interrupted rollout, and an upgrade rebuilds FROM the new RHCOS and rolls it out', async () => {
    c = await simulatedCluster({ state: 'ocp-419' });
    c.edit('clusterversions', 'version', cv => {
      spec(cv).desiredUpdate = { version: '4.19.20' };
    });
    await c.settle();
    const release = c.releases.find(r => r.version === '4.19.20')!;
    const mosc = c.get('machineosconfigs', 'infra');
    const build = readMosb(c.get('machineosbuilds', mosc.metadata.annotations![KEYS.currentMachineOSBuild]));
    expect(build.phase).toBe('Succeeded');
    expect(c.catalog.resolve(build.digest!)!.labels).toMatchObject({ baseOSContainerImage: release.rhcosImage, 'org.opencontainers.image.version': '9.6.20251118-0' });
    for (const n of ['infra-0', 'infra-1', 'master-0', 'worker-1']) {
      expect(osImage(c.get('nodes', n))).toBe('Red Hat Enterprise Linux CoreOS 9.6.20251118-0 (Plow)');
    }
    expect(ann(c.get('nodes', 'infra-1'), 'currentImage')).toBe(build.digest);
    // the edge pool stays pinned to its (broken) image: the degraded node is retried and degrades again
    const edge0 = c.get('nodes', 'edge-0');
    expect(ann(edge0, 'state')).toBe('Degraded');
    expect(osImage(edge0)).toBe('Red Hat Enterprise Linux CoreOS 9.6.20251023-0 (Plow)');
    expect(status(c.get('clusterversions', 'version')).history[0]).toMatchObject({ version: '4.19.20', state: 'Completed' });
  });

  it('from 4.20 on, deleting a build prunes its image unless a node uses it', async () => {
    c = await simulatedCluster({
      state: 'ocp-419',
      prepare: objects => {
        const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === OS_IMAGE_CONFIGMAP)!;
        (cm.data as Record<string, string>).releaseVersion = '4.20.5';
      },
    });
    const builds = c.store.list('machineosbuilds').map(readMosb);
    const [older, newer] = [...builds].sort((a, b) => (a.buildStart! < b.buildStart! ? -1 : 1));
    // infra-1 still runs the older image: deleting its build keeps the image
    c.store.delete('machineosbuilds', older.name);
    await c.settle();
    expect(c.catalog.resolve(older.digest!)).toBeDefined();
    // change the Containerfile: a new build replaces the newer one on every node
    c.edit('machineosconfigs', 'infra', m => {
      spec(m).containerFile[0].content = 'FROM configs AS final\nRUN dnf install -y tmux sysstat htop && ostree container commit';
    });
    await c.settle();
    const current = c.get('machineosconfigs', 'infra').metadata.annotations![KEYS.currentMachineOSBuild];
    expect(current).not.toBe(newer.name);
    for (const n of ['infra-0', 'infra-1']) expect(ann(c.get('nodes', n), 'currentImage')).not.toBe(newer.digest);
    c.store.delete('machineosbuilds', newer.name);
    await c.settle();
    expect(c.catalog.resolve(newer.digest!)).toBeUndefined();
    expect(c.logs.some(l => l.message === 'Build deleted; pruned its image')).toBe(true);
  });

  // From 4.20 the MCO's build controller rebuilds only when the new render changes what goes into
  // the image (pkg/controller/build/reconciler.go, updateMachineConfigPool); before, every render.
  const motd = {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name: '70-infra-motd', labels: { [KEYS.role]: 'infra' } },
    spec: { config: { ignition: { version: '3.4.0' }, storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,layered' } }] } } },
  };

  /** ocp-419 with its MCO at `release`, its interrupted rollout finished; the infra build and image. */
  async function layeredInfraAt(release: string) {
    const cluster = await simulatedCluster({
      state: 'ocp-419',
      prepare: objects => {
        const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === OS_IMAGE_CONFIGMAP)!;
        (cm.data as Record<string, string>).releaseVersion = release;
      },
    });
    cluster.edit('machineconfigpools', 'infra', p => {
      p.metadata.labels = { ...p.metadata.labels, 'example.com/touched': 'yes' };
    });
    await cluster.settle();
    const mosc = cluster.get('machineosconfigs', 'infra');
    return { cluster, build: mosc.metadata.annotations![KEYS.currentMachineOSBuild], image: status(mosc).currentImagePullSpec as string };
  }

  it('4.20: a render that only adds a file keeps the current build and rolls out with its image; a kernel argument rebuilds', async () => {
    const start = await layeredInfraAt('4.20.5');
    c = start.cluster;
    c.store.create('machineconfigs', motd);
    await c.settle();
    const target = spec(c.get('machineconfigpools', 'infra')).configuration.name;
    const after = c.get('machineosconfigs', 'infra');
    expect(after.metadata.annotations![KEYS.currentMachineOSBuild]).toBe(start.build);
    expect(status(after).currentImagePullSpec).toBe(start.image);
    for (const n of ['infra-0', 'infra-1']) {
      expect(ann(c.get('nodes', n), 'currentConfig')).toBe(target);
      expect(ann(c.get('nodes', n), 'currentImage')).toBe(start.image);
    }
    expect(cond(c.get('machineconfigpools', 'infra'), 'Updated').status).toBe('True');

    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '71-infra-kargs', labels: { [KEYS.role]: 'infra' } },
      spec: { kernelArguments: ['audit=1'] },
    });
    await c.settle();
    const kargsTarget = spec(c.get('machineconfigpools', 'infra')).configuration.name;
    const rebuilt = c.get('machineosconfigs', 'infra').metadata.annotations![KEYS.currentMachineOSBuild];
    expect(rebuilt).not.toBe(start.build);
    expect(readMosb(c.get('machineosbuilds', rebuilt))).toMatchObject({ renderedConfig: kargsTarget, phase: 'Succeeded' });
  });

  it('4.19: a render that only adds a file makes a new build', async () => {
    const start = await layeredInfraAt('4.19.17');
    c = start.cluster;
    c.store.create('machineconfigs', motd);
    await c.settle();
    const target = spec(c.get('machineconfigpools', 'infra')).configuration.name;
    const current = c.get('machineosconfigs', 'infra').metadata.annotations![KEYS.currentMachineOSBuild];
    expect(current).not.toBe(start.build);
    expect(readMosb(c.get('machineosbuilds', current))).toMatchObject({ renderedConfig: target, phase: 'Succeeded' });
    for (const n of ['infra-0', 'infra-1']) expect(ann(c.get('nodes', n), 'currentConfig')).toBe(target);
  });

  it('ocp-417 (v1alpha1): a failing build makes one pod attempt (no Job, no retries)', async () => {
    c = await simulatedCluster({ state: 'ocp-417' });
    c.edit('machineosconfigs', 'infra', m => {
      spec(m).buildInputs.containerFile[0].content = 'FROM configs AS final\nRUN rpm-ostree install simulate-build-failure';
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '60-infra-kargs', labels: { [KEYS.role]: 'infra' } },
      spec: { kernelArguments: ['audit=1'] },
    });
    await c.settle();
    const target = spec(c.get('machineconfigpools', 'infra')).configuration.name;
    const b = readMosb(c.get('machineosbuilds', `infra-${target}-builder`));
    expect(b.phase).toBe('Failed');
    const pod = c.get('pods', `build-${target}`, MCO_NAMESPACE);
    expect(status(pod).phase).toBe('Failed');
    expect(c.logs.filter(l => l.message === 'Build attempt failed, retrying')).toEqual([]);
    expect(cond(c.get('machineconfigpools', 'infra'), 'ImageBuildDegraded')).toMatchObject({ status: 'True', reason: 'BuildFailed' });
    // the node stays on the image it has
    expect(ann(c.get('nodes', 'infra-0'), 'currentImage')).toBe(status(c.get('machineosconfigs', 'infra')).currentImagePullspec);
  });

  it('ocp-417 (v1alpha1): builds in the v1alpha1 shape with the 4.17 naming and one build pod', async () => {
    c = await simulatedCluster({ state: 'ocp-417' });
    c.edit('machineosconfigs', 'infra', m => {
      spec(m).buildInputs.containerFile[0].content = 'FROM configs AS final\nRUN rpm-ostree install tmux strace htop && ostree container commit';
    });
    c.store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '60-infra-kargs', labels: { [KEYS.role]: 'infra' } },
      spec: { kernelArguments: ['audit=1'] },
    });
    await c.settle();
    const pool = c.get('machineconfigpools', 'infra');
    const target = spec(pool).configuration.name;
    const b = c.get('machineosbuilds', `infra-${target}-builder`);
    expect(b.apiVersion).toBe('machineconfiguration.openshift.io/v1alpha1');
    expect(spec(b)).toMatchObject({ desiredConfig: { name: target }, machineOSConfig: { name: 'infra' }, version: 2, renderedImagePushspec: 'registry.example.com/platform-os/infra-layered:latest' });
    expect(status(b).builderReference).toEqual({ imageBuilderType: 'PodImageBuilder', buildPod: { group: '', resource: '', namespace: MCO_NAMESPACE, name: `build-${target}` } });
    const digest = status(b).finalImagePullspec;
    expect(digest).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(c.catalog.resolve(digest)!.labels).toMatchObject({ releaseversion: '4.17.32', machineconfig: target });
    expect(status(c.get('machineosconfigs', 'infra')).currentImagePullspec).toBe(digest);
    expect(c.store.get('pods', `build-${target}`, MCO_NAMESPACE)).toBeDefined();
    const node = c.get('nodes', 'infra-0');
    expect(ann(node, 'currentImage')).toBe(digest);
    expect(ann(node, 'currentConfig')).toBe(target);
    // the gpu pool, pinned two releases behind, did not move
    expect(osImage(c.get('nodes', 'gpu-0'))).toBe('Red Hat Enterprise Linux CoreOS 417.94.202505291424-0');
  });
});
