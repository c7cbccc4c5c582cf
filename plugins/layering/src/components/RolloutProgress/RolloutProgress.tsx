import LinearProgress from '@material-ui/core/LinearProgress';
import { Flex, Text } from '@backstage/ui';
import type { PoolView } from '@rhcos-layering/plugin-layering-common';
import { StatusBadge } from '../StatusBadge';

/** Props of {@link RolloutProgress}. */
export interface RolloutProgressProps {
  pool: PoolView;
}

/**
 * Updated machines out of the pool's total as a bar, with paused, degraded
 * and building pools called out next to it.
 */
export function RolloutProgress(props: RolloutProgressProps) {
  const { pool } = props;
  const { updated, total, state } = pool.rollout;
  const value = total > 0 ? Math.round((updated / total) * 100) : 0;
  const degraded = pool.degradedMachineCount > 0 || state === 'degraded';
  return (
    <Flex direction="column" gap="1">
      <Flex align="center" justify="between" gap="2">
        <Text as="span" variant="body-small">
          {updated} of {total} {total === 1 ? 'machine' : 'machines'} updated
        </Text>
        <Flex gap="1" align="center">
          {pool.paused && (
            <StatusBadge
              tone="warning"
              label="Paused"
              title="No node is told to update while the pool is paused."
            />
          )}
          {degraded && (
            <StatusBadge
              tone="danger"
              label={
                pool.degradedMachineCount > 0
                  ? `${pool.degradedMachineCount} degraded`
                  : 'Degraded'
              }
            />
          )}
          {state === 'building' && (
            <StatusBadge tone="info" label="Building image" />
          )}
          {state === 'rolling' && !degraded && (
            <StatusBadge tone="info" label="Rolling out" />
          )}
        </Flex>
      </Flex>
      <LinearProgress
        variant="determinate"
        value={value}
        color={degraded ? 'secondary' : 'primary'}
        aria-label="Rollout progress"
      />
    </Flex>
  );
}
