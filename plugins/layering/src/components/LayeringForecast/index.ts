export { LayeringClusterForecast } from './LayeringClusterForecast';
export type { LayeringClusterForecastProps } from './LayeringClusterForecast';
export { LayeringPoolForecast } from './LayeringPoolForecast';
export type { LayeringPoolForecastProps } from './LayeringPoolForecast';
export { LayeringFleetForecast } from './LayeringFleetForecast';
export type { LayeringFleetForecastProps } from './LayeringFleetForecast';
