import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { inSyncPool, pausedPool } from '../../__fixtures__/pools';
import { PoolSummary } from './PoolSummary';

describe('PoolSummary: drift of what runs and of the target', () => {
  it("shows the target's drift on its own line when it differs from what the nodes run", async () => {
    const pool = {
      ...pausedPool,
      drift: {
        status: 'behind' as const,
        minorVersionsBehind: 2,
        releasesBehind: 2,
        ageDays: 21,
        matchedRelease: '4.16.45',
        reason:
          "Paused since 2025-07-30T18:00:40Z: 0 of 1 updated; 1 of 1 nodes still boot 4.16.45's RHCOS (416.94.202507011200-0), 2 minor versions and 2 releases behind 4.18.21.",
        target: {
          status: 'in-sync' as const,
          minorVersionsBehind: 0,
          releasesBehind: 0,
          ageDays: 0,
          matchedRelease: '4.18.21',
          reason: "On 4.18.21's default rhel-coreos image.",
        },
      },
    };
    await renderInTestApp(<PoolSummary pool={pool} />);
    expect(await screen.findByText(/^Paused since 2025-07-30T18:00:40Z/)).toBeInTheDocument();
    expect(
      screen.getByText("Once rolled out: in sync. On 4.18.21's default rhel-coreos image."),
    ).toBeInTheDocument();
  });

  it('shows no target line when the target says the same, or an older backend sends none', async () => {
    const same = { ...inSyncPool, drift: { ...inSyncPool.drift, target: { ...inSyncPool.drift } } };
    await renderInTestApp(<PoolSummary pool={same} />);
    expect(await screen.findByText(inSyncPool.drift.reason)).toBeInTheDocument();
    expect(screen.queryByText(/^Once rolled out/)).not.toBeInTheDocument();
  });
});
