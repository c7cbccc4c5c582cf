import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { Flex, SearchField, Select, Text } from '@backstage/ui';
import {
  LAYERING_FLEET_STATUSES,
  type ClusterView,
  type LayeringFleetSort,
  type LayeringFleetStatus,
  type LayeringMode,
} from '@rhcos-layering/plugin-layering-common';
import { useCallback, useEffect, useMemo, useState, type Key } from 'react';
import { Progress } from '@backstage/core-components';
import { usePoolEntities } from '../../hooks/usePoolEntities';
import { layeringModeLabel } from '../../lib/presentation';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { DriftTrendChart } from './DriftTrendChart';
import { FLEET_STATUS_LABELS, FleetSummary } from './FleetSummary';
import { FleetTable } from './FleetTable';
import { useFleetPages, type FleetQuery } from './useFleetPages';

const ALL = 'all';
/** Typing in the search box asks the server once the user pauses this long. */
export const SEARCH_DEBOUNCE_MS = 250;
const MODES: LayeringMode[] = ['on-cluster', 'out-of-cluster', 'none'];

function single(key: Key | null): string {
  return key === null ? ALL : String(key);
}

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
    mode: MODES.includes(mode as LayeringMode) ? (mode as LayeringMode) : undefined,
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
  const [params, setParams] = useAppSearchParams();
  const query = fleetQueryFromParams(params);
  const pages = useFleetPages(query);
  const poolEntities = usePoolEntities();
  const statusOf = useMemo(() => new Map(clusters.map(c => [c.name, c.status])), [clusters]);
  const clusterStatus = useCallback((name: string) => statusOf.get(name), [statusOf]);

  const update = useCallback(
    (name: string, value: string | undefined) =>
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          if (value === undefined || value === ALL || value === '') {
            next.delete(name);
          } else {
            next.set(name, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  // The search box answers as the user types; the server is asked once typing pauses.
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => {
    if ((query.q ?? '') === text.trim()) return undefined;
    const timer = setTimeout(() => update('q', text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, query.q, update]);

  const clusterNames = useMemo(() => clusters.map(c => c.name).sort(), [clusters]);

  return (
    <Flex direction="column" gap="4">
      {pages.summary && (
        <FleetSummary
          summary={pages.summary}
          drift={query.drift as string | undefined}
          cluster={query.cluster as string | undefined}
          onDrift={status => update('drift', status)}
          onCluster={name => update('cluster', name)}
        />
      )}
      <DriftTrendChart cluster={query.cluster as string | undefined} />
      <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
        <SearchField
          label="Search"
          placeholder="cluster/pool"
          value={text}
          onChange={setText}
          aria-label="Search pools"
        />
        <Select
          label="Drift"
          options={[
            { id: ALL, label: 'All' },
            ...LAYERING_FLEET_STATUSES.map(s => ({ id: s, label: FLEET_STATUS_LABELS[s] })),
          ]}
          selectedKey={(query.drift as string | undefined) ?? ALL}
          onSelectionChange={key => update('drift', single(key))}
        />
        <Select
          label="Cluster"
          options={[
            { id: ALL, label: 'All clusters' },
            ...clusterNames.map(name => ({ id: name, label: name })),
          ]}
          selectedKey={(query.cluster as string | undefined) ?? ALL}
          onSelectionChange={key => update('cluster', single(key))}
        />
        <Select
          label="Layering"
          options={[
            { id: ALL, label: 'Any' },
            ...MODES.map(m => ({ id: m, label: layeringModeLabel(m) })),
          ]}
          selectedKey={(query.mode as string | undefined) ?? ALL}
          onSelectionChange={key => update('mode', single(key))}
        />
        <Select
          label="Sort"
          options={[
            { id: 'behind', label: 'Most behind first' },
            { id: 'name', label: 'Cluster and pool name' },
          ]}
          selectedKey={query.sort}
          onSelectionChange={key => update('sort', single(key))}
        />
      </Flex>
      <RefreshError error={pages.refreshError} />
      {pages.error && <LoadError error={pages.error} />}
      {pages.loading && <Progress />}
      {!pages.loading && !pages.error && (
        <>
          <Text as="p" variant="body-small" color="secondary" aria-live="polite">
            {`${pages.total.toLocaleString('en-US')} of ${(
              pages.summary?.total ?? 0
            ).toLocaleString('en-US')} pools`}
            {query.drift ? ` · ${FLEET_STATUS_LABELS[query.drift as LayeringFleetStatus]}` : ''}
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
        </>
      )}
    </Flex>
  );
}
