import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import {
  Alert,
  Cell,
  CellText,
  Container,
  Flex,
  Select,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type { Key } from 'react';
import { layeringApiRef } from '../../api';
import { FLEET_CHANNEL, useLiveData } from '../../hooks/useLiveData';
import {
  buildTone,
  driftTone,
  isClusterDown,
  layeringModeLabel,
} from '../../lib/presentation';
import { DriftBadge } from '../DriftBadge';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { StatusBadge } from '../StatusBadge';
import { PoolName } from '../PoolName';
import { poolKey, usePoolEntities } from '../../hooks/usePoolEntities';
import {
  DRIFT_FILTERS,
  filterAndSort,
  fleetRows,
  type FleetRow,
  type FleetSort,
} from './fleet';

const ALL = 'all';

function fleetColumns(
  poolEntities: Map<string, CompoundEntityRef>,
): ColumnConfig<FleetRow>[] {
  return [
    {
      id: 'cluster',
      label: 'Cluster',
      cell: row => (
        <CellText
          title={row.cluster}
          description={row.clusterView?.release.version ?? undefined}
        />
      ),
    },
    {
      id: 'pool',
      label: 'Pool',
      isRowHeader: true,
      cell: row =>
        row.pool ? (
          <Cell>
            <PoolName
              name={row.pool.name}
              entityRef={poolEntities.get(poolKey(row.cluster, row.pool.name))}
            />
          </Cell>
        ) : (
          <CellText title="—" description="No pool data" />
        ),
    },
    {
      id: 'drift',
      label: 'Drift',
      cell: row => (
        <Cell>
          {row.pool ? (
            <DriftBadge
              pool={row.pool}
              clusterStatus={row.clusterView?.status}
            />
          ) : (
            <StatusBadge
              tone={driftTone('unreachable')}
              label={`Cluster ${row.clusterView?.status ?? 'unreachable'}`}
            />
          )}
        </Cell>
      ),
    },
    {
      id: 'base',
      label: 'Pool base / release RHCOS',
      cell: row => (
        <CellText
          title={row.pool?.image.baseRhcosVersion ?? 'unknown'}
          description={
            row.pool?.release.rhcosVersion ??
            row.clusterView?.release.rhcosVersion ??
            undefined
          }
        />
      ),
    },
    {
      id: 'layering',
      label: 'Layering',
      cell: row => (
        <CellText
          title={row.pool ? layeringModeLabel(row.pool.layering.mode) : '—'}
          description={row.pool?.layering.source ?? undefined}
        />
      ),
    },
    {
      id: 'rollout',
      label: 'Rollout',
      cell: row => {
        const pool = row.pool;
        if (!pool) {
          return <CellText title="—" />;
        }
        return (
          <Cell>
            <Flex align="center" gap="1">
              <Text as="span" variant="body-small">
                {pool.rollout.updated}/{pool.rollout.total}
              </Text>
              {pool.paused && <StatusBadge tone="warning" label="Paused" />}
              {pool.degradedMachineCount > 0 && (
                <StatusBadge
                  tone="danger"
                  label={`${pool.degradedMachineCount} degraded`}
                />
              )}
              {pool.build && pool.build.state !== 'Succeeded' && (
                <StatusBadge
                  tone={buildTone(pool.build.state)}
                  label={`Build ${pool.build.state.toLocaleLowerCase('en-US')}`}
                />
              )}
            </Flex>
          </Cell>
        );
      },
    },
  ];
}

function single(key: Key | null): string {
  return key === null ? ALL : String(key);
}

/**
 * Every pool of every cluster with its drift, filterable by drift status and
 * cluster and sorted by how far behind. Filters live in the URL so that a
 * filtered view can be shared.
 *
 * @public
 */
export function LayeringFleetPage() {
  const api = useApi(layeringApiRef);
  const poolEntities = usePoolEntities();
  const [params, setParams] = useAppSearchParams();
  const drift = params.get('drift');
  const cluster = params.get('cluster');
  const sort: FleetSort = params.get('sort') === 'name' ? 'name' : 'behind';

  const data = useLiveData(
    async () => {
      const [pools, clusters] = await Promise.all([
        api.getFleet(),
        api.getClusters(),
      ]);
      return { pools, clusters };
    },
    FLEET_CHANNEL,
    [api],
  );

  const update = (name: string, value: string) =>
    setParams(
      previous => {
        const next = new URLSearchParams(previous);
        if (value === ALL || value === '') {
          next.delete(name);
        } else {
          next.set(name, value);
        }
        return next;
      },
      { replace: true },
    );

  let body;
  if (data.loading) {
    body = <Progress />;
  } else if (data.error) {
    body = <LoadError error={data.error} />;
  } else if (data.value) {
    const { pools, clusters } = data.value;
    const rows = filterAndSort(fleetRows(pools, clusters), {
      drift,
      cluster,
      sort,
    });
    const down = clusters.filter(c => isClusterDown(c.status));
    body = (
      <Flex direction="column" gap="4">
        <RefreshError error={data.refreshError} />
        {down.map(c => (
          <Alert
            key={c.name}
            role="alert"
            status="danger"
            icon
            title={`Cluster ${c.name} is ${c.status}`}
            description={`${
              c.error ? `${c.error}. ` : ''
            }Its pools are shown as unreachable until the cluster answers again.`}
          />
        ))}
        <Flex gap="3" align="end">
          <Select
            label="Drift"
            options={[
              { id: ALL, label: 'All' },
              ...DRIFT_FILTERS.map(f => ({ id: f.id, label: f.label })),
            ]}
            selectedKey={drift ?? ALL}
            onSelectionChange={key => update('drift', single(key))}
          />
          <Select
            label="Cluster"
            options={[
              { id: ALL, label: 'All clusters' },
              ...clusters
                .map(c => c.name)
                .sort()
                .map(name => ({ id: name, label: name })),
            ]}
            selectedKey={cluster ?? ALL}
            onSelectionChange={key => update('cluster', single(key))}
          />
          <Select
            label="Sort"
            options={[
              { id: 'behind', label: 'Most behind first' },
              { id: 'name', label: 'Cluster and pool name' },
            ]}
            selectedKey={sort}
            onSelectionChange={key => update('sort', single(key))}
          />
        </Flex>
        <Text as="p" variant="body-small" color="secondary">
          {rows.length} of {pools.length} pools
          {drift
            ? ` · ${DRIFT_FILTERS.find(f => f.id === drift)?.label ?? drift}`
            : ''}
        </Text>
        <Table
          columnConfig={fleetColumns(poolEntities)}
          data={rows}
          pagination={{ type: 'none' }}
          emptyState={<Text as="p">No pool matches these filters.</Text>}
        />
      </Flex>
    );
  }

  return <Container>{body}</Container>;
}
