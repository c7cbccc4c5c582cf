import type { CompoundEntityRef } from '@backstage/catalog-model';
import { Flex, Text } from '@backstage/ui';
import type { ClusterStatus, PoolView } from '@rhcos-layering/plugin-layering-common';
import { memo, useCallback, type CSSProperties, type ReactNode } from 'react';
import { buildTone, layeringModeLabel } from '../../lib/presentation';
import { poolKey } from '../../hooks/usePoolEntities';
import { DriftBadge } from '../DriftBadge';
import { PoolName } from '../PoolName';
import { StatusBadge } from '../StatusBadge';
import { VirtualRows } from './VirtualRows';

/** Height of one table row, in pixels. */
export const ROW_HEIGHT = 52;
/** Height of the table's scrolling area, in pixels (about eleven rows). */
export const TABLE_HEIGHT = 572;

const COLUMNS = ['Cluster', 'Pool', 'Drift', 'Pool base / release RHCOS', 'Layering', 'Rollout'];
const TEMPLATE = 'minmax(8rem,1.1fr) minmax(8rem,1.2fr) minmax(9rem,1.3fr) minmax(12rem,1.7fr) minmax(9rem,1.2fr) minmax(9rem,1.3fr)';

const cellStyle: CSSProperties = {
  padding: '0 0.75rem',
  overflow: 'hidden',
  whiteSpace: 'nowrap',
  textOverflow: 'ellipsis',
};

function Cell(props: { children: ReactNode; header?: boolean }) {
  return (
    <div role={props.header ? 'rowheader' : 'gridcell'} style={cellStyle}>
      {props.children}
    </div>
  );
}

function TwoLines(props: { title: string; description?: string | null }) {
  return (
    <Flex direction="column" gap="0">
      <Text as="span" variant="body-medium" truncate>
        {props.title}
      </Text>
      {props.description ? (
        <Text as="span" variant="body-small" color="secondary" truncate>
          {props.description}
        </Text>
      ) : null}
    </Flex>
  );
}

function Rollout(props: { pool: PoolView }) {
  const { pool } = props;
  return (
    <Flex align="center" gap="1">
      <Text as="span" variant="body-small">
        {pool.rollout.updated}/{pool.rollout.total}
      </Text>
      {pool.paused && <StatusBadge tone="warning" label="Paused" />}
      {pool.degradedMachineCount > 0 && (
        <StatusBadge tone="danger" label={`${pool.degradedMachineCount} degraded`} />
      )}
      {pool.build && pool.build.state !== 'Succeeded' && (
        <StatusBadge
          tone={buildTone(pool.build.state)}
          label={`Build ${pool.build.state.toLocaleLowerCase('en-US')}`}
        />
      )}
    </Flex>
  );
}

/** One pool's cells. */
const FleetRow = memo(function FleetRowView(props: {
  pool: PoolView;
  clusterStatus: ClusterStatus | undefined;
  entityRef: CompoundEntityRef | undefined;
}) {
  const { pool, clusterStatus: status, entityRef } = props;
  return (
    <>
      <Cell>
        <TwoLines title={pool.cluster} description={pool.release.version} />
      </Cell>
      <Cell header>
        <PoolName name={pool.name} entityRef={entityRef} />
      </Cell>
      <Cell>
        <DriftBadge pool={pool} clusterStatus={status} />
      </Cell>
      <Cell>
        <TwoLines
          title={pool.image.baseRhcosVersion ?? 'unknown'}
          description={pool.release.rhcosVersion}
        />
      </Cell>
      <Cell>
        <TwoLines title={layeringModeLabel(pool.layering.mode)} description={pool.layering.source} />
      </Cell>
      <Cell>
        <Rollout pool={pool} />
      </Cell>
    </>
  );
});

/** Props of {@link FleetTable}. */
export interface FleetTableProps {
  pools: PoolView[];
  /** Pools matching the filters, loaded or not. */
  total: number;
  clusterStatus: (cluster: string) => ClusterStatus | undefined;
  poolEntities: Map<string, CompoundEntityRef>;
  onNeedMore: () => void;
}

/**
 * The fleet's pools as a grid of which only the rows in view are rendered; the rows further down
 * are loaded from the backend as they come into view.
 */
export function FleetTable(props: FleetTableProps) {
  const { pools, total, clusterStatus, poolEntities, onNeedMore } = props;
  const header = (
    <div
      role="row"
      aria-rowindex={1}
      style={{
        display: 'grid',
        gridTemplateColumns: TEMPLATE,
        padding: '0.5rem 0',
        borderBottom: '1px solid var(--bui-border, rgba(0,0,0,0.2))',
      }}
    >
      {COLUMNS.map(label => (
        <div key={label} role="columnheader" style={cellStyle}>
          <Text as="span" variant="body-small" weight="bold">
            {label}
          </Text>
        </div>
      ))}
    </div>
  );

  // A row renders again only when its pool, its cluster's status or its entity changes: the
  // rows already shown are skipped when the user scrolls or the next page arrives.
  const renderRow = useCallback(
    (index: number) => {
      const pool = pools[index];
      return (
        <FleetRow
          pool={pool}
          clusterStatus={clusterStatus(pool.cluster)}
          entityRef={poolEntities.get(poolKey(pool.cluster, pool.name))}
        />
      );
    },
    [pools, clusterStatus, poolEntities],
  );

  const renderPlaceholder = () => (
    <Cell>
      <Text as="span" variant="body-small" color="secondary">
        Loading…
      </Text>
    </Cell>
  );

  return (
    <div style={{ '--fleet-columns': TEMPLATE, overflowX: 'auto' } as CSSProperties}>
      <div style={{ minWidth: '60rem' }}>
        <VirtualRows
          label="Pools of the fleet"
          columnCount={COLUMNS.length}
          rowCount={total}
          loadedCount={Math.min(pools.length, total)}
          rowHeight={ROW_HEIGHT}
          height={Math.min(TABLE_HEIGHT, Math.max(total, 1) * ROW_HEIGHT)}
          renderRow={renderRow}
          renderPlaceholder={renderPlaceholder}
          onNeedMore={onNeedMore}
          header={header}
        />
      </div>
    </div>
  );
}
