export { RhcosBuildChart } from './RhcosBuildChart';
export type { RhcosBuildChartProps } from './RhcosBuildChart';
