import { useApi } from '@backstage/frontend-plugin-api';
import { EntityInfoCard, useEntity } from '@backstage/plugin-catalog-react';
import { Progress } from '@backstage/core-components';
import { Flex, Text } from '@backstage/ui';
import { layeringApiRef } from '../../api';
import { poolRefOf } from '../../filters';
import { poolChannel, useLiveData } from '../../hooks/useLiveData';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { RequestChangeMenu } from '../RequestChangeMenu';
import { PoolSummary } from './PoolSummary';
import { LayeringPoolForecast } from '../LayeringForecast';
import { RebaseOffer } from '../RebaseOffer';

/**
 * Props of the pool card (`EntityLayeringPoolCard` in the legacy plugin).
 *
 * @public
 */
export interface LayeringPoolCardProps {
  /** Tag of the templates offered by "Request a change" (default `layering`). */
  templateTag?: string;
  /** Template parameter prefilled with `{ cluster, pool }` (default `target`). */
  formDataKey?: string;
}

/**
 * The layering card of a MachineConfigPool entity: drift, builds, layering,
 * rollout and the open request, updated live.
 *
 * @public
 */
export function LayeringPoolCard(props: LayeringPoolCardProps) {
  const { entity } = useEntity();
  const ref = poolRefOf(entity);
  const api = useApi(layeringApiRef);
  const cluster = ref?.cluster ?? '';
  const poolName = ref?.pool ?? '';

  const data = useLiveData(
    async () => {
      if (!ref) {
        return undefined;
      }
      const [detail, requests] = await Promise.all([
        api.getCluster(cluster),
        // The request history is a nice-to-have on this card: a failure
        // there must not hide the pool's state.
        api.getRequests(cluster, poolName).catch(() => undefined),
      ]);
      return { detail, requests };
    },
    poolChannel(cluster, poolName),
    [api, cluster, poolName],
  );

  let content;
  if (!ref) {
    content = (
      <Text as="p" variant="body-small">
        This entity does not name a cluster and pool.
      </Text>
    );
  } else if (data.loading) {
    content = <Progress />;
  } else if (data.error) {
    content = <LoadError error={data.error} />;
  } else if (data.value) {
    const { detail, requests } = data.value;
    const pool = detail.pools.find(p => p.name === poolName);
    content = pool ? (
      <Flex direction="column" gap="3">
        <PoolSummary pool={pool} cluster={detail} requests={requests} />
        <RebaseOffer cluster={cluster} pool={pool} formDataKey={props.formDataKey} />
        <LayeringPoolForecast
          cluster={cluster}
          pool={poolName}
          releaseVersion={detail.release.version}
        />
      </Flex>
    ) : (
      <Text as="p" variant="body-small">
        {detail.status === 'ok'
          ? `Cluster ${cluster} has no pool named ${poolName}.`
          : `Cluster ${cluster} is ${detail.status}: the pool cannot be shown.`}
      </Text>
    );
  }

  return (
    <EntityInfoCard
      title="Image layering"
      footerActions={
        ref ? (
          <RequestChangeMenu
            cluster={cluster}
            pool={poolName}
            templateTag={props.templateTag}
            formDataKey={props.formDataKey}
          />
        ) : undefined
      }
    >
      {content}
      <RefreshError error={data.refreshError} />
    </EntityInfoCard>
  );
}
