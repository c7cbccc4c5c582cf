import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import {
  buildMachineOSConfig,
  buildOsImageMachineConfig,
  LAYERING_REQUEST_ANNOTATIONS,
} from '@rhcos-layering/plugin-layering-common';
import { withLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import { randomUUID } from 'node:crypto';
import {
  eventually,
  embeddedRegistries,
  startSampleCluster,
} from '../__testUtils__/testBackend';
import { FleetService } from '../services/FleetService';
import { DatabaseRequestStore } from '../services/RequestStore';
import { ProvenanceLinker } from './ProvenanceLinker';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MCO = 'machineconfiguration.openshift.io';
/** The RHCOS image of the sample's release (4.18.21), which its registry serves. */
const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

/** The infra MachineOSConfig of the sample with one more package, as a request renders it. */
function renderedInfraLayer(taskId: string, requestId: string) {
  const object = buildMachineOSConfig(
    {
      pool: 'infra',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      renderedImagePushSecret: 'infra-os-images-push',
      baseImagePullSecret: 'global-pull-secret-copy',
      currentImagePullSecret: null,
      containerFiles: [
        {
          arch: 'NoArch',
          content:
            'FROM configs AS final\nRUN dnf install -y tmux sysstat usbguard && \\\n    dnf clean all && \\\n    ostree container commit',
        },
      ],
      annotations: {
        [LAYERING_REQUEST_ANNOTATIONS.requestedBy]: 'user:default/alice',
        [LAYERING_REQUEST_ANNOTATIONS.templateRun]: taskId,
      },
    },
    'v1',
  ) as { metadata: { annotations?: Record<string, string> } };
  return withLayeringProvenance(object, requestId);
}

async function clusterRequest(
  cluster: EmbeddedCluster,
  path: string,
  init: RequestInit,
) {
  const res = await fetch(`${cluster.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${cluster.tokens.admin}`,
      ...init.headers,
    },
  });
  if (!res.ok)
    throw new Error(
      `${init.method} ${path}: ${res.status} ${await res.text()}`,
    );
  return res.json();
}

describe('ProvenanceLinker on an embedded cluster', () => {
  let cluster: EmbeddedCluster;
  let fleet: FleetService;

  beforeAll(async () => {
    cluster = await startSampleCluster('prov');
    fleet = FleetService.create({
      clusters: [
        {
          name: 'prov',
          url: cluster.url,
          skipTLSVerify: true,
          authMetadata: {},
          reader: { type: 'token', token: cluster.tokens.readOnly },
          registries: embeddedRegistries(cluster),
          source: 'config',
        },
      ],
      registries: [],
      logger: mockServices.logger.mock(),
      debounceMs: 10,
    });
    await fleet.ready();
  });

  afterAll(async () => {
    await fleet?.stop();
    await cluster?.stop();
  });

  it('records applied (by GitOps), the build and the rollout of a merged request, once, also after a restart', async () => {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
      {
        logger: mockServices.logger.mock(),
      },
    );
    // The render made the request id; the record step passes it on, so the record keeps it.
    const renderedId = randomUUID();
    const { record } = await requests.add({
      requestId: renderedId,
      cluster: 'prov',
      pool: 'infra',
      kind: 'modify',
      delivery: 'pull-request',
      pullRequestUrl: 'https://github.com/acme/fleet-config/pull/12',
      taskId: 'task-12',
      requestedBy: 'user:default/alice',
      outcome: 'opened',
      summary: 'Add usbguard to infra',
    });
    expect(record.id).toBe(renderedId);
    await requests.recordEvent(record.id, {
      type: 'merged',
      at: new Date().toISOString(),
      by: 'github:bob',
    });

    const linker = new ProvenanceLinker({
      fleet,
      source: fleet,
      requests,
      logger: mockServices.logger.mock(),
      portalManagers: ['backstage-layering'],
      intervalMs: 100,
    });
    linker.start();
    try {
      // Nothing of the request is on the cluster yet.
      expect(await linker.linkPool('prov', 'infra')).toEqual([]);

      // A GitOps controller applies the merged file (server-side apply under its own name).
      const object = renderedInfraLayer('task-12', renderedId);
      await clusterRequest(
        cluster,
        `/apis/${MCO}/v1/machineosconfigs/infra?fieldManager=argocd-controller&force=true`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: JSON.stringify(object),
        },
      );

      const built = await eventually(async () => {
        const events = (await requests.get(record.id))!.events!;
        expect(events.map(e => e.type)).toEqual(
          expect.arrayContaining([
            'applied',
            'build-started',
            'build-succeeded',
          ]),
        );
        return events;
      });
      expect(built.find(e => e.type === 'applied')!.detail).toMatch(
        /^MachineOSConfig infra \(sha256:[0-9a-f]{12}\) written by argocd-controller \(GitOps\)$/,
      );
      const build = built.find(e => e.type === 'build-succeeded')!;
      expect(build.detail).toMatch(
        /^MachineOSBuild infra-[0-9a-f]+ succeeded in \d+ s$/,
      );
      // The build the change caused, not the sample's older ones.
      const buildName = build.detail!.split(' ')[1];
      expect(
        fleet.getPool('prov', 'infra')!.builds.find(b => b.name === buildName)!
          .state,
      ).toBe('Succeeded');

      // The sample's infra pool is paused: the rollout starts when it is resumed.
      await clusterRequest(
        cluster,
        `/apis/${MCO}/v1/machineconfigpools/infra`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/merge-patch+json' },
          body: JSON.stringify({ spec: { paused: false } }),
        },
      );
      const done = await eventually(async () => {
        const events = (await requests.get(record.id))!.events!;
        expect(events.map(e => e.type)).toContain('rollout-done');
        return events;
      });
      expect(done.find(e => e.type === 'rollout-done')!.detail).toBe(
        '1 of 1 nodes updated',
      );
      expect(done.filter(e => e.type === 'applied')).toHaveLength(1);

      // A restarted backend (a new linker on the same database) records nothing again.
      const restarted = new ProvenanceLinker({
        fleet,
        source: fleet,
        requests,
        logger: mockServices.logger.mock(),
        portalManagers: ['backstage-layering'],
        intervalMs: 0,
      });
      expect(await restarted.linkPool('prov', 'infra')).toEqual([]);
      expect((await requests.get(record.id))!.events).toHaveLength(done.length);
    } finally {
      await linker.stop();
    }
  });
  it('follows an osImageURL MachineConfig applied by GitOps onto the pool: applied, then the rollout', async () => {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
      {
        logger: mockServices.logger.mock(),
      },
    );
    const renderedId = randomUUID();
    const { record } = await requests.add({
      requestId: renderedId,
      cluster: 'prov',
      pool: 'worker',
      kind: 'rebase',
      delivery: 'pull-request',
      pullRequestUrl: 'https://github.com/acme/fleet-config/pull/13',
      taskId: 'task-13',
      requestedBy: 'user:default/alice',
      outcome: 'opened',
      summary: "Rebase worker onto 4.18.21's RHCOS",
    });
    const linker = new ProvenanceLinker({
      fleet,
      source: fleet,
      requests,
      logger: mockServices.logger.mock(),
      portalManagers: ['backstage-layering'],
      intervalMs: 100,
    });
    linker.start();
    try {
      const object = withLayeringProvenance(
        buildOsImageMachineConfig({
          name: 'os-layer-custom',
          role: 'worker',
          osImageURL: RELEASE_RHCOS,
          annotations: {
            [LAYERING_REQUEST_ANNOTATIONS.templateRun]: 'task-13',
          },
        }) as { metadata: { annotations?: Record<string, string> } },
        renderedId,
      );
      await clusterRequest(
        cluster,
        `/apis/${MCO}/v1/machineconfigs/os-layer-custom?fieldManager=argocd-controller&force=true`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: JSON.stringify(object),
        },
      );
      const events = await eventually(async () => {
        const recorded = (await requests.get(record.id))!.events!;
        expect(recorded.map(e => e.type)).toContain('rollout-done');
        return recorded;
      });
      expect(events.find(e => e.type === 'applied')!.detail).toMatch(
        /^MachineConfig os-layer-custom \(sha256:[0-9a-f]{12}\) written by argocd-controller \(GitOps\)$/,
      );
      expect(events.map(e => e.type)).not.toContain('build-started');
      expect(events.find(e => e.type === 'rollout-done')!.detail).toBe(
        '2 of 2 nodes updated',
      );
    } finally {
      await linker.stop();
    }
  });
});
