import { assertError, InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  parseRepoUrl,
  serializeDirectoryContents,
} from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import fs from 'node:fs';
import { z as zod } from 'zod/v3';
import { GitLabMergeRequests } from '../forges/GitLabMergeRequests';
import { findExamples, updateExamples } from './gitlabMergeRequest.examples';
import type { LayeringActionOptions } from './types';

const repoUrl = (z: typeof zod) =>
  z.string({
    description:
      "The GitOps repository as the RepoUrlPicker gives it, e.g. 'gitlab.com?owner=platform&repo=cluster-gitops'",
  });

const token = (z: typeof zod) =>
  z
    .string({
      description:
        "A user's GitLab token (a task secret); without it the host's integrations.gitlab token is used",
    })
    .optional();

function integrationsOf(options: LayeringActionOptions) {
  return (
    options.integrations ?? ScmIntegrations.fromConfig(new ConfigReader({}))
  );
}

// A GitLab project path: (sub)group segments and a name, none of them "." or "..".
const PROJECT_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

function assertRepoUrl(options: LayeringActionOptions, value: string) {
  let parsed: ReturnType<typeof parseRepoUrl>;
  try {
    parsed = parseRepoUrl(value, integrationsOf(options));
  } catch (error) {
    assertError(error);
    throw new InputError(`repoUrl: ${error.message}`);
  }
  const project = parsed.project ?? `${parsed.owner ?? ''}/${parsed.repo ?? ''}`;
  // A numeric project id is fine too (parseRepoUrl's `project` parameter).
  if (!/^\d+$/.test(project) && !project.split('/').every(segment => PROJECT_SEGMENT.test(segment))) {
    throw new InputError(
      `repoUrl: ${project} is not a GitLab project path (group and project names of letters, digits, ".", "_" and "-")`,
    );
  }
}

/**
 * Creates `layering:merge-request:find`: tells whether a merge request is already open
 * for a branch, so a template can update it (with `gitlab:repo:push` and
 * `layering:merge-request:update`) instead of failing in `publish:gitlab:merge-request`.
 *
 * @public
 */
export function createGitLabFindMergeRequestAction(
  options: LayeringActionOptions,
) {
  return createTemplateAction({
    id: 'layering:merge-request:find',
    description:
      'Finds the open GitLab merge request of a source branch, so that re-running a template updates it instead of opening a second one',
    examples: findExamples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl,
        branchName: z =>
          z
            .string({ description: 'Source branch of the merge request' })
            .min(1)
            .max(255),
        token,
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
      assertRepoUrl(options, ctx.input.repoUrl);
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
        integrations: integrationsOf(options),
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

/**
 * Creates `layering:merge-request:update`: replaces the title and description of an open
 * merge request and adds labels, after a re-run pushed the new files to its branch.
 *
 * @public
 */
export function createGitLabUpdateMergeRequestAction(
  options: LayeringActionOptions,
) {
  return createTemplateAction({
    id: 'layering:merge-request:update',
    description:
      'Replaces the title and description of an open GitLab merge request and adds labels, e.g. after a template pushed new files to it',
    examples: updateExamples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl,
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
        token,
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
      assertRepoUrl(options, ctx.input.repoUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would update merge request !${mergeRequestIid}`,
        );
        return;
      }
      const gitlab = GitLabMergeRequests.forRepo({
        repoUrl: ctx.input.repoUrl,
        token: ctx.input.token,
        integrations: integrationsOf(options),
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
