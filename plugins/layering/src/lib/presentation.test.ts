import {
  behindScore,
  displayDriftStatus,
  driftLabel,
  formatDuration,
  shortDigest,
  splitImageReference,
} from './presentation';
import {
  behindMinorsPool,
  behindReleasesPool,
  inSyncPool,
  unknownPool,
  unreachablePool,
} from '../__fixtures__/pools';

describe('drift presentation', () => {
  it('labels each drift', () => {
    expect(driftLabel(inSyncPool)).toBe('In sync');
    expect(driftLabel(behindMinorsPool)).toBe('1 minor behind');
    expect(
      driftLabel({
        ...behindMinorsPool,
        drift: { ...behindMinorsPool.drift, minorVersionsBehind: 2 },
      }),
    ).toBe('2 minors behind');
    expect(driftLabel(behindReleasesPool)).toBe('1 release behind');
    expect(
      driftLabel({
        ...behindReleasesPool,
        drift: {
          ...behindReleasesPool.drift,
          releasesBehind: null,
          ageDays: 12,
        },
      }),
    ).toBe('12 days behind');
    expect(driftLabel(unknownPool)).toBe('Unknown');
    expect(
      driftLabel({
        ...inSyncPool,
        drift: { ...inSyncPool.drift, status: 'ahead' },
      }),
    ).toBe('Ahead of release');
  });

  it('never shows stale data or a down cluster as in sync', () => {
    expect(displayDriftStatus(unreachablePool)).toBe('unreachable');
    expect(driftLabel(unreachablePool)).toBe('Cluster unreachable');
    expect(displayDriftStatus(inSyncPool, 'unauthorized')).toBe('unreachable');
    expect(driftLabel(inSyncPool, 'unauthorized')).toBe('Cluster unauthorized');
    expect(displayDriftStatus(inSyncPool, 'syncing')).toBe('in-sync');
  });

  it('scores minors above releases above days, and unknowns last', () => {
    const scores = [
      behindMinorsPool,
      behindReleasesPool,
      inSyncPool,
      unknownPool,
    ].map(p => behindScore(p));
    expect(scores[0]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    expect(scores[2]).toBeGreaterThan(scores[3]);
    expect(behindScore(unreachablePool)).toBeLessThan(0);
  });
});

describe('image references', () => {
  const ref =
    'registry.example.com/os/img@sha256:b8ef41d2c7a95e3f0b6d8a1c4e7f2a9b5d3c6e8f1a4b7d0c2e5f8a1b4d7c0e3f';

  it('shortens a digest to 12 hex digits', () => {
    expect(shortDigest(ref)).toBe('sha256:b8ef41d2c7a9');
    expect(splitImageReference(ref).repository).toBe(
      'registry.example.com/os/img',
    );
  });

  it('keeps the last path segment of a tag reference', () => {
    expect(shortDigest('quay.io/org/img:4.18')).toBe('img:4.18');
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration('2025-01-01T00:00:00Z', '2025-01-01T00:00:42Z')).toBe(
      '42s',
    );
    expect(formatDuration('2025-01-01T00:00:00Z', '2025-01-01T00:07:30Z')).toBe(
      '7m 30s',
    );
    expect(formatDuration('2025-01-01T00:00:00Z', '2025-01-01T01:02:00Z')).toBe(
      '1h 2m',
    );
  });

  it('measures a running build up to now, and gives up on bad input', () => {
    expect(
      formatDuration(
        '2025-01-01T00:00:00Z',
        null,
        new Date('2025-01-01T00:01:05Z'),
      ),
    ).toBe('1m 5s');
    expect(formatDuration(null, null)).toBe('—');
    expect(formatDuration('2025-01-01T00:01:00Z', '2025-01-01T00:00:00Z')).toBe(
      '—',
    );
  });
});
