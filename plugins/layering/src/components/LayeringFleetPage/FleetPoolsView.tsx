import { Flex, Text } from '@backstage/ui';
import {
  LAYERING_FLEET_STATUSES,
  type ClusterView,
  type LayeringFleetSort,
  type LayeringFleetStatus,
  type LayeringMode,
} from '@rhcos-layering/plugin-layering-common';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Progress } from '@backstage/core-components';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { DriftTrendChart } from './DriftTrendChart';
import { ALL, FLEET_MODES, FleetFilters } from './FleetFilters';
import { FLEET_STATUS_LABELS, FleetSummary } from './FleetSummary';
import { FleetTable } from './FleetTable';
import { usePagePoolEntities } from './usePagePoolEntities';
import { useFleetPages, type FleetQuery } from './useFleetPages';
import { useFleetParams } from './useFleetParams';

export { SEARCH_DEBOUNCE_MS } from './FleetFilters';

/** The listing's filters, read from the URL (unknown values are ignored). */
export function fleetQueryFromParams(params: URLSearchParams): FleetQuery {
  const drift = params.get('drift');
  const mode = params.get('mode');
  const q = params.get('q')?.trim();
  const sort: LayeringFleetSort = params.get('sort') === 'name' ? 'name' : 'behind';
  return {
    drift: LAYERING_FLEET_STATUSES.includes(drift as LayeringFleetStatus)
      ? (drift as LayeringFleetStatus)
      : undefined,
    cluster: params.get('cluster') || undefined,
    mode: FLEET_MODES.includes(mode as LayeringMode) ? (mode as LayeringMode) : undefined,
    q: q ? q.slice(0, 100) : undefined,
    sort,
  };
}

/** Props of {@link FleetPoolsView}. */
export interface FleetPoolsViewProps {
  clusters: ClusterView[];
}

/**
 * Every pool of the fleet, filtered, sorted and paged by the backend: filters in the URL (so a
 * filtered view can be shared), a summary per status and cluster, the drift trend, and a table
 * that renders only the rows in view.
 */
export function FleetPoolsView(props: FleetPoolsViewProps) {
  const { clusters } = props;
  // Filters apply at once; the URL (and the app around the page) follows in a transition.
  // The listing is asked for from the handler of the filter itself, before React renders it.
  const prefetch = useRef<(next: FleetQuery) => void>(() => undefined);
  const [params, setParam, settle] = useFleetParams(
    useCallback((next: URLSearchParams) => prefetch.current(fleetQueryFromParams(next)), []),
  );
  const query = fleetQueryFromParams(params);
  const pages = useFleetPages(query);
  prefetch.current = pages.prefetch;
  // The URL follows the filters once their answer is on screen: after the next frame is painted,
  // so the app's render for the URL never holds the answer back.
  useEffect(() => {
    if (pages.loading) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(settle, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [pages.loading, pages.shown, settle]);
  // Catalog entities of the loaded pools only, looked up once their rows are shown.
  const poolEntities = usePagePoolEntities(pages.items);
  const statusOf = useMemo(() => new Map(clusters.map(c => [c.name, c.status])), [clusters]);
  const clusterStatus = useCallback((name: string) => statusOf.get(name), [statusOf]);

  const update = useCallback(
    (name: string, value: string | undefined) => setParam(name, value === ALL ? undefined : value),
    [setParam],
  );
  const onDrift = useCallback((status?: string) => update('drift', status), [update]);
  const onCluster = useCallback((name?: string) => update('cluster', name), [update]);

  const clusterNames = useMemo(() => clusters.map(c => c.name).sort(), [clusters]);
  const drift = query.drift as string | undefined;
  const cluster = query.cluster as string | undefined;

  return (
    <Flex direction="column" gap="4">
      {pages.summary && (
        <FleetSummary
          summary={pages.summary}
          drift={drift}
          cluster={cluster}
          onDrift={onDrift}
          onCluster={onCluster}
        />
      )}
      <DriftTrendChart cluster={cluster} />
      <FleetFilters
        q={query.q}
        drift={drift}
        cluster={cluster}
        mode={query.mode as string | undefined}
        sort={query.sort ?? 'behind'}
        clusterNames={clusterNames}
        onChange={update}
      />
      <RefreshError error={pages.refreshError} />
      {pages.error && <LoadError error={pages.error} />}
      {pages.loading && <Progress />}
      {pages.shown && !pages.error && (
        // While another filter loads, the previous answer stays in place, marked busy (the bar
        // above shows it): the rows are then updated, not torn down and built again. Not dimmed:
        // that repaints the whole table twice per filter, on the way to the answer's frame.
        <div aria-busy={pages.loading}>
          <Text as="p" variant="body-small" color="secondary" aria-live="polite">
            {`${pages.total.toLocaleString('en-US')} of ${(
              pages.summary?.total ?? 0
            ).toLocaleString('en-US')} pools`}
            {pages.shown.drift ? ` · ${FLEET_STATUS_LABELS[pages.shown.drift as LayeringFleetStatus]}` : ''}
          </Text>
          {pages.total === 0 ? (
            <Text as="p">No pool matches these filters.</Text>
          ) : (
            <FleetTable
              pools={pages.items}
              total={pages.total}
              clusterStatus={clusterStatus}
              poolEntities={poolEntities}
              onNeedMore={pages.loadMore}
            />
          )}
        </div>
      )}
    </Flex>
  );
}
