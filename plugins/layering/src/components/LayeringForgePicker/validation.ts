import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { deliveryOptionsForValidation } from '../fieldContext';
import {
  asForgeKind,
  forgeErrors,
  forgeReadiness,
  repoHost,
  secretGiven,
} from '../../lib/delivery';
import {
  DEFAULT_REPO_URL_FIELD,
  DEFAULT_TOKEN_FIELD,
  type LayeringForgePickerOptions,
} from './rules';

/**
 * Validation of the `LayeringForgePicker` field. It refuses a forge the
 * portal has no credentials for (for the chosen repository's host, when
 * there is one) unless the personal token field was filled in; a
 * repository host of the other forge, or one the portal has no integration
 * for, is refused in any case. When the backend cannot be asked, nothing is
 * refused: the field already says it could not check.
 *
 * @remarks
 * The token itself is never read: a `ui:field: Secret` keeps it in the
 * scaffolder's secrets and leaves one `*` per character in the form data,
 * which is enough to see that it was given.
 *
 * @public
 */
export const layeringForgePickerValidation: CustomFieldValidator<
  string,
  LayeringForgePickerOptions
> = async (data, field, context) => {
  const kind = asForgeKind(data);
  if (!kind) {
    field.addError('Choose GitHub or GitLab.');
    return;
  }
  const uiOptions = context.uiSchema?.['ui:options'] ?? {};
  const form = context.formData ?? {};
  const tokenGiven = secretGiven(
    form[uiOptions.tokenField ?? DEFAULT_TOKEN_FIELD],
  );
  const host = repoHost(form[uiOptions.repoUrlField ?? DEFAULT_REPO_URL_FIELD]);
  const options = await deliveryOptionsForValidation(context.apiHolder);
  if (!options) {
    return;
  }
  for (const error of forgeErrors(
    kind,
    forgeReadiness(options, kind, host),
    tokenGiven,
  )) {
    field.addError(error);
  }
};
