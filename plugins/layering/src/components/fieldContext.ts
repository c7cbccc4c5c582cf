import type { ApiRef } from '@backstage/frontend-plugin-api';
import type { LayeringDeliveryOptions } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef } from '../api';
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

/**
 * The cluster and pool a template form has chosen: the `LayeringPoolPicker`
 * value held in `formData[poolField]`, with `ui:options.cluster` taking
 * precedence for the cluster when the template fixes it.
 */
export function poolFromForm(
  formData: unknown,
  options: { cluster?: string; poolField?: string } | undefined,
): { cluster?: string; pool?: string } {
  const cluster = clusterFromForm(formData, options);
  if (!formData || typeof formData !== 'object') {
    return { cluster };
  }
  const field = options?.poolField ?? DEFAULT_POOL_FIELD;
  const { pool } = asPickerValue((formData as Record<string, unknown>)[field]);
  return { cluster, pool };
}

/** The string value of another form field, when it holds one. */
export function stringFromForm(
  formData: unknown,
  field: string,
): string | undefined {
  if (!formData || typeof formData !== 'object') {
    return undefined;
  }
  const value = (formData as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The label of each allowed value of an enum field: the schema's
 * `enumNames` when the template gives them, else `defaults`.
 */
export function enumLabels<T extends string>(
  schema: { enum?: unknown; enumNames?: unknown } | undefined,
  defaults: Record<T, string>,
): Record<T, string> {
  const labels = { ...defaults };
  const values = Array.isArray(schema?.enum) ? schema.enum : [];
  const names = Array.isArray(schema?.enumNames) ? schema.enumNames : [];
  values.forEach((value, index) => {
    const name = names[index];
    if (
      typeof value === 'string' &&
      value in labels &&
      typeof name === 'string'
    ) {
      labels[value as T] = name;
    }
  });
  return labels;
}

/**
 * The portal's delivery options for a field validator, or undefined when the layering API is not
 * there or the backend cannot be asked (then the validators refuse nothing: the fields already
 * say they could not check).
 */
export async function deliveryOptionsForValidation(apiHolder: {
  get<T>(ref: ApiRef<T>): T | undefined;
}): Promise<LayeringDeliveryOptions | undefined> {
  const api = apiHolder.get(layeringApiRef);
  if (!api) {
    return undefined;
  }
  try {
    return await api.getDeliveryOptions();
  } catch {
    return undefined;
  }
}
