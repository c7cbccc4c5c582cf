import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { layeringApiRef } from '../../api';
import { clusterFromForm } from '../fieldContext';
import {
  isPoolSetting,
  settingIssues,
  type LayeringPoolSettingOptions,
} from './rules';

/**
 * Validation of the `LayeringPoolSetting` field: the errors the scaffolder
 * actions would raise for a non-empty value (the push spec against the
 * chosen cluster's MachineOSConfig version). The template's own `pattern`
 * and `required` are checked by the form as usual.
 *
 * @public
 */
export const layeringPoolSettingValidation: CustomFieldValidator<
  string,
  LayeringPoolSettingOptions
> = async (data, field, context) => {
  const options = context.uiSchema?.['ui:options'];
  const setting = options?.setting;
  if (!data || !isPoolSetting(setting)) return;
  let apiVersion;
  if (setting === 'renderedImagePushSpec') {
    const cluster = clusterFromForm(context.formData, options);
    const api = context.apiHolder.get(layeringApiRef);
    if (cluster && api) {
      try {
        apiVersion =
          (await api.getCluster(cluster)).machineOSConfigApiVersion ??
          undefined;
      } catch {
        // The v1 rules still apply; the actions check the cluster's version again.
      }
    }
  }
  for (const issue of settingIssues(data, setting, apiVersion)) {
    if (issue.severity === 'error') field.addError(issue.message);
  }
};
