export { PoolName } from './PoolName';
export type { PoolNameProps } from './PoolName';
