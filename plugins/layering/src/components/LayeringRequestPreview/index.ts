export { LayeringRequestPreview } from './LayeringRequestPreview';
export type {
  LayeringChangeMode,
  LayeringOperation,
  LayeringRequestPreviewOptions,
} from './rules';
