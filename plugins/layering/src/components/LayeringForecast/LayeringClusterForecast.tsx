import { Flex, Text } from '@backstage/ui';
import { forecastSentence } from '@rhcos-layering/plugin-layering-common';
import { ForecastRisks } from './ForecastRisks';
import { ForecastVersionSelect } from './ForecastVersionSelect';
import { useForecast } from './useForecast';

/** Props of {@link LayeringClusterForecast}. */
export interface LayeringClusterForecastProps {
  cluster: string;
  /** The release the card's live data shows; the forecast reloads when it changes. */
  releaseVersion?: string | null;
}

/**
 * The upgrade forecast section of the cluster card: a select over the updates the cluster is
 * offered and one sentence saying what its pools would do, with the risks of a conditional update.
 *
 * @public
 */
export function LayeringClusterForecast(props: LayeringClusterForecastProps) {
  const state = useForecast(props.cluster, props.releaseVersion);
  return <ForecastSection state={state} describe={forecastSentence} />;
}

/** The select, the sentence and the risks; shared by the cluster and pool forms. */
export function ForecastSection(props: {
  state: ReturnType<typeof useForecast>;
  describe(forecast: NonNullable<ReturnType<typeof useForecast>['forecast']>): string;
  /** Show nothing, rather than a line saying so, when no update is offered. */
  quietWhenNone?: boolean;
}) {
  const { state, describe, quietWhenNone } = props;
  if (!state.supported || state.updatesLoading) return null;
  if (state.updatesError) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        {`Upgrade forecast unavailable: ${state.updatesError.message}`}
      </Text>
    );
  }
  const offered = state.updates?.updates ?? [];
  if (offered.length === 0) {
    if (quietWhenNone) return null;
    return (
      <Text as="p" variant="body-small" color="secondary">
        No update is offered to this cluster, so there is nothing to forecast.
      </Text>
    );
  }
  let sentence: string;
  if (state.forecastError) {
    sentence = `The forecast failed: ${state.forecastError.message}`;
  } else if (state.forecast) {
    sentence = describe(state.forecast);
  } else {
    sentence = `Forecasting ${state.target ?? ''}…`;
  }
  return (
    <Flex direction="column" gap="2" aria-label="Upgrade forecast" role="region">
      <ForecastVersionSelect
        updates={offered}
        value={state.target}
        onChange={state.setTarget}
      />
      <Text as="p" variant="body-small">
        {sentence}
      </Text>
      {state.forecast && <ForecastRisks forecast={state.forecast} />}
    </Flex>
  );
}
