import { rebaseDue } from './rebase';
import type { PoolView } from './types';

const behind = {
  status: 'behind' as const,
  minorVersionsBehind: 0,
  releasesBehind: 2,
  ageDays: 40,
  matchedRelease: '4.18.17',
  reason: 'Built from the RHCOS of 4.18.17.',
};
const pinned: Pick<PoolView, 'name' | 'layering' | 'drift'> = {
  name: 'worker',
  layering: { mode: 'out-of-cluster', source: 'os-layer-custom', image: 'x' },
  drift: { ...behind, target: behind },
};
const entry = (version: string, state = 'Completed') => ({
  version,
  state,
  image: null,
  rhcosVersion: null,
});

describe('rebaseDue', () => {
  it('is due once a newer release than the pinned base has completed', () => {
    expect(rebaseDue(pinned, [entry('4.18.24'), entry('4.18.21')])).toEqual({
      release: '4.18.24',
      base: '4.18.17',
      reason:
        "The cluster completed its update to 4.18.24; pool worker's image is still built FROM the RHCOS of 4.18.17.",
    });
    // Across a minor too (numeric, not string order).
    expect(rebaseDue(pinned, [entry('4.19.2')])?.release).toBe('4.19.2');
  });

  it('waits while the update is partial, and for a base as new as the release', () => {
    expect(rebaseDue(pinned, [entry('4.18.24', 'Partial'), entry('4.18.21')])).toBeNull();
    expect(rebaseDue(pinned, [entry('4.18.17')])).toBeNull();
    expect(rebaseDue(pinned, [])).toBeNull();
  });

  it('concerns only pools pinned out of the cluster', () => {
    for (const mode of ['on-cluster', 'none'] as const) {
      expect(
        rebaseDue({ ...pinned, layering: { mode } }, [entry('4.18.24')]),
      ).toBeNull();
    }
  });

  it('falls back on the target drift when the base release is unknown', () => {
    const unknownBase = { ...behind, matchedRelease: null };
    expect(
      rebaseDue({ ...pinned, drift: { ...unknownBase, target: unknownBase } }, [entry('4.18.24')]),
    ).toMatchObject({ release: '4.18.24', base: null });
    const inSync = { ...unknownBase, status: 'in-sync' as const };
    expect(
      rebaseDue({ ...pinned, drift: { ...inSync, target: inSync } }, [entry('4.18.24')]),
    ).toBeNull();
  });
});
