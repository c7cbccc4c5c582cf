export { LayeringPoolCard } from './LayeringPoolCard';
export type { LayeringPoolCardProps } from './LayeringPoolCard';
export { PoolSummary, openRequestOf } from './PoolSummary';
export type { PoolSummaryProps } from './PoolSummary';
