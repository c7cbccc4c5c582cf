export { LayeringFleetPage } from './LayeringFleetPage';
