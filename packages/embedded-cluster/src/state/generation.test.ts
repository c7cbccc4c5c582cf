import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { assembleCluster } from '../assemble';
import { startEmbeddedCluster } from '../cluster';
import { resourceForKind } from '../store/resources';
import { loadStateDir } from './loadState';

const STATES = path.resolve(__dirname, '../../states');

jest.setTimeout(60_000);

interface PoolStatus {
  observedGeneration?: number;
}

describe('loading a state keeps metadata.generation', () => {
  it.each(['ocp-417', 'ocp-418', 'ocp-419', 'sno-419'])(
    '%s: every object keeps the generation of its file, and pools observe no future generation',
    async state => {
      const dir = path.join(STATES, state);
      const { objects } = loadStateDir(dir);
      const c = await assembleCluster({ stateDir: dir });
      try {
        let withGeneration = 0;
        for (const { object } of objects) {
          const info = resourceForKind(object.apiVersion, object.kind)!;
          const stored = c.store.get(
            info.resource,
            object.metadata.name,
            object.metadata.namespace ??
              (info.namespaced ? 'default' : undefined),
          )!;
          if (!info.crd) continue;
          expect({
            name: `${object.kind}/${object.metadata.name}`,
            generation: stored.metadata.generation,
          }).toEqual({
            name: `${object.kind}/${object.metadata.name}`,
            generation: object.metadata.generation ?? 1,
          });
          if ((object.metadata.generation ?? 1) > 1) withGeneration++;
        }
        // The states carry pools and configs edited many times: the check above compares real values.
        expect(withGeneration).toBeGreaterThan(0);
        for (const pool of c.store.list('machineconfigpools')) {
          const observed = (pool.status as PoolStatus | undefined)
            ?.observedGeneration;
          expect(observed).toBeDefined();
          expect(observed).toBeLessThanOrEqual(pool.metadata.generation!);
        }
      } finally {
        await c.stop();
      }
    },
  );

  it('still observes no future generation after the simulation has run', async () => {
    const cluster = await startEmbeddedCluster({
      stateDir: path.join(STATES, 'ocp-418'),
      speed: 0,
    });
    try {
      await cluster.settle();
      const res = await fetch(
        `${cluster.url}/apis/machineconfiguration.openshift.io/v1/machineconfigpools`,
        { headers: { authorization: `Bearer ${cluster.tokens.readOnly}` } },
      );
      const list = (await res.json()) as {
        items: Array<{
          metadata: { name: string; generation: number };
          status: PoolStatus;
        }>;
      };
      expect(list.items.map(p => p.metadata.name)).toEqual([
        'infra',
        'master',
        'worker',
      ]);
      for (const pool of list.items) {
        expect(pool.metadata.generation).toBeGreaterThan(1);
        expect(pool.status.observedGeneration).toBeLessThanOrEqual(
          pool.metadata.generation,
        );
      }
    } finally {
      await cluster.stop();
    }
  });

  describe('in a state of its own', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-generation-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const pool = (metadata: Record<string, unknown>) => ({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'custom', ...metadata },
      spec: {
        machineConfigSelector: {
          matchLabels: { 'machineconfiguration.openshift.io/role': 'custom' },
        },
        nodeSelector: {
          matchLabels: { 'node-role.kubernetes.io/custom': '' },
        },
      },
      status: { observedGeneration: 7 },
    });

    it('counts on from the loaded generation, assigns its own resourceVersions, and starts API creates at 1', async () => {
      fs.writeFileSync(
        path.join(dir, 'pool.yaml'),
        stringify(pool({ generation: 7, resourceVersion: '999999' })),
      );
      const c = await assembleCluster({ stateDir: dir });
      try {
        const loaded = c.store.get('machineconfigpools', 'custom')!;
        expect(loaded.metadata.generation).toBe(7);
        expect(Number(loaded.metadata.resourceVersion)).toBeLessThanOrEqual(
          Number(c.store.currentResourceVersion()),
        );
        expect(loaded.metadata.resourceVersion).not.toBe('999999');
        const updated = c.store.update('machineconfigpools', {
          ...loaded,
          spec: { ...(loaded.spec as object), paused: true },
        });
        expect(updated.metadata.generation).toBe(8);
        expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(
          Number(loaded.metadata.resourceVersion),
        );
        const created = c.store.create(
          'machineconfigpools',
          pool({ name: 'other', generation: 5 }),
        );
        expect(created.metadata.generation).toBe(1);
      } finally {
        await c.stop();
      }
    });

    it('refuses a generation that is not a positive integer, naming the file and field', async () => {
      fs.writeFileSync(
        path.join(dir, 'pool.yaml'),
        stringify(pool({ generation: 0 })),
      );
      await expect(assembleCluster({ stateDir: dir })).rejects.toThrow(
        /pool\.yaml \(document 1\): cannot load MachineConfigPool custom: metadata\.generation: Invalid value: must be a positive integer/,
      );
    });
  });
});
