import { TestDatabases } from '@backstage/backend-test-utils';
import {
  buildOsImageMachineConfig,
  LAYERING_REQUEST_ANNOTATIONS,
} from '@rhcos-layering/plugin-layering-common';
import { withLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import { eventually } from '../__testUtils__/testBackend';
import {
  infraRequest,
  linkerFor,
  mergedEvent,
  storeWithRequest,
  useSampleCluster,
} from './applyOnMerge/__testUtils__/embedded';
import { renderedInfraLayer } from './applyOnMerge/__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MCO = 'machineconfiguration.openshift.io';
/** The RHCOS image of the sample's release (4.18.21), which its registry serves. */
const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

describe('ProvenanceLinker on an embedded cluster', () => {
  const sample = useSampleCluster('prov', { watched: true });

  it('records applied (by GitOps), the build and the rollout of a merged request, once, also after a restart', async () => {
    // The render made the request id; the record step passes it on, so the record keeps it.
    const {
      requests,
      record,
      requestId: renderedId,
    } = await storeWithRequest(databases, infraRequest('prov'));
    expect(record.id).toBe(renderedId);
    await requests.recordEvent(record.id, mergedEvent());

    const linker = linkerFor(sample, requests, 100);
    linker.start();
    try {
      // Nothing of the request is on the cluster yet.
      expect(await linker.linkPool('prov', 'infra')).toEqual([]);

      // A GitOps controller applies the merged file (server-side apply under its own name).
      const object = renderedInfraLayer(renderedId, {
        annotations: {
          [LAYERING_REQUEST_ANNOTATIONS.requestedBy]: 'user:default/alice',
        },
      });
      await sample.request(
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
        sample.fleet
          .getPool('prov', 'infra')!
          .builds.find(b => b.name === buildName)!.state,
      ).toBe('Succeeded');

      // The sample's infra pool is paused: the rollout starts when it is resumed.
      await sample.request(`/apis/${MCO}/v1/machineconfigpools/infra`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { paused: false } }),
      });
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
      const restarted = linkerFor(sample, requests, 0);
      expect(await restarted.linkPool('prov', 'infra')).toEqual([]);
      expect((await requests.get(record.id))!.events).toHaveLength(done.length);
    } finally {
      await linker.stop();
    }
  });
  it('follows an osImageURL MachineConfig applied by GitOps onto the pool: applied, then the rollout', async () => {
    const {
      requests,
      record,
      requestId: renderedId,
    } = await storeWithRequest(
      databases,
      infraRequest('prov', {
        pool: 'worker',
        kind: 'rebase',
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/13',
        taskId: 'task-13',
        summary: "Rebase worker onto 4.18.21's RHCOS",
      }),
    );
    const linker = linkerFor(sample, requests, 100);
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
      await sample.request(
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
