import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createBuildDeleteAction } from './buildDelete';
import { createBuildRebuildAction } from './buildRebuild';
import { createClusterApplyAction } from './clusterApply';
import { createContainerfileComposeAction } from './containerfileCompose';
import { createLayerRevertAction } from './layerRevert';
import { createManifestRenderAction } from './manifestRender';
import { createMergeRequestFindAction } from './mergeRequestFind';
import { createMergeRequestUpdateAction } from './mergeRequestUpdate';
import { createNodeAssignAction } from './nodeAssign';
import { createPoolPauseAction } from './poolPause';
import { createPoolResumeAction } from './poolResume';
import { createRequestRecordAction } from './requestRecord';
import type { LayeringActionOptions } from '../services/actionOptions';
import { withTaskSignal } from '../services/taskSignal';
import { CLUSTER_WRITING_ACTIONS, withClusterWriteAudit } from '../services/audit';

export {
  createBuildDeleteAction,
  createBuildRebuildAction,
  createClusterApplyAction,
  createContainerfileComposeAction,
  createLayerRevertAction,
  createManifestRenderAction,
  createMergeRequestFindAction,
  createMergeRequestUpdateAction,
  createNodeAssignAction,
  createPoolPauseAction,
  createPoolResumeAction,
  createRequestRecordAction,
};
export type { LayeringActionOptions };

/**
 * Every `layering:*` action, built with the same options.
 *
 * @public
 */
export function createLayeringActions(
  options: LayeringActionOptions,
): TemplateAction<any, any, any>[] {
  const actions: TemplateAction<any, any, any>[] = [
    createContainerfileComposeAction(options),
    createManifestRenderAction(options),
    createClusterApplyAction(options),
    createPoolPauseAction(options),
    createPoolResumeAction(options),
    createBuildRebuildAction(options),
    createBuildDeleteAction(options),
    createLayerRevertAction(options),
    createNodeAssignAction(options),
    createRequestRecordAction(options),
    createMergeRequestFindAction(options),
    createMergeRequestUpdateAction(options),
    // Every call an action makes (cluster, forge, layering backend) honours the task's signal.
  ].map(action => withTaskSignal(action));
  const { auditor } = options;
  return auditor
    ? actions.map(a => (CLUSTER_WRITING_ACTIONS.has(a.id) ? withClusterWriteAudit(a, auditor) : a))
    : actions;
}
