export { LayeringRequestTimeline } from './LayeringRequestTimeline';
