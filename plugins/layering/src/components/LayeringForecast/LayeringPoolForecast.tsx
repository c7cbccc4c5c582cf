import { forecastPoolSentence } from '@rhcos-layering/plugin-layering-common';
import { ForecastSection } from './LayeringClusterForecast';
import { useForecast } from './useForecast';

/** Props of {@link LayeringPoolForecast}. */
export interface LayeringPoolForecastProps {
  cluster: string;
  pool: string;
  /** The release the card's live data shows; the forecast reloads when it changes. */
  releaseVersion?: string | null;
}

/**
 * The upgrade forecast line of the pool card: what this pool would do if its cluster were
 * updated to the chosen offered version.
 *
 * @public
 */
export function LayeringPoolForecast(props: LayeringPoolForecastProps) {
  const { cluster, pool, releaseVersion } = props;
  const state = useForecast(cluster, releaseVersion);
  return (
    <ForecastSection
      state={state}
      quietWhenNone
      describe={forecast => {
        const mine = forecast.pools.find(p => p.name === pool);
        return mine
          ? forecastPoolSentence(forecast.to, mine)
          : `The forecast for ${forecast.to} does not include this pool.`;
      }}
    />
  );
}
