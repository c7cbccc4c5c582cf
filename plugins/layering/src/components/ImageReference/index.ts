export { ImageReference } from './ImageReference';
export type { ImageReferenceProps } from './ImageReference';
