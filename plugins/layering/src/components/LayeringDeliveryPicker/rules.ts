import type { LayeringDeliveryOptions } from '@rhcos-layering/plugin-layering-common';
import { NO_FORGE_SENTENCE, type Delivery } from '../../lib/delivery';

/**
 * `ui:options` of the `LayeringDeliveryPicker` field: none yet. The option
 * labels come from the schema's `enumNames`.
 *
 * @public
 */
export interface LayeringDeliveryPickerOptions {}

/** Labels of the two deliveries when the template gives no `enumNames`. */
export const DEFAULT_DELIVERY_LABELS: Record<Delivery, string> = {
  'pull-request': "Pull request to the cluster's GitOps repository",
  direct: 'Apply to the cluster now',
};

/** Errors of a delivery choice, given what the portal can deliver. */
export function deliveryErrors(
  delivery: Delivery,
  options: LayeringDeliveryOptions,
): string[] {
  if (delivery === 'pull-request' && !options.pullRequestAvailable) {
    return [
      `A pull request cannot be opened. ${NO_FORGE_SENTENCE} Until then, apply to the cluster now.`,
    ];
  }
  return [];
}
