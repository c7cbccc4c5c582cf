import { useApi } from '@backstage/frontend-plugin-api';
import { EntityInfoCard, useEntity } from '@backstage/plugin-catalog-react';
import { Progress } from '@backstage/core-components';
import { Alert, Flex, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import { layeringApiRef } from '../../api';
import { clusterOf } from '../../filters';
import { FLEET_CHANNEL, useLiveData } from '../../hooks/useLiveData';
import { behindScore, isClusterDown } from '../../lib/presentation';
import { DriftBadge } from '../DriftBadge';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { StatusBadge } from '../StatusBadge';
import { PoolName } from '../PoolName';
import { LayeringClusterForecast } from '../LayeringForecast';
import { poolKey, usePoolEntities } from '../../hooks/usePoolEntities';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: '0.5rem',
  },
  item: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    gap: '0.5rem',
  },
  mono: { fontFamily: 'monospace' },
});

/**
 * The layering card of a cluster entity: the release, its RHCOS build, and
 * every pool with its drift at a glance.
 *
 * @public
 */
export function LayeringClusterCard() {
  const { entity } = useEntity();
  const cluster = clusterOf(entity) ?? '';
  const api = useApi(layeringApiRef);
  const classes = useStyles();
  const poolEntities = usePoolEntities(cluster || undefined);
  const data = useLiveData(
    async () => (cluster ? api.getCluster(cluster) : undefined),
    FLEET_CHANNEL,
    [api, cluster],
  );

  let content;
  if (!cluster) {
    content = (
      <Text as="p" variant="body-small">
        This entity does not name a layering cluster.
      </Text>
    );
  } else if (data.loading) {
    content = <Progress />;
  } else if (data.error) {
    content = <LoadError error={data.error} />;
  } else if (data.value) {
    const detail = data.value;
    const down = isClusterDown(detail.status);
    const pools = [...detail.pools].sort(
      (a, b) =>
        behindScore(b, detail.status) - behindScore(a, detail.status) ||
        a.name.localeCompare(b.name),
    );
    content = (
      <Flex direction="column" gap="3">
        {down && (
          <Alert
            status="danger"
            role="alert"
            icon
            title={`Cluster ${detail.status}`}
            description={
              detail.error ?? 'The backend cannot read this cluster.'
            }
          />
        )}
        <Flex direction="column" gap="1">
          <Text as="p" variant="body-small">
            {'Release '}
            <strong>{detail.release.version ?? 'unknown'}</strong>
            {detail.singleNode ? ' (single node)' : ''}
          </Text>
          <Text as="p" variant="body-small">
            {'RHCOS '}
            <span className={classes.mono}>
              {detail.release.rhcosVersion ?? 'unknown'}
            </span>
          </Text>
          {detail.status === 'syncing' && (
            <StatusBadge tone="info" label="Syncing" />
          )}
        </Flex>
        {pools.length === 0 ? (
          <Text as="p" variant="body-small" color="secondary">
            No pool data.
          </Text>
        ) : (
          <ul className={classes.list} aria-label="Pools">
            {pools.map(pool => (
              <li key={pool.name} className={classes.item}>
                <PoolName
                  name={pool.name}
                  entityRef={poolEntities.get(poolKey(pool.cluster, pool.name))}
                />
                <DriftBadge pool={pool} clusterStatus={detail.status} />
              </li>
            ))}
          </ul>
        )}
        {!down && (
          <LayeringClusterForecast cluster={cluster} releaseVersion={detail.release.version} />
        )}
      </Flex>
    );
  }

  return (
    <EntityInfoCard title="Image layering">
      {content}
      <RefreshError error={data.refreshError} />
    </EntityInfoCard>
  );
}
