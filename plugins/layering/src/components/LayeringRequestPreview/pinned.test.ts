import { behindReleasesPool, clusterWith, CUSTOM_WORKER_IMAGE } from '../../__fixtures__/pools';
import { healthyWorker, infraLayered, dbInheriting } from '../../__fixtures__/previewPools';
import { buildPreview, previewSummary } from './rules';

describe('an on-cluster request on a pinned pool', () => {
  it('warns first that the build starts FROM the pinned image, and names its drift', () => {
    const preview = buildPreview({
      pool: healthyWorker,
      cluster: clusterWith(healthyWorker),
      mode: 'on-cluster',
      operation: 'create',
    });
    expect(preview.warnings[0]).toEqual({
      severity: 'warning',
      message: `Pool worker is pinned by MachineConfig os-layer-custom to ${CUSTOM_WORKER_IMAGE}: the on-cluster build starts FROM that image, not from the release's RHCOS, and so do the rebuilds after each cluster update until the pin is removed. The pinned image is 1 release behind the cluster's release: The image is based on the RHCOS of 4.18.17, one release behind 4.18.21; rebase the image.`,
    });
    expect(previewSummary(preview)).toContain('starts FROM that image');
  });

  it("names the worker pin a custom pool inherits, also when the pool is layered on-cluster", () => {
    for (const pool of [infraLayered, { ...dbInheriting, nodes: [], builds: [] }]) {
      const preview = buildPreview({
        pool,
        cluster: clusterWith(behindReleasesPool, pool),
        mode: 'on-cluster',
        operation: pool === infraLayered ? 'modify' : 'create',
      });
      expect(preview.warnings[0]?.message).toMatch(
        new RegExp(`^Pool ${pool.name} is pinned by MachineConfig os-layer-custom, inherited from worker, to `),
      );
    }
  });

  it('says nothing of a pin for out-of-cluster requests, reverts, or unpinned pools', () => {
    const pinned = (preview: ReturnType<typeof buildPreview>) =>
      preview.warnings.some(w => w.message.includes('pinned'));
    const cluster = clusterWith(healthyWorker);
    expect(pinned(buildPreview({ pool: healthyWorker, cluster, mode: 'out-of-cluster' }))).toBe(false);
    expect(pinned(buildPreview({ pool: healthyWorker, cluster, operation: 'revert' }))).toBe(false);
    const unpinned = { ...dbInheriting, nodes: [], builds: [] };
    expect(
      pinned(buildPreview({ pool: unpinned, cluster: clusterWith(unpinned), mode: 'on-cluster' })),
    ).toBe(false);
  });
});
