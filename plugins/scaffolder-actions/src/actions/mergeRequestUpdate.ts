import { InputError } from '@backstage/errors';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  serializeDirectoryContents,
} from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import fs from 'node:fs';
import { GitLabMergeRequests } from '../forges/GitLabMergeRequests';
import { assertGitLabRepoUrl, gitlabIntegrations } from '../forges/gitlabProject';
import { gitlabRepoUrl, gitlabToken } from '../services/inputProperties';
import { examples } from './mergeRequestUpdate.examples';
import type { LayeringActionOptions } from '../services/actionOptions';

/**
 * Creates `layering:merge-request:update`: replaces the title and description of an open
 * merge request and adds labels, after a re-run pushed the new files to its branch.
 *
 * @public
 */
export function createMergeRequestUpdateAction(
  options: LayeringActionOptions,
) {
  return createTemplateAction({
    id: 'layering:merge-request:update',
    description:
      'Replaces the title and description of an open GitLab merge request and adds labels, e.g. after a template pushed new files to it',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: gitlabRepoUrl,
        mergeRequestIid: z =>
          z.coerce
            .number({
              description: 'Project-scoped number (iid) of the merge request',
            })
            .int()
            .positive(),
        title: z => z.string({ description: 'New title' }).min(1).max(255),
        description: z =>
          z
            .string({ description: 'New description (Markdown)' })
            .max(1_000_000),
        labels: z =>
          z
            .array(z.string().min(1).max(255), {
              description: 'Labels to add; existing labels stay',
            })
            .default([]),
        pruneUnder: z =>
          z
            .string({
              description:
                "A directory of the repository (and of the workspace) the request owns, e.g. clusters/<cluster>/pools/<pool>: files an earlier run added there that this run no longer renders are deleted from the branch, so the merge request carries exactly this run's request",
            })
            .regex(
              /^(?!(.*\/)?\.{1,2}(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
              'a relative path inside the repository, without . or .. segments',
            )
            .optional(),
        branchName: z =>
          z
            .string({
              description:
                'Source branch of the merge request (needed with pruneUnder)',
            })
            .optional(),
        targetBranchName: z =>
          z
            .string({
              description:
                'Branch the merge request targets (needed with pruneUnder): files that exist there are never deleted',
            })
            .optional(),
        token: gitlabToken,
      },
      output: {
        mergeRequestUrl: z =>
          z.string({ description: 'Web URL of the merge request' }),
        removedFiles: z =>
          z
            .array(z.string(), {
              description:
                'Files deleted from the branch because of pruneUnder',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const {
        mergeRequestIid,
        title,
        description,
        labels = [],
        pruneUnder,
      } = ctx.input;
      if (
        pruneUnder &&
        (!ctx.input.branchName || !ctx.input.targetBranchName)
      ) {
        throw new InputError(
          'branchName: pruneUnder needs the branchName and the targetBranchName of the merge request',
        );
      }
      assertGitLabRepoUrl(options.integrations, ctx.input.repoUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would update merge request !${mergeRequestIid}`,
        );
        return;
      }
      const gitlab = GitLabMergeRequests.forRepo({
        repoUrl: ctx.input.repoUrl,
        token: ctx.input.token,
        integrations: gitlabIntegrations(options.integrations),
        timeoutMs: options.config?.timeouts?.forgeMs,
      });
      if (pruneUnder) {
        const removed = await pruneStaleFiles(ctx.workspacePath, gitlab, {
          dir: pruneUnder,
          branch: ctx.input.branchName!,
          target: ctx.input.targetBranchName!,
        });
        if (removed.length > 0) {
          ctx.logger.info(
            `Deleted from the branch what this request no longer renders: ${removed.join(
              ', ',
            )}`,
          );
        }
        ctx.output('removedFiles', removed);
      }
      const updated = await gitlab.update(mergeRequestIid, {
        title,
        description,
        labels,
      });
      ctx.logger.info(
        `Updated the title, description and labels of merge request !${updated.iid}`,
      );
      ctx.output('mergeRequestUrl', updated.webUrl);
    },
  });
}

/**
 * Deletes from `branch` the files under `dir` that an earlier run added (they are not on the
 * target branch) and that the workspace no longer has. Files of the target branch are kept even
 * when the workspace lacks them: the request did not create them.
 */
async function pruneStaleFiles(
  workspacePath: string,
  gitlab: GitLabMergeRequests,
  where: { dir: string; branch: string; target: string },
): Promise<string[]> {
  const local = resolveSafeChildPath(workspacePath, where.dir);
  const rendered = new Set(
    fs.existsSync(local)
      ? (await serializeDirectoryContents(local, { gitignore: true })).map(f =>
          path.posix.join(where.dir, f.path),
        )
      : [],
  );
  // A missing branch lists as "no files": on the target that would mark every file of the
  // request's branch as stale, so nothing is pruned unless both branches exist.
  const [hasBranch, hasTarget] = await Promise.all([
    gitlab.branchExists(where.branch),
    gitlab.branchExists(where.target),
  ]);
  if (!hasTarget) {
    throw new InputError(
      `targetBranchName: branch "${where.target}" does not exist in the project; nothing was pruned`,
    );
  }
  if (!hasBranch) {
    throw new InputError(
      `branchName: branch "${where.branch}" does not exist in the project; nothing was pruned`,
    );
  }
  const [onBranch, onTarget] = await Promise.all([
    gitlab.listFiles(where.branch, where.dir),
    gitlab.listFiles(where.target, where.dir),
  ]);
  const kept = new Set(onTarget);
  const stale = onBranch
    .filter(file => !rendered.has(file) && !kept.has(file))
    .sort();
  if (stale.length > 0) {
    await gitlab.deleteFiles(
      where.branch,
      stale,
      'layering: remove what the request no longer changes',
    );
  }
  return stale;
}
