import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GitLabMergeRequests } from '../forges/GitLabMergeRequests';
import { assertGitLabRepoUrl, gitlabIntegrations } from '../forges/gitlabProject';
import { gitlabRepoUrl, gitlabToken } from '../services/inputProperties';
import { examples } from './mergeRequestFind.examples';
import type { LayeringActionOptions } from '../services/actionOptions';

/**
 * Creates `layering:merge-request:find`: tells whether a merge request is already open
 * for a branch, so a template can update it (with `gitlab:repo:push` and
 * `layering:merge-request:update`) instead of failing in `publish:gitlab:merge-request`.
 *
 * @public
 */
export function createMergeRequestFindAction(
  options: LayeringActionOptions,
) {
  return createTemplateAction({
    id: 'layering:merge-request:find',
    description:
      'Finds the open GitLab merge request of a source branch, so that re-running a template updates it instead of opening a second one',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: gitlabRepoUrl,
        branchName: z =>
          z
            .string({ description: 'Source branch of the merge request' })
            .min(1)
            .max(255),
        token: gitlabToken,
      },
      output: {
        exists: z =>
          z.boolean({
            description: 'True when a merge request is open for the branch',
          }),
        mergeRequestUrl: z =>
          z
            .string({ description: 'Web URL of the open merge request' })
            .optional(),
        mergeRequestIid: z =>
          z
            .number({
              description:
                'Project-scoped number (iid) of the open merge request',
            })
            .optional(),
        targetBranchName: z =>
          z
            .string({ description: 'Branch the open merge request targets' })
            .optional(),
      },
    },
    async handler(ctx) {
      const { branchName } = ctx.input;
      assertGitLabRepoUrl(options.integrations, ctx.input.repoUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would look for an open merge request of branch ${branchName}`,
        );
        ctx.output('exists', false);
        return;
      }
      const gitlab = GitLabMergeRequests.forRepo({
        repoUrl: ctx.input.repoUrl,
        token: ctx.input.token,
        integrations: gitlabIntegrations(options.integrations),
        timeoutMs: options.config?.timeouts?.forgeMs,
      });
      const open = await gitlab.findOpen(branchName);
      if (!open) {
        ctx.logger.info(
          `No merge request is open for ${gitlab.projectPath} branch ${branchName}`,
        );
        ctx.output('exists', false);
        return;
      }
      ctx.logger.info(
        `Merge request !${open.iid} is open for branch ${branchName}: the change goes to it (${open.webUrl})`,
      );
      ctx.output('exists', true);
      ctx.output('mergeRequestUrl', open.webUrl);
      ctx.output('mergeRequestIid', open.iid);
      ctx.output('targetBranchName', open.targetBranch);
    },
  });
}
