import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { assembleCluster } from './assemble';
import { SAMPLE_STATE } from './__testUtils__/testCluster';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-cluster-assemble-'));
}

function writeState(dir: string, files: Record<string, unknown[]>) {
  for (const [name, docs] of Object.entries(files)) {
    fs.writeFileSync(
      path.join(dir, name),
      docs.map(d => stringify(d)).join('---\n'),
    );
  }
}

const clusterVersion = (version: string) => ({
  apiVersion: 'config.openshift.io/v1',
  kind: 'ClusterVersion',
  metadata: { name: 'version' },
  spec: {
    clusterID: '5d8b7b4c-1d7c-4f8e-9a1e-0c6c1f2d3e4f',
    channel: 'stable-4.17',
  },
  status: {
    desired: {
      version,
      image: `quay.io/openshift-release-dev/ocp-release@sha256:${'1'.repeat(
        64,
      )}`,
    },
    history: [
      {
        state: 'Completed',
        version,
        image: `quay.io/openshift-release-dev/ocp-release@sha256:${'1'.repeat(
          64,
        )}`,
        startedTime: '2025-01-01T00:00:00Z',
        completionTime: '2025-01-01T01:00:00Z',
        verified: false,
      },
    ],
    observedGeneration: 1,
    versionHash: 'abc',
    availableUpdates: null,
  },
});

jest.setTimeout(60_000);

describe('assembleCluster', () => {
  it('loads the sample state as-is, ignoring README.md and the v1alpha1 folder', async () => {
    const c = await assembleCluster({ stateDir: SAMPLE_STATE });
    try {
      expect(c.store.servedApiVersion('machineosconfigs')).toBe(
        'machineconfiguration.openshift.io/v1',
      );
      expect(
        c.store.list('machineconfigpools').map(p => p.metadata.name),
      ).toEqual(['infra', 'master', 'worker']);
      expect(c.store.list('nodes')).toHaveLength(6);
      expect(c.store.list('namespaces').map(n => n.metadata.name)).toEqual([
        'default',
        'openshift-machine-config-operator',
      ]);
      expect(c.catalog.list().length).toBeGreaterThanOrEqual(4);
      expect(c.releases).toEqual([]);
    } finally {
      await c.stop();
    }
  });

  it('serves v1alpha1 for a 4.17 cluster and refuses v1 objects with a clear message', async () => {
    const dir = tempDir();
    fs.copyFileSync(
      path.join(
        SAMPLE_STATE,
        'v1alpha1/machineosconfig-and-build-v1alpha1.yaml',
      ),
      path.join(dir, 'mos.yaml'),
    );
    writeState(dir, { 'cv.yaml': [clusterVersion('4.17.30')] });
    const c = await assembleCluster({ stateDir: dir });
    try {
      expect(c.store.servedApiVersion('machineosbuilds')).toBe(
        'machineconfiguration.openshift.io/v1alpha1',
      );
      expect(c.store.list('machineosconfigs')).toHaveLength(1);
    } finally {
      await c.stop();
    }
    fs.copyFileSync(
      path.join(SAMPLE_STATE, '30-machineosconfig-infra.yaml'),
      path.join(dir, 'mos-v1.yaml'),
    );
    await expect(assembleCluster({ stateDir: dir })).rejects.toThrow(
      /mos-v1\.yaml \(document 1\): cannot load MachineOSConfig infra: MachineOSConfig machineconfiguration\.openshift\.io\/v1 is not served by this cluster: it serves machineconfiguration\.openshift\.io\/v1alpha1/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a state with an invalid object and names the file', async () => {
    const dir = tempDir();
    writeState(dir, {
      'bad.yaml': [
        {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfigPool',
          metadata: { name: 'x' },
          spec: { paused: 'no' },
        },
      ],
    });
    await expect(assembleCluster({ stateDir: dir })).rejects.toThrow(
      /bad\.yaml \(document 1\): cannot load MachineConfigPool x: spec\.paused/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file of a YAML syntax error and refuses a Secret with non-string stringData', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'broken.yaml'),
      'apiVersion: v1\nkind: [unclosed\n',
    );
    await expect(assembleCluster({ stateDir: dir })).rejects.toThrow(
      /^broken\.yaml: /,
    );
    fs.rmSync(path.join(dir, 'broken.yaml'));
    writeState(dir, {
      'secret.yaml': [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's', namespace: 'default' },
          stringData: { n: 1 },
        },
      ],
    });
    await expect(assembleCluster({ stateDir: dir })).rejects.toThrow(
      /secret\.yaml \(document 1\): cannot load Secret s: stringData\[n\]/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('persists changes to the data directory and reloads them on restart', async () => {
    const data = tempDir();
    const first = await assembleCluster({
      stateDir: SAMPLE_STATE,
      dataDir: data,
    });
    const pool = first.store.get('machineconfigpools', 'infra')!;
    first.store.update('machineconfigpools', {
      ...pool,
      spec: { ...(pool.spec as object), paused: false },
    });
    const built = first.catalog.add({
      image: `${first.registryHost}/os/built:tag1`,
      labels: { a: 'b' },
    });
    const rv = first.store.currentResourceVersion();
    await first.stop();
    const second = await assembleCluster({
      stateDir: SAMPLE_STATE,
      dataDir: data,
    });
    try {
      expect(
        (
          second.store.get('machineconfigpools', 'infra')!.spec as {
            paused: boolean;
          }
        ).paused,
      ).toBe(false);
      expect(second.store.currentResourceVersion()).toBe(rv);
      expect(second.catalog.resolve(built.image)?.labels).toEqual({ a: 'b' });
      expect(
        fs.statSync(path.join(data, 'serving-cert.json')).mode & 0o777,
      ).toBe(0o600);
    } finally {
      await second.stop();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
