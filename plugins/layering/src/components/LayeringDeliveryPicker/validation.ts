import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { deliveryOptionsForValidation } from '../fieldContext';
import { asDelivery } from '../../lib/delivery';
import { deliveryErrors, type LayeringDeliveryPickerOptions } from './rules';

/**
 * Validation of the `LayeringDeliveryPicker` field: a pull request is
 * refused when the portal has credentials for no GitHub or GitLab host.
 * When the backend cannot be asked, nothing is refused: the field already
 * says it could not check.
 *
 * @public
 */
export const layeringDeliveryPickerValidation: CustomFieldValidator<
  string,
  LayeringDeliveryPickerOptions
> = async (data, field, context) => {
  const delivery = asDelivery(data);
  if (!delivery) {
    field.addError('Choose a pull request or a direct apply.');
    return;
  }
  if (delivery !== 'pull-request') {
    return;
  }
  const options = await deliveryOptionsForValidation(context.apiHolder);
  if (!options) {
    return;
  }
  for (const error of deliveryErrors(delivery, options)) {
    field.addError(error);
  }
};
