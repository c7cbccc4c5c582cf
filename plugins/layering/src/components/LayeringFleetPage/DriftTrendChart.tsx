import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import {
  emptyFleetStatusCounts,
  type LayeringFleetStatusCounts,
  type LayeringTrendSample,
} from '@rhcos-layering/plugin-layering-common';
import { memo, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';

/** Days of history the chart shows. */
export const TREND_DAYS = 30;

/** One point of the fleet's trend: the counts that held from `at` on. */
export interface TrendPoint {
  at: number;
  counts: LayeringFleetStatusCounts;
}

/**
 * Adds the clusters' samples up into one step series: at each sample time, the sum over clusters
 * of each cluster's latest counts so far. A last point at `now` carries the current counts.
 */
export function trendSeries(samples: LayeringTrendSample[], now: number): TrendPoint[] {
  const sorted = [...samples].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const latest = new Map<string, LayeringFleetStatusCounts>();
  const points: TrendPoint[] = [];
  for (const sample of sorted) {
    latest.set(sample.cluster, sample.counts);
    const counts = emptyFleetStatusCounts();
    for (const c of latest.values()) {
      for (const status of Object.keys(counts) as Array<keyof LayeringFleetStatusCounts>) {
        counts[status] += c[status] ?? 0;
      }
    }
    const at = Date.parse(sample.at);
    if (points.length && points[points.length - 1].at === at) {
      points[points.length - 1].counts = counts;
    } else {
      points.push({ at, counts });
    }
  }
  if (points.length) {
    points.push({ at: Math.max(now, points[points.length - 1].at), counts: points[points.length - 1].counts });
  }
  return points;
}

const WIDTH = 640;
const HEIGHT = 120;
const SERIES: Array<{ label: string; colour: string; value: (c: LayeringFleetStatusCounts) => number }> = [
  { label: 'Behind', colour: 'var(--bui-fg-negative, #c9190b)', value: c => c.behind },
  {
    label: 'Unknown or unreachable',
    colour: 'var(--bui-fg-secondary, #6a6e73)',
    value: c => c.unknown + c.unreachable,
  },
  { label: 'In sync or ahead', colour: 'var(--bui-fg-positive, #3e8635)', value: c => c['in-sync'] + c.ahead },
];

/** An SVG step line per series over the window. */
export function TrendSvg(props: { points: TrendPoint[]; since: number; now: number }) {
  const { points, since, now } = props;
  const max = Math.max(1, ...points.map(p => Math.max(...SERIES.map(s => s.value(p.counts)))));
  const x = (t: number) => ((Math.max(t, since) - since) / Math.max(now - since, 1)) * WIDTH;
  const y = (v: number) => HEIGHT - (v / max) * (HEIGHT - 8) - 4;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      height={HEIGHT}
      preserveAspectRatio="none"
      role="img"
      aria-label="Pools per drift status over time"
    >
      <line x1={0} y1={HEIGHT - 4} x2={WIDTH} y2={HEIGHT - 4} stroke="currentColor" strokeOpacity={0.2} />
      {SERIES.map(series => {
        let d = '';
        points.forEach((p, i) => {
          const px = x(p.at).toFixed(1);
          const py = y(series.value(p.counts)).toFixed(1);
          d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
        });
        return (
          <path
            key={series.label}
            d={d}
            fill="none"
            stroke={series.colour}
            strokeWidth={2}
            vectorEffect="non-scaling-stroke"
            data-series={series.label}
          />
        );
      })}
    </svg>
  );
}

/** Props of {@link DriftTrendChart}. */
export interface DriftTrendChartProps {
  /** Only this cluster; the whole fleet when omitted. */
  cluster?: string;
}

/** How many pools were behind, unknown and in sync over the last 30 days (backend samples). */
export const DriftTrendChart = memo(function DriftTrendChartView(props: DriftTrendChartProps) {
  const { cluster } = props;
  const api = useApi(layeringApiRef);
  const trend = useAsync(
    () => api.getTrend({ cluster, days: TREND_DAYS }),
    [api, cluster],
  );
  // The series is added up once per answer, not on every render of the page.
  const series = useMemo(
    () => (trend.value ? { now: Date.now(), points: trendSeries(trend.value.samples, Date.now()) } : undefined),
    [trend.value],
  );
  if (trend.loading) {
    return null;
  }
  if (trend.error || !trend.value || !series) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        The drift trend could not be loaded{trend.error ? `: ${trend.error.message}` : ''}.
      </Text>
    );
  }
  const since = Date.parse(trend.value.since);
  const { now, points } = series;
  if (points.length === 0) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        No drift trend yet: the backend records the counts as they change.
      </Text>
    );
  }
  const first = points[0].counts;
  const last = points[points.length - 1].counts;
  return (
    <Flex direction="column" gap="1" role="figure" aria-label="Drift trend">
      <Flex gap="3" style={{ flexWrap: 'wrap' }}>
        <Text as="span" variant="body-small" weight="bold">
          Drift over {TREND_DAYS} days{cluster ? ` · ${cluster}` : ''}
        </Text>
        {SERIES.map(s => (
          <Text as="span" variant="body-small" key={s.label} style={{ color: s.colour }}>
            {`${s.label}: ${s.value(first)} → ${s.value(last)}`}
          </Text>
        ))}
      </Flex>
      <TrendSvg points={points} since={since} now={now} />
    </Flex>
  );
});
