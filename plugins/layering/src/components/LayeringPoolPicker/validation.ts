import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { layeringApiRef } from '../../api';
import {
  asPickerValue,
  poolRefusals,
  type LayeringPoolPickerOptions,
  type LayeringPoolPickerValue,
} from './rules';

/**
 * Validation of the `LayeringPoolPicker` field: a cluster and a pool are
 * chosen, and the pool (read again from the backend, so the check is not
 * stale) can take the template's request.
 *
 * @public
 */
export const layeringPoolPickerValidation: CustomFieldValidator<
  LayeringPoolPickerValue,
  LayeringPoolPickerOptions
> = async (data, field, context) => {
  const value = asPickerValue(data);
  if (!value.cluster) {
    field.addError('Choose a cluster.');
    return;
  }
  if (!value.pool) {
    field.addError('Choose a pool.');
    return;
  }
  const api = context.apiHolder.get(layeringApiRef);
  if (!api) {
    field.addError('The layering API is not available in this app.');
    return;
  }
  try {
    const cluster = await api.getCluster(value.cluster);
    const pool = cluster.pools.find(p => p.name === value.pool);
    if (!pool) {
      field.addError(
        `Cluster ${value.cluster} has no pool named ${value.pool}.`,
      );
      return;
    }
    for (const reason of poolRefusals(
      pool,
      cluster,
      context.uiSchema?.['ui:options'] ?? {},
    )) {
      field.addError(reason);
    }
  } catch (error) {
    field.addError(
      `The pool could not be checked: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
};
