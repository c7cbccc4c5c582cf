import { forecastPoolSentence } from '@rhcos-layering/plugin-layering-common';
import { ForecastSection } from './LayeringClusterForecast';
import { useForecast } from './useForecast';

/** Props of {@link LayeringPoolForecast}. */
export interface LayeringPoolForecastProps {
  cluster: string;
  pool: string;
}

/**
 * The upgrade forecast line of the pool card: what this pool would do if its cluster were
 * updated to the chosen offered version.
 *
 * @public
 */
export function LayeringPoolForecast(props: LayeringPoolForecastProps) {
  const { cluster, pool } = props;
  const state = useForecast(cluster);
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
