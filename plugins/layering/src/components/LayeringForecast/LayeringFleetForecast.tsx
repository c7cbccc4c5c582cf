import { Card, CardBody, CardHeader, CellText, Flex, Table, Text, type ColumnConfig } from '@backstage/ui';
import {
  describeDrift,
  forecastSentence,
  type LayeringForecastOutcome,
  type LayeringForecastPool,
} from '@rhcos-layering/plugin-layering-common';
import { ForecastRisks } from './ForecastRisks';
import { ForecastVersionSelect } from './ForecastVersionSelect';
import { useForecast } from './useForecast';

const OUTCOME_LABELS: Record<LayeringForecastOutcome, string> = {
  follows: 'Follows',
  rebuilds: 'Rebuilds',
  'stays-pinned': 'Stays pinned',
  held: 'Held (paused)',
};

function buildTime(p: LayeringForecastPool): string | undefined {
  if (p.builds.count === 0) return undefined;
  if (p.builds.estimatedMinutes === null) return 'time unknown';
  return `about ${p.builds.estimatedMinutes} min`;
}

const columns: ColumnConfig<LayeringForecastPool & { id: string }>[] = [
  { id: 'pool', label: 'Pool', isRowHeader: true, cell: p => <CellText title={p.name} /> },
  {
    id: 'outcome',
    label: 'Outcome',
    cell: p => <CellText title={OUTCOME_LABELS[p.outcome]} description={p.reason} />,
  },
  {
    id: 'drift',
    label: 'Drift after the update',
    cell: p => <CellText title={describeDrift(p.drift)} description={p.drift.reason} />,
  },
  { id: 'reboots', label: 'Reboots', cell: p => <CellText title={String(p.reboots)} /> },
  {
    id: 'builds',
    label: 'Builds',
    cell: p => (
      <CellText
        title={String(p.builds.count)}
        description={buildTime(p)}
      />
    ),
  },
];

/** One cluster of the fleet forecast: its own target version and the outcome per pool. */
function ClusterForecast(props: { cluster: string }) {
  const { cluster } = props;
  const state = useForecast(cluster);
  const offered = state.updates?.updates ?? [];
  if (!state.supported) return null;
  let body;
  if (state.updatesLoading) {
    body = <Text as="p" variant="body-small">Loading the offered updates…</Text>;
  } else if (state.updatesError) {
    body = (
      <Text as="p" variant="body-small" color="secondary">
        {`Upgrade forecast unavailable: ${state.updatesError.message}`}
      </Text>
    );
  } else if (offered.length === 0) {
    body = (
      <Text as="p" variant="body-small" color="secondary">
        No update is offered to this cluster.
      </Text>
    );
  } else {
    body = (
      <Flex direction="column" gap="2">
        <ForecastVersionSelect
          label={`Update ${cluster} to`}
          updates={offered}
          value={state.target}
          onChange={state.setTarget}
        />
        {state.forecastError && (
          <Text as="p" variant="body-small" color="secondary">
            {`The forecast failed: ${state.forecastError.message}`}
          </Text>
        )}
        {state.forecast && (
          <>
            <Text as="p" variant="body-small">
              {forecastSentence(state.forecast)}
            </Text>
            <ForecastRisks forecast={state.forecast} />
            <Table
              columnConfig={columns}
              data={state.forecast.pools.map(p => ({ ...p, id: p.name }))}
              pagination={{ type: 'none' }}
              emptyState={<Text as="p">No pool of this cluster is visible to you.</Text>}
            />
          </>
        )}
      </Flex>
    );
  }
  return (
    <Card aria-label={`Forecast of ${cluster}`}>
      <CardHeader>
        <Text as="h3" variant="title-x-small">
          {cluster}
          {state.updates?.current ? ` (${state.updates.current})` : ''}
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}

/** Props of {@link LayeringFleetForecast}. */
export interface LayeringFleetForecastProps {
  clusters: string[];
}

/**
 * The fleet's upgrade forecast: per cluster, a target version among the updates it is offered
 * and what each pool would do (follow, rebuild, stay pinned or be held), the drift it would
 * have afterwards, the reboots and the builds.
 *
 * @public
 */
export function LayeringFleetForecast(props: LayeringFleetForecastProps) {
  const clusters = [...props.clusters].sort();
  return (
    <Flex direction="column" gap="3" role="region" aria-label="Upgrade forecast">
      <Text as="h2" variant="title-small">
        Upgrade forecast
      </Text>
      {clusters.length === 0 ? (
        <Text as="p" variant="body-small" color="secondary">
          No cluster to forecast.
        </Text>
      ) : (
        clusters.map(name => <ClusterForecast key={name} cluster={name} />)
      )}
    </Flex>
  );
}
