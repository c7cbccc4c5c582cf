export { LayeringPoolContent } from './LayeringPoolContent';
