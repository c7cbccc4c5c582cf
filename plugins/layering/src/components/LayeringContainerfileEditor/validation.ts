import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { layeringApiRef } from '../../api';
import { clusterFromForm } from '../fieldContext';
import {
  containerfileIssues,
  formatIssue,
  type LayeringContainerfileEditorOptions,
} from './rules';

/**
 * Validation of the `LayeringContainerfileEditor` field: every error the
 * scaffolder actions would raise for this content. Warnings do not block.
 *
 * @public
 */
export const layeringContainerfileEditorValidation: CustomFieldValidator<
  string,
  LayeringContainerfileEditorOptions
> = async (data, field, context) => {
  const options = context.uiSchema?.['ui:options'] ?? {};
  let apiVersion = options.apiVersion;
  let expectedBaseImage: string | null | undefined;
  const cluster = clusterFromForm(context.formData, options);
  const api = context.apiHolder.get(layeringApiRef);
  if (cluster && api) {
    try {
      const view = await api.getCluster(cluster);
      apiVersion = apiVersion ?? view.machineOSConfigApiVersion ?? undefined;
      expectedBaseImage = view.release.baseImage;
    } catch {
      // The content rules still apply without the cluster's details; the
      // actions check the cluster-specific ones again before any change.
    }
  }
  for (const issue of containerfileIssues(data ?? '', {
    mode: options.mode ?? 'on-cluster',
    apiVersion,
    expectedBaseImage,
  })) {
    if (issue.severity === 'error') {
      field.addError(formatIssue(issue));
    }
  }
};
