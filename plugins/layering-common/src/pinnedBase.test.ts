import { pinnedBaseIssue } from './pinnedBase';

const IMAGE = `registry.example.com/os/worker@sha256:${'c'.repeat(64)}`;

describe('pinnedBaseIssue', () => {
  it('names the pin, the FROM image and how far behind it is', () => {
    expect(
      pinnedBaseIssue({
        pool: 'worker',
        pinned: { machineConfig: 'os-layer-custom', image: IMAGE },
        drift: {
          status: 'behind',
          minorVersionsBehind: 0,
          releasesBehind: 2,
          ageDays: 40,
          reason: 'Built from the RHCOS of 4.18.17; the cluster runs 4.18.24.',
        },
      }),
    ).toEqual({
      field: 'pool',
      severity: 'warning',
      message: `Pool worker is pinned by MachineConfig os-layer-custom to ${IMAGE}: the on-cluster build starts FROM that image, not from the release's RHCOS, and so do the rebuilds after each cluster update until the pin is removed. The pinned image is 2 releases behind the cluster's release: Built from the RHCOS of 4.18.17; the cluster runs 4.18.24.`,
    });
  });

  it('says when the pin is inherited from worker, and when the drift is unknown', () => {
    const { message } = pinnedBaseIssue({
      pool: 'infra',
      pinned: { machineConfig: 'os-layer-custom', image: IMAGE, inherited: true },
    });
    expect(message).toContain('pinned by MachineConfig os-layer-custom, inherited from worker, to');
    expect(message).toContain("The pinned image's drift is not known.");
    expect(
      pinnedBaseIssue({
        pool: 'infra',
        pinned: { image: IMAGE },
        drift: { status: 'behind', minorVersionsBehind: 2, releasesBehind: null, ageDays: null, reason: 'r' },
      }).message,
    ).toContain("by a MachineConfig to");
  });
});
