export { DriftBadge } from './DriftBadge';
export type { DriftBadgeProps } from './DriftBadge';
