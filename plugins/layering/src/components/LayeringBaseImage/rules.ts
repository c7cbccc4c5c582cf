import { validateDigestImage } from '@rhcos-layering/plugin-layering-common';

/**
 * `ui:options` of the `LayeringBaseImage` field.
 *
 * @public
 */
export interface LayeringBaseImageOptions {
  /** Form field holding the `LayeringPoolPicker` value (default `target`). */
  poolField?: string;
  /** A fixed cluster, instead of the one chosen in the form. */
  cluster?: string;
}

/** Errors of a base image value: it must be an image by digest. */
export function baseImageErrors(value: string | undefined): string[] {
  return validateDigestImage(value, 'baseImage', 'base image')
    .filter(issue => issue.severity === 'error')
    .map(issue => issue.message);
}
