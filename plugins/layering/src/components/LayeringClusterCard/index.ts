export { LayeringClusterCard } from './LayeringClusterCard';
