import type { Server } from 'node:http';
import type { JsonObject } from '@backstage/types';
import type { FakeGitLab, FakeMergeRequest } from './FakeGitLab';
import { runTemplate, type FinishedTask } from './templateBackend';

/**
 * Runs template `name` again with `values` while the merge request of `branch` is open, and
 * checks what a second run must do on GitLab: the task succeeds, it finds the open merge request
 * and edits it once, it opens none, and its output links to the same merge request. Returns the
 * task and the merge request for the template's own checks (files, description).
 */
export async function rerunOnOpenMergeRequest(
  server: Server,
  gitlab: FakeGitLab,
  options: { name: string; values: JsonObject; branch: string },
): Promise<{ task: FinishedTask; mergeRequest: FakeMergeRequest }> {
  const open = gitlab.mergeRequests.filter(
    mr => mr.sourceBranch === options.branch && mr.state === 'opened',
  );
  if (open.length !== 1) {
    throw new Error(
      `Expected one open merge request of ${options.branch} before the second run, found ${open.length}`,
    );
  }
  const [before] = open;
  const updatesBefore = before.updates;
  const opened = () =>
    gitlab.calls.filter(c => /^POST .*\/merge_requests$/.test(c)).length;
  const openedBefore = opened();

  const task = await runTemplate(server, options.name, options.values);

  if (task.status !== 'completed') {
    throw new Error(
      `The second run ended ${task.status}:\n${task.log.slice(-20).join('\n')}`,
    );
  }
  expect(task.ranSteps).toEqual(
    expect.arrayContaining(['gitlab-open', 'gitlab-refresh']),
  );
  expect(task.ranSteps).not.toContain('publish-gitlab');
  expect(opened()).toBe(openedBefore);
  expect(
    gitlab.mergeRequests.filter(mr => mr.sourceBranch === options.branch),
  ).toEqual([before]);
  expect(before.updates).toBe(updatesBefore + 1);
  expect(task.output.links).toContainEqual({
    title: 'Merge request',
    icon: 'gitlab',
    url: `https://gitlab.com/${gitlab.projectPath}/-/merge_requests/${before.iid}`,
  });
  return { task, mergeRequest: before };
}
