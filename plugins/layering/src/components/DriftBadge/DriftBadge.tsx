import type { ClusterStatus, PoolView } from '@rhcos-layering/plugin-layering-common';
import {
  displayDriftStatus,
  driftLabel,
  driftTone,
} from '../../lib/presentation';
import { StatusBadge } from '../StatusBadge';

/** Props of {@link DriftBadge}. */
export interface DriftBadgeProps {
  pool: PoolView;
  clusterStatus?: ClusterStatus;
}

/**
 * The drift of a pool in a few words: in sync, N minors or N releases
 * behind, ahead, unknown, or the cluster's reachability when the data is
 * stale. The reason goes into the title.
 */
export function DriftBadge(props: DriftBadgeProps) {
  const { pool, clusterStatus } = props;
  const status = displayDriftStatus(pool, clusterStatus);
  return (
    <StatusBadge
      tone={driftTone(status)}
      label={driftLabel(pool, clusterStatus)}
      title={status === 'unreachable' ? undefined : pool.drift.reason}
    />
  );
}
