import { Button, Flex, Text } from '@backstage/ui';
import {
  LAYERING_FLEET_STATUSES,
  type LayeringFleetStatus,
  type LayeringFleetSummary,
} from '@rhcos-layering/plugin-layering-common';
import { memo } from 'react';

/** Labels of the fleet statuses, as the page shows them. */
export const FLEET_STATUS_LABELS: Record<LayeringFleetStatus, string> = {
  behind: 'Behind',
  'in-sync': 'In sync',
  ahead: 'Ahead',
  unknown: 'Unknown',
  unreachable: 'Cluster unreachable',
};

/** Clusters listed in the summary: those with the most pools behind or unreachable. */
const CLUSTERS_SHOWN = 8;

const count = (n: number) => n.toLocaleString('en-US');

/** Props of {@link FleetSummary}. */
export interface FleetSummaryProps {
  summary: LayeringFleetSummary;
  /** The drift status filter now chosen, if any. */
  drift?: string;
  /** The cluster filter now chosen, if any. */
  cluster?: string;
  onDrift: (status: LayeringFleetStatus | undefined) => void;
  onCluster: (cluster: string | undefined) => void;
}

/**
 * Pool counts per drift status (each a button that filters on it) and the clusters with the most
 * pools needing attention (each a button that filters on the cluster).
 */
export const FleetSummary = memo(function FleetSummaryView(props: FleetSummaryProps) {
  const { summary, drift, cluster, onDrift, onCluster } = props;
  const attention = (c: LayeringFleetSummary['byCluster'][number]) =>
    c.byStatus.behind + c.byStatus.unreachable + c.byStatus.unknown;
  const worst = summary.byCluster
    .filter(c => attention(c) > 0)
    .sort((a, b) => attention(b) - attention(a) || (a.cluster < b.cluster ? -1 : 1))
    .slice(0, CLUSTERS_SHOWN);
  const others = summary.byCluster.filter(c => attention(c) > 0).length - worst.length;

  return (
    <Flex direction="column" gap="2" aria-label="Fleet summary" role="region">
      <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
        <Text as="span" variant="body-medium" weight="bold">
          {count(summary.total)} pools in {count(summary.byCluster.length)} clusters
        </Text>
        {LAYERING_FLEET_STATUSES.map(status => (
          <Button
            key={status}
            size="small"
            variant={drift === status ? 'primary' : 'secondary'}
            aria-pressed={drift === status}
            onPress={() => onDrift(drift === status ? undefined : status)}
          >
            {`${FLEET_STATUS_LABELS[status]}: ${count(summary.byStatus[status])}`}
          </Button>
        ))}
      </Flex>
      {worst.length > 0 && (
        <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
          <Text as="span" variant="body-small" color="secondary">
            Clusters needing attention:
          </Text>
          {worst.map(c => (
            <Button
              key={c.cluster}
              size="small"
              variant={cluster === c.cluster ? 'primary' : 'tertiary'}
              aria-pressed={cluster === c.cluster}
              onPress={() => onCluster(cluster === c.cluster ? undefined : c.cluster)}
            >
              {`${c.cluster}: ${count(c.byStatus.behind)} behind, ${count(
                c.byStatus.unreachable + c.byStatus.unknown,
              )} unknown of ${count(c.total)}`}
            </Button>
          ))}
          {others > 0 && (
            <Text as="span" variant="body-small" color="secondary">
              {`and ${count(others)} more`}
            </Text>
          )}
        </Flex>
      )}
    </Flex>
  );
});
