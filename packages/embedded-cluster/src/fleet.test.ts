import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { FLEET_CLUSTERS, startFleet, Fleet } from './fleet';
import type { EmbeddedCluster } from './cluster';
import type { K8sObject } from './store/types';

const MCO = { group: 'machineconfiguration.openshift.io' };

function kubeConfig(cluster: EmbeddedCluster, token: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.httpsUrl!,
        caData: Buffer.from(cluster.caCertificate!).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'ctx', cluster: cluster.name, user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

describe('startFleet', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      basePort: 0,
      speed: 0,
      tokens: { readOnly: 'fleet-read-only-token-for-tests' },
      readerToken: 'fleet-reader-token-for-tests',
      writerToken: 'fleet-writer-token-for-tests',
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  }, 30_000);

  it('starts the four clusters, each its own endpoint with its own state', async () => {
    expect(fleet.clusters.map(c => c.name)).toEqual([...FLEET_CLUSTERS]);
    expect(new Set(fleet.clusters.map(c => c.url)).size).toBe(4);
    expect(new Set(fleet.clusters.map(c => c.tokens.readOnly))).toEqual(new Set(['fleet-read-only-token-for-tests']));
    expect(new Set(fleet.clusters.map(c => c.tokens.admin)).size).toBe(4);
    const served: Record<string, string> = {};
    const pools: Record<string, string[]> = {};
    for (const cluster of fleet.clusters) {
      const kc = kubeConfig(cluster, cluster.tokens.readOnly);
      const apis = kc.makeApiClient(k8s.ApisApi);
      const groups = await apis.getAPIVersions();
      const versions = groups.groups.filter(g => g.name === MCO.group).flatMap(g => g.versions.map(v => v.version));
      served[cluster.name] = [...new Set(versions)].sort().join(',');
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const list = (await custom.listClusterCustomObject({ ...MCO, version: 'v1', plural: 'machineconfigpools' })) as { items: K8sObject[] };
      pools[cluster.name] = list.items.map(p => p.metadata.name).sort();
    }
    expect(served).toEqual({ 'ocp-417': 'v1,v1alpha1', 'ocp-418': 'v1', 'ocp-419': 'v1', 'sno-419': 'v1' });
    expect(pools).toEqual({
      'ocp-417': ['gpu', 'infra', 'master', 'worker'],
      'ocp-418': ['infra', 'master', 'worker'],
      'ocp-419': ['edge', 'infra', 'master', 'worker'],
      'sno-419': ['master', 'worker'],
    });
  }, 30_000);

  it('drives an on-cluster layering rollout end to end through client-node', async () => {
    const cluster = fleet.clusters.find(c => c.name === 'ocp-418')!;
    const kc = kubeConfig(cluster, cluster.tokens.admin);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await custom.patchClusterCustomObject(
      { ...MCO, version: 'v1', plural: 'machineconfigpools', name: 'infra', body: { spec: { paused: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await cluster.settle();
    const mosc = (await custom.getClusterCustomObject({ ...MCO, version: 'v1', plural: 'machineosconfigs', name: 'infra' })) as K8sObject;
    const image = (mosc.status as { currentImagePullSpec: string }).currentImagePullSpec;
    const build = (await custom.getClusterCustomObject({ ...MCO, version: 'v1', plural: 'machineosbuilds', name: 'infra-08dcbd033aeac08fbb14963fe9ec65c5' })) as K8sObject;
    expect((build.status as { digestedImagePushSpec: string }).digestedImagePushSpec).toBe(image);
    const node = await core.readNode({ name: 'infra-0' });
    expect(node.metadata?.annotations?.['machineconfiguration.openshift.io/currentImage']).toBe(image);
    expect(node.metadata?.annotations?.['machineconfiguration.openshift.io/state']).toBe('Done');
    expect(node.status?.nodeInfo?.osImage).toBe('Red Hat Enterprise Linux CoreOS 418.94.202506121335-0');
    const pods = await core.listNamespacedPod({
      namespace: 'openshift-machine-config-operator',
      labelSelector: 'batch.kubernetes.io/job-name=build-infra-08dcbd033aeac08fbb14963fe9ec65c5',
    });
    expect(pods.items.map(p => p.status?.phase)).toEqual(['Succeeded']);
    const pool = (await custom.getClusterCustomObject({ ...MCO, version: 'v1', plural: 'machineconfigpools', name: 'infra' })) as K8sObject;
    expect(pool.status).toMatchObject({ machineCount: 1, updatedMachineCount: 1, readyMachineCount: 1 });
    // the registry serves the built image with the labels it inherited from its base
    const [repo, digest] = image.split('@');
    const res = await fetch(`${cluster.registryUrl}/v2/${repo}/manifests/${digest}`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
  }, 30_000);

  it('authorizes the reader and writer tokens by the shipped RBAC on every cluster, with kubeconfig contexts', async () => {
    for (const cluster of fleet.clusters) {
      const call = (token: string, method: string, apiPath: string, body?: unknown) =>
        fetch(`${cluster.url}${apiPath}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
      const pool = `/apis/${MCO.group}/v1/machineconfigpools/worker?dryRun=All`;
      expect((await call('fleet-reader-token-for-tests', 'GET', `/apis/${MCO.group}/v1/machineconfigpools`)).status).toBe(200);
      const denied = await call('fleet-reader-token-for-tests', 'PATCH', pool, { spec: { paused: true } });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { message: string }).message).toContain(
        'User "system:serviceaccount:rhcos-layering:layering-reader" cannot patch resource "machineconfigpools"',
      );
      expect((await call('fleet-writer-token-for-tests', 'PATCH', pool, { spec: { paused: true } })).status).toBe(200);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-kubeconfig-'));
    try {
      const file = path.join(dir, 'kubeconfig');
      await fleet.clusters[0].writeKubeconfig(file);
      const config = parseYaml(fs.readFileSync(file, 'utf8')) as { contexts: Array<{ name: string }> };
      expect(config.contexts.map(c => c.name)).toEqual([
        'ocp-417',
        'ocp-417-read-only',
        'ocp-417-layering-reader',
        'ocp-417-layering-writer',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
