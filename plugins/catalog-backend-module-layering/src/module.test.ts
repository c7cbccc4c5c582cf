import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogModule from './index';

jest.setTimeout(60_000);

const REFRESH_TASK = 'LayeringEntityProvider:fleet:refresh';

function cluster(name: string): ClusterView {
  return {
    name,
    status: 'ok',
    lastSync: new Date(0).toISOString(),
    release: { version: '4.18.21' } as ClusterView['release'],
  };
}

function pool(clusterName: string, name: string): PoolView {
  return { cluster: clusterName, name } as PoolView;
}

/**
 * A stand-in for the layering backend's REST API (`GET /clusters`, `GET /pools`),
 * served by a plugin with the id `layering` in the same test backend, so the
 * module reads it through discovery and service tokens as in a portal.
 */
function fakeLayeringPlugin(fleet: { clusters: ClusterView[]; pools: PoolView[] }) {
  return createBackendPlugin({
    pluginId: 'layering',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.get('/clusters', async (req, res) => {
            await httpAuth.credentials(req, { allow: ['service'] });
            res.json({ items: fleet.clusters });
          });
          router.get('/pools', async (req, res) => {
            await httpAuth.credentials(req, { allow: ['service'] });
            res.json({ items: fleet.pools });
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** Captures the scheduler so a test can run the provider's refresh when it wants. */
function schedulerHook(onScheduler: (scheduler: SchedulerService) => void) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-scheduler-hook',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          onScheduler(scheduler);
        },
      });
    },
  });
}

function writeLocation(entities: object[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-catalog-'));
  const file = path.join(dir, 'clusters.yaml');
  fs.writeFileSync(file, entities.map(e => JSON.stringify(e)).join('\n---\n'));
  return file;
}

async function startCatalog(options: {
  fleet: { clusters: ClusterView[]; pools: PoolView[] };
  layering?: object;
  locationEntities?: object[];
}) {
  let scheduler: SchedulerService | undefined;
  const locations = options.locationEntities
    ? [{ type: 'file', target: writeLocation(options.locationEntities) }]
    : [];
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModule,
      fakeLayeringPlugin(options.fleet),
      schedulerHook(s => (scheduler = s)),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component', 'Resource', 'Location', 'System', 'Group'] }],
            locations,
            processingInterval: { seconds: 2 },
          },
          layering: { catalog: options.layering ?? {} },
        },
      }),
    ],
  });
  const base = `http://localhost:${backend.server.port()}/api/catalog`;
  const getEntity = async (name: string): Promise<Entity | undefined> => {
    const response = await fetch(`${base}/entities/by-name/resource/default/${name}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    return response.ok ? ((await response.json()) as Entity) : undefined;
  };
  return { backend, getEntity, refresh: () => scheduler!.triggerTask(REFRESH_TASK) };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('catalogModuleLayeringEntityProvider against the catalog', () => {
  it('emits a Resource per cluster and per pool, pools depend on their cluster, and gone pools leave', async () => {
    const fleet = {
      clusters: [cluster('ocp-418'), cluster('ocp-419')],
      pools: [pool('ocp-418', 'master'), pool('ocp-418', 'worker'), pool('ocp-419', 'infra')],
    };
    const { backend, getEntity, refresh } = await startCatalog({
      fleet,
      layering: { owner: 'group:default/os-team', system: 'system:default/fleet' },
    });
    try {
      const worker = await waitFor(() => getEntity('ocp-418-worker'), 'the worker pool entity');
      expect(worker.spec).toMatchObject({
        type: 'openshift-machine-config-pool',
        owner: 'group:default/os-team',
        system: 'system:default/fleet',
        dependsOn: ['resource:ocp-418'],
      });
      expect(worker.metadata.annotations).toMatchObject({
        'layering.openshift.io/cluster': 'ocp-418',
        'layering.openshift.io/pool': 'worker',
        'backstage.io/managed-by-location': 'layering:cluster/ocp-418',
      });
      const clusterEntity = await waitFor(() => getEntity('ocp-418'), 'the cluster entity');
      expect(clusterEntity.spec).toMatchObject({ type: 'kubernetes-cluster', owner: 'group:default/os-team' });
      expect(clusterEntity.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-cluster': 'ocp-418',
        'layering.openshift.io/cluster': 'ocp-418',
      });
      expect(await waitFor(() => getEntity('ocp-419-infra'), 'the infra pool')).toBeDefined();

      // The worker pool goes away: the next refresh drops its entity.
      fleet.pools = fleet.pools.filter(p => p.name !== 'worker');
      await refresh();
      await waitFor(
        async () => ((await getEntity('ocp-418-worker')) ? undefined : true),
        'the worker pool entity to leave',
      );
      expect(await getEntity('ocp-418-master')).toBeDefined();
    } finally {
      await backend.stop();
    }
  });

  it('adopts cluster entities by name: no clashing entity, pools depend on the adopted one, which gets the layering annotation', async () => {
    const ocmCluster = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'ocp-418', annotations: { 'janus-idp.io/ocm-cluster-id': 'c0ffee' } },
      spec: { type: 'kubernetes-cluster', owner: 'group:default/ocm' },
    };
    const fleet = {
      clusters: [cluster('ocp-418'), cluster('ocp-419')],
      pools: [pool('ocp-418', 'worker'), pool('ocp-419', 'worker')],
    };
    const { backend, getEntity, refresh } = await startCatalog({
      fleet,
      layering: { clusterEntities: 'adopt' },
      locationEntities: [ocmCluster],
    });
    try {
      const worker = await waitFor(async () => {
        await refresh(); // a tick of the schedule, after the file location was read
        const e = await getEntity('ocp-418-worker');
        return (e?.spec?.dependsOn as string[] | undefined)?.length ? e : undefined;
      }, 'the worker pool to depend on the adopted cluster');
      expect(worker.spec?.dependsOn).toEqual(['resource:default/ocp-418']);
      expect(worker.relations).toEqual(
        expect.arrayContaining([{ type: 'dependsOn', targetRef: 'resource:default/ocp-418' }]),
      );

      // The adopted entity is still the OCM one, now with the layering annotations.
      const adopted = await waitFor(async () => {
        const e = await getEntity('ocp-418');
        return e?.metadata.annotations?.['layering.openshift.io/cluster'] ? e : undefined;
      }, 'the adopted entity to carry the layering annotation');
      expect(adopted.spec?.owner).toBe('group:default/ocm');
      expect(adopted.metadata.annotations?.['backstage.io/managed-by-location']).toMatch(/^file:/);
      expect(adopted.metadata.annotations).toMatchObject({
        'layering.openshift.io/cluster': 'ocp-418',
        'backstage.io/kubernetes-cluster': 'ocp-418',
        'janus-idp.io/ocm-cluster-id': 'c0ffee',
      });

      // ocp-419 has no entity to adopt: none is invented, and its pool depends on none.
      const other = await waitFor(() => getEntity('ocp-419-worker'), 'the ocp-419 pool');
      expect(other.spec?.dependsOn).toBeUndefined();
      expect(await getEntity('ocp-419')).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('adopts cluster entities by annotation', async () => {
    const fleet = { clusters: [cluster('ocp-418')], pools: [pool('ocp-418', 'worker')] };
    const { backend, getEntity, refresh } = await startCatalog({
      fleet,
      layering: {
        clusterEntities: 'adopt',
        adopt: { match: 'annotation', annotation: 'backstage.io/kubernetes-cluster' },
      },
      locationEntities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name: 'prod-east', annotations: { 'backstage.io/kubernetes-cluster': 'ocp-418' } },
          spec: { type: 'kubernetes-cluster', owner: 'group:default/ops' },
        },
        // Same name as the cluster but not the annotation: not the one to adopt.
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name: 'ocp-418' },
          spec: { type: 'kubernetes-cluster', owner: 'group:default/ops' },
        },
      ],
    });
    try {
      const worker = await waitFor(async () => {
        await refresh(); // a tick of the schedule, after the file location was read
        const e = await getEntity('ocp-418-worker');
        return (e?.spec?.dependsOn as string[] | undefined)?.length ? e : undefined;
      }, 'the worker pool to depend on the adopted cluster');
      expect(worker.spec?.dependsOn).toEqual(['resource:default/prod-east']);
      const adopted = await waitFor(async () => {
        const e = await getEntity('prod-east');
        return e?.metadata.annotations?.['layering.openshift.io/cluster'] ? e : undefined;
      }, 'prod-east to carry the layering annotation');
      expect(adopted.metadata.annotations?.['layering.openshift.io/cluster']).toBe('ocp-418');
      const sameName = await getEntity('ocp-418');
      expect(sameName?.metadata.annotations?.['layering.openshift.io/cluster']).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('refuses an unknown clusterEntities value at startup, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          catalogModule,
          catalogPlugin,
          mockServices.rootConfig.factory({ data: { layering: { catalog: { clusterEntities: 'merge' } } } }),
        ],
      }),
    ).rejects.toThrow(/layering\.catalog\.clusterEntities must be 'emit' or 'adopt', not 'merge'/);
  });
});
