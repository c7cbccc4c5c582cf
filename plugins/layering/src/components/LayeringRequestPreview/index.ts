export { LayeringRequestPreview } from './LayeringRequestPreview';
export type { LayeringRequestPreviewOptions } from './rules';
