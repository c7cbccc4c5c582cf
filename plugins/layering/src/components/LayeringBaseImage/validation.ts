import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { baseImageErrors, type LayeringBaseImageOptions } from './rules';

/**
 * Validation of the `LayeringBaseImage` field: an image reference with a
 * registry host and a digest.
 *
 * @public
 */
export const layeringBaseImageValidation: CustomFieldValidator<
  string,
  LayeringBaseImageOptions
> = (data, field) => {
  for (const error of baseImageErrors(data)) {
    field.addError(error);
  }
};
