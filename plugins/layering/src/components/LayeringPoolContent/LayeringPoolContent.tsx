import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Progress } from '@backstage/core-components';
import { Card, CardBody, CardHeader, Flex, Grid, Text } from '@backstage/ui';
import type { ReactNode } from 'react';
import { layeringApiRef } from '../../api';
import { poolRefOf } from '../../filters';
import { poolChannel, useLiveData } from '../../hooks/useLiveData';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { PoolSummary } from '../LayeringPoolCard/PoolSummary';
import { RhcosBuildChart } from '../RhcosBuildChart';
import { LayeringRequestTimeline } from '../LayeringRequestTimeline';
import {
  BuildsTable,
  ConditionsTable,
  NodesTable,
  RequestsTable,
} from './PoolTables';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-x-small" weight="bold">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

/**
 * The "Layering" tab of a MachineConfigPool entity: nodes, builds,
 * conditions, requests and RHCOS builds per node, updated live.
 *
 * @public
 */
export function LayeringPoolContent() {
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
      const [pool, requests] = await Promise.all([
        api.getPool(cluster, poolName),
        api.getRequests(cluster, poolName).catch((error: Error) => error),
      ]);
      return { pool, requests };
    },
    poolChannel(cluster, poolName),
    [api, cluster, poolName],
  );

  if (!ref) {
    return <Text as="p">This entity does not name a cluster and pool.</Text>;
  }
  if (data.loading) {
    return <Progress />;
  }
  if (data.error) {
    return <LoadError error={data.error} />;
  }
  if (!data.value) {
    return null;
  }
  const { pool, requests } = data.value;

  return (
    <Flex direction="column" gap="4">
      <RefreshError error={data.refreshError} />
      <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
        <Section title={`Pool ${pool.name} on ${pool.cluster}`}>
          <PoolSummary
            pool={pool}
            requests={requests instanceof Error ? undefined : requests}
          />
        </Section>
        <Section title="RHCOS build per node">
          <RhcosBuildChart
            builds={pool.nodeRhcosVersions}
            releaseRhcosVersion={pool.release.rhcosVersion}
          />
        </Section>
      </Grid.Root>
      <Section title="Nodes">
        <NodesTable nodes={pool.nodes} />
      </Section>
      <Section title="Builds">
        <BuildsTable builds={pool.builds} />
      </Section>
      <Section title="Conditions">
        <ConditionsTable conditions={pool.conditions} />
      </Section>
      {!(requests instanceof Error) && (
        <Section title="Request timelines">
          <LayeringRequestTimeline requests={requests} />
        </Section>
      )}
      <Section title="Requests">
        {requests instanceof Error ? (
          <LoadError error={requests} title="Requests could not be loaded" />
        ) : (
          <RequestsTable requests={requests} />
        )}
      </Section>
    </Flex>
  );
}
