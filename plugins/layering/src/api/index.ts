export { layeringApiRef } from './LayeringApi';
export type {
  LayeringApi,
  LayeringClusterDetail,
  LayeringFleetQuery,
  LayeringReleaseHistoryEntry,
  LayeringReleaseInfo,
} from './LayeringApi';
export { LayeringClient } from './LayeringClient';
