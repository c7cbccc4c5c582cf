import { asPickerValue } from './LayeringPoolPicker/rules';

/** Default name of the form field that holds the `LayeringPoolPicker` value. */
export const DEFAULT_POOL_FIELD = 'target';

/**
 * The cluster a template form has chosen: `ui:options.cluster` when the
 * template fixes it, else the cluster of the `LayeringPoolPicker` value held
 * in `formData[poolField]`.
 */
export function clusterFromForm(
  formData: unknown,
  options: { cluster?: string; poolField?: string } | undefined,
): string | undefined {
  if (options?.cluster) {
    return options.cluster;
  }
  if (!formData || typeof formData !== 'object') {
    return undefined;
  }
  const field = options?.poolField ?? DEFAULT_POOL_FIELD;
  return asPickerValue((formData as Record<string, unknown>)[field]).cluster;
}
