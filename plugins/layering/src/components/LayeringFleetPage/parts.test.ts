import { visibleRange } from './VirtualRows';
import { trendSeries } from './DriftTrendChart';
import { fleetQueryFromParams } from './FleetPoolsView';

describe('visibleRange', () => {
  it('keeps the rows in view plus the overscan, within the list', () => {
    const base = { height: 520, rowHeight: 52, rowCount: 10_000, overscan: 6 };
    expect(visibleRange({ ...base, scrollTop: 0 })).toEqual({ start: 0, end: 16 });
    expect(visibleRange({ ...base, scrollTop: 52 * 5000 + 10 })).toEqual({ start: 4994, end: 5017 });
    expect(visibleRange({ ...base, scrollTop: 52 * 9995 })).toEqual({ start: 9989, end: 10_000 });
    expect(visibleRange({ ...base, rowCount: 3, scrollTop: 0 })).toEqual({ start: 0, end: 3 });
  });
});

describe('trendSeries', () => {
  const c = (behind: number, inSync: number) => ({
    behind,
    'in-sync': inSync,
    ahead: 0,
    unknown: 0,
    unreachable: 0,
  });

  it('adds up each cluster’s latest counts at every sample time, and ends at now', () => {
    const points = trendSeries(
      [
        { cluster: 'b', at: '2026-12-02T00:00:00.000Z', counts: c(1, 1) },
        { cluster: 'a', at: '2026-12-01T00:00:00.000Z', counts: c(2, 0) },
        { cluster: 'a', at: '2026-12-03T00:00:00.000Z', counts: c(0, 2) },
      ],
      Date.parse('2026-12-04T00:00:00.000Z'),
    );
    expect(points.map(p => [new Date(p.at).toISOString().slice(0, 10), p.counts.behind, p.counts['in-sync']])).toEqual([
      ['2026-12-01', 2, 0],
      ['2026-12-02', 3, 1],
      ['2026-12-03', 1, 3],
      ['2026-12-04', 1, 3],
    ]);
    expect(trendSeries([], Date.now())).toEqual([]);
  });
});

describe('fleetQueryFromParams', () => {
  it('reads the filters of the URL and ignores unknown values', () => {
    expect(
      fleetQueryFromParams(new URLSearchParams('drift=behind&cluster=a&mode=on-cluster&q=%20wor%20&sort=name')),
    ).toEqual({ drift: 'behind', cluster: 'a', mode: 'on-cluster', q: 'wor', sort: 'name' });
    expect(fleetQueryFromParams(new URLSearchParams('drift=sideways&mode=x&sort=age'))).toEqual({
      drift: undefined,
      cluster: undefined,
      mode: undefined,
      q: undefined,
      sort: 'behind',
    });
  });
});
