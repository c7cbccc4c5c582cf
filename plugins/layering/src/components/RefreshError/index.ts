export { RefreshError } from './RefreshError';
export type { RefreshErrorProps } from './RefreshError';
