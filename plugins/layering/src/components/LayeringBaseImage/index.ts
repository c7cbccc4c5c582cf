export { LayeringBaseImage } from './LayeringBaseImage';
export { layeringBaseImageValidation } from './validation';
export type { LayeringBaseImageOptions } from './rules';
