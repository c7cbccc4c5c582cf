import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type {
  BuildView,
  LayeringRequestRecord,
  NodeView,
  PoolCondition,
} from '@rhcos-layering/plugin-layering-common';
import {
  buildTone,
  formatDuration,
  formatTime,
  shortDigest,
  type Tone,
} from '../../lib/presentation';
import { StatusBadge } from '../StatusBadge';

type NodeRow = NodeView & { id: string };

function nodeStateTone(state: string | null) {
  switch (state) {
    case 'Done':
      return 'success' as const;
    case 'Degraded':
    case 'Unreconcilable':
      return 'danger' as const;
    case 'Working':
      return 'info' as const;
    default:
      return 'neutral' as const;
  }
}

function configAndImage(config: string | null, image: string | null) {
  return (
    <CellText
      title={config ?? '—'}
      description={image ? shortDigest(image) : undefined}
    />
  );
}

const nodeColumns: ColumnConfig<NodeRow>[] = [
  {
    id: 'name',
    label: 'Node',
    isRowHeader: true,
    cell: node => <CellText title={node.name} />,
  },
  {
    id: 'state',
    label: 'State',
    cell: node => (
      <Cell>
        <StatusBadge
          tone={nodeStateTone(node.state)}
          label={node.state ?? 'unknown'}
        />
      </Cell>
    ),
  },
  {
    id: 'current',
    label: 'Current config / image',
    cell: node => configAndImage(node.currentConfig, node.currentImage),
  },
  {
    id: 'desired',
    label: 'Desired config / image',
    cell: node => configAndImage(node.desiredConfig, node.desiredImage),
  },
  {
    id: 'rhcos',
    label: 'RHCOS build',
    cell: node => <CellText title={node.rhcosVersion ?? 'unknown'} />,
  },
  {
    id: 'ready',
    label: 'Ready',
    cell: node => <CellText title={node.ready ? 'Ready' : 'Not ready'} />,
  },
  {
    id: 'schedulable',
    label: 'Schedulable',
    cell: node => (
      <CellText title={node.unschedulable ? 'Cordoned' : 'Schedulable'} />
    ),
  },
  {
    id: 'reason',
    label: 'Reason',
    cell: node => <CellText title={node.reason || '—'} />,
  },
];

/** The pool's nodes with their MCO state, configs, images and builds. */
export function NodesTable(props: { nodes: NodeView[] }) {
  const rows = props.nodes.map(node => ({ ...node, id: node.name }));
  return (
    <Table
      columnConfig={nodeColumns}
      data={rows}
      pagination={{ type: 'none' }}
      emptyState={<Text as="p">No nodes in this pool.</Text>}
    />
  );
}

type BuildRow = BuildView & { id: string };

const buildColumns: ColumnConfig<BuildRow>[] = [
  {
    id: 'name',
    label: 'Build',
    isRowHeader: true,
    cell: build => (
      <CellText
        title={build.name}
        description={build.renderedConfig ?? undefined}
      />
    ),
  },
  {
    id: 'state',
    label: 'State',
    cell: build => (
      <Cell>
        <StatusBadge tone={buildTone(build.state)} label={build.state} />
      </Cell>
    ),
  },
  {
    id: 'start',
    label: 'Started',
    cell: build => <CellText title={formatTime(build.start)} />,
  },
  {
    id: 'duration',
    label: 'Duration',
    cell: build => (
      <CellText
        title={
          build.end || build.state === 'Building'
            ? formatDuration(build.start, build.end)
            : '—'
        }
      />
    ),
  },
  {
    id: 'image',
    label: 'Image',
    cell: build => (
      <CellText
        title={build.image ? shortDigest(build.image) : '—'}
        description={build.image ?? undefined}
      />
    ),
  },
];

/** The pool's MachineOSBuilds, newest first. */
export function BuildsTable(props: { builds: BuildView[] }) {
  const rows = [...props.builds]
    .sort((a, b) => (b.start ?? '').localeCompare(a.start ?? ''))
    .map(build => ({ ...build, id: build.name }));
  return (
    <Table
      columnConfig={buildColumns}
      data={rows}
      pagination={{ type: 'none' }}
      emptyState={
        <Text as="p">
          No image builds: the pool is not layered on the cluster.
        </Text>
      }
    />
  );
}

type ConditionRow = PoolCondition & { id: string };

function conditionTone(condition: PoolCondition) {
  const bad = /Degraded$/.test(condition.type);
  if (condition.status === 'True') {
    return bad ? ('danger' as const) : ('success' as const);
  }
  return 'neutral' as const;
}

const conditionColumns: ColumnConfig<ConditionRow>[] = [
  {
    id: 'type',
    label: 'Condition',
    isRowHeader: true,
    cell: c => <CellText title={c.type} />,
  },
  {
    id: 'status',
    label: 'Status',
    cell: c => (
      <Cell>
        <StatusBadge tone={conditionTone(c)} label={c.status} />
      </Cell>
    ),
  },
  {
    id: 'reason',
    label: 'Reason / message',
    cell: c => (
      <CellText title={c.reason || '—'} description={c.message || undefined} />
    ),
  },
  {
    id: 'since',
    label: 'Since',
    cell: c => <CellText title={formatTime(c.lastTransitionTime)} />,
  },
];

/** The pool's status conditions as the MCO reports them. */
export function ConditionsTable(props: { conditions: PoolCondition[] }) {
  const rows = props.conditions.map(c => ({ ...c, id: c.type }));
  return (
    <Table
      columnConfig={conditionColumns}
      data={rows}
      pagination={{ type: 'none' }}
      emptyState={<Text as="p">The pool reports no conditions.</Text>}
    />
  );
}

type RequestRow = LayeringRequestRecord;

const outcomeTones: Record<LayeringRequestRecord['outcome'], Tone> = {
  opened: 'info',
  applied: 'success',
  merged: 'success',
  failed: 'danger',
  closed: 'neutral',
  superseded: 'neutral',
};

const requestColumns: ColumnConfig<RequestRow>[] = [
  {
    id: 'summary',
    label: 'Request',
    isRowHeader: true,
    cell: r => (
      <CellText
        title={r.summary ?? r.kind}
        description={`${r.kind} · ${r.delivery}`}
        href={r.pullRequestUrl ?? undefined}
      />
    ),
  },
  {
    id: 'outcome',
    label: 'Outcome',
    cell: r => (
      <Cell>
        <StatusBadge tone={outcomeTones[r.outcome]} label={r.outcome} />
      </Cell>
    ),
  },
  {
    id: 'by',
    label: 'Requested by',
    cell: r => <CellText title={r.requestedBy} />,
  },
  {
    id: 'at',
    label: 'When',
    cell: r => <CellText title={formatTime(r.createdAt)} />,
  },
];

/** Requests made for the pool through the portal, newest first. */
export function RequestsTable(props: { requests: LayeringRequestRecord[] }) {
  const rows = [...props.requests].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  return (
    <Table
      columnConfig={requestColumns}
      data={rows}
      pagination={{ type: 'none' }}
      emptyState={<Text as="p">No requests were made through the portal.</Text>}
    />
  );
}
