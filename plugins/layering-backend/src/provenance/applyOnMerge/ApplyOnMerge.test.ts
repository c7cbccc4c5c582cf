import { TestDatabases } from '@backstage/backend-test-utils';
import { LAYERING_REQUEST_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { eventually } from '../../__testUtils__/testBackend';
import {
  applierFor,
  FORGE_TOKEN,
  infraRequest,
  mergedEvent,
  mockedForge,
  readInfra as readInfraOf,
  storeWithRequest,
  useSampleCluster,
  type InfraOnCluster,
} from './__testUtils__/embedded';
import {
  COMMIT,
  CONTAINERFILE,
  mergedPull as mergedPullOn,
  recordingAuditor,
  renderedInfraLayer,
} from './__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const server = mockedForge();
const mergedPull = (manifest: string) => mergedPullOn(server, manifest);

describe('ApplyOnMerge', () => {
  const sample = useSampleCluster('aom');
  const readInfra = () => readInfraOf(sample);

  async function setup(applyOnMerge: boolean) {
    const { requests, record, requestId } = await storeWithRequest(
      databases,
      infraRequest('aom'),
    );
    const { auditor, events: audits } = recordingAuditor();
    const applier = applierFor(sample, { requests, auditor, applyOnMerge });
    requests.onChange(applier.onRequestChange);
    return { requests, record, requestId, applier, audits };
  }

  it('applies the merged files of the merge commit with the writer, records who approved, audits, and is idempotent', async () => {
    const { requests, record, requestId, applier, audits } = await setup(true);
    const authorizations = mergedPull(stringify(renderedInfraLayer(requestId)));

    await requests.recordEvent(record.id, mergedEvent());
    const applied = await eventually(async () => {
      const event = (await requests.get(record.id))!.events!.find(
        e => e.type === 'applied',
      );
      expect(event).toBeDefined();
      return event!;
    });
    expect(applied.by).toBe('github:bob');
    expect(applied.detail).toBe(
      `Applied on merge by the portal (MachineOSConfig/infra at ${COMMIT.slice(
        0,
        12,
      )}); the merge by github:bob is the approval`,
    );
    expect(authorizations[0]).toBe(`Bearer ${FORGE_TOKEN}`);
    const onCluster = await readInfra();
    expect(onCluster.spec.containerFile[0].content).toBe(CONTAINERFILE);
    expect(
      onCluster.metadata.annotations?.[LAYERING_REQUEST_ANNOTATIONS.requestId],
    ).toBe(requestId);
    expect(onCluster.metadata.managedFields?.map(m => m.manager)).toContain(
      'backstage-layering',
    );
    expect(audits).toEqual([
      expect.objectContaining({
        outcome: 'success',
        meta: expect.objectContaining({
          trigger: 'apply-on-merge',
          approvedBy: 'github:bob',
          request: requestId,
        }),
      }),
    ]);

    // Applying again (a second backend, a retry) writes nothing new: once the MCO is done with
    // the change (it annotates and builds), a second apply leaves the object as it is.
    // The MCO may still write the object's status (a build finishing), which moves its
    // resourceVersion, and its own annotations; what the apply owns is the spec (generation)
    // and the request's annotations.
    await sample.cluster.settle();
    const owned = (o: InfraOnCluster) => ({
      generation: o.metadata.generation,
      annotations: Object.entries(o.metadata.annotations ?? {}).filter(([k]) =>
        k.startsWith('layering.openshift.io/'),
      ),
      spec: o.spec,
    });
    const settled = owned(await readInfra());
    await applier.apply(
      (await requests.get(record.id))!,
      mergedEvent('github:bob', applied.at),
    );
    await sample.cluster.settle();
    expect(owned(await readInfra())).toEqual(settled);
    expect(
      (await requests.get(record.id))!.events!.filter(
        e => e.type === 'applied',
      ),
    ).toHaveLength(1);
  });

  it("applies nothing that is not layering content or not the request's own, and records why", async () => {
    const { requests, record, applier, audits } = await setup(true);
    const before = await readInfra();
    // Another request's object.
    mergedPull(
      stringify(renderedInfraLayer(randomUUID())).replace(
        /template-run: task-12/,
        'template-run: task-99',
      ),
    );
    await expect(applier.apply(record, mergedEvent())).rejects.toThrow(
      /was not rendered by request/,
    );
    // More than layering content: a status block.
    mergedPull(
      stringify(
        renderedInfraLayer(record.id, {
          extra: { status: { currentImagePullSpec: 'x' } },
        }),
      ),
    );
    await expect(applier.apply(record, mergedEvent())).rejects.toThrow(
      /not layering content for pool infra: .*status: The MCO owns the status/,
    );
    expect((await readInfra()).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(audits.map(a => a.outcome)).toEqual(['failure', 'failure']);
    const failed = (await requests.get(record.id))!.events!.filter(
      e => e.type === 'failed',
    );
    expect(failed).toHaveLength(2);
    expect(failed[0].detail).toMatch(/^Apply on merge failed: /);
  });

  it('leaves clusters without applyOnMerge to their GitOps controller', async () => {
    const { requests, record, audits } = await setup(false);
    const before = await readInfra();
    await requests.recordEvent(record.id, mergedEvent());
    expect(audits).toEqual([]);
    expect((await readInfra()).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });
});
