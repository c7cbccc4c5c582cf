import type { Server } from 'node:http';
import type { JsonObject } from '@backstage/types';
import type { FakeGitHub, FakePullRequest } from './FakeGitHub';
import type { FakeGitLab, FakeMergeRequest } from './FakeGitLab';
import {
  expectStatus,
  requestHistory,
  runTemplate,
  type FinishedTask,
} from './templateBackend';
import { TEST_CLUSTER } from './testCluster';

/** Where the templates put a request for one pool, and how they name it on the forge. */
export interface RequestNames {
  /** The pool's folder in the GitOps repository: the request's files go there. */
  dir: string;
  /** The branch of the pull or merge request. */
  branch: string;
  /** The labels of the pull or merge request. */
  labels: string[];
}

/**
 * The names the templates give request `request` (the last part of its branch: `modify-image`,
 * `pause`, …) for `pool` of `cluster`: the folder `clusters/<cluster>/pools/<pool>`, the branch
 * `layering/<cluster>/<pool>/<request>` and the labels `layering`, `layering/<request>`,
 * `cluster/<cluster>` and `pool/<pool>`.
 */
export function requestNames(
  request: string,
  pool: string,
  cluster: string = TEST_CLUSTER,
): RequestNames {
  return {
    dir: `clusters/${cluster}/pools/${pool}`,
    branch: `layering/${cluster}/${pool}/${request}`,
    labels: [
      'layering',
      `layering/${request}`,
      `cluster/${cluster}`,
      `pool/${pool}`,
    ],
  };
}

/**
 * Each request the layering backend recorded for `pool` of `cluster`, as its kind, delivery and
 * outcome (`['modify', 'direct', 'applied']`), in the order of the history.
 */
export async function requestOutcomes(
  server: Server,
  pool: string,
  cluster: string = TEST_CLUSTER,
): Promise<Array<[string, string, string]>> {
  const history = await requestHistory(server, cluster, pool);
  return history.map(r => [r.kind, r.delivery, r.outcome]);
}

/** What the first run of a template must leave on the forge. */
export interface ExpectedRequest {
  branch: string;
  title: string;
  labels: string[];
  /** Every file on the branch, sorted. */
  files: string[];
}

/** One run of a template: its name, the form values and the task secrets. */
export interface RequestRun {
  name: string;
  values: JsonObject;
  secrets?: Record<string, string>;
}

/** Runs a template and fails with its log unless the task completes. */
async function runToCompletion(
  server: Server,
  run: RequestRun,
): Promise<FinishedTask> {
  const task = await runTemplate(server, run.name, run.values, run.secrets);
  expectStatus(task, 'completed');
  return task;
}

/** What the checks below need to know of a fake forge and its requests. */
interface ForgeRequests<R extends { updates: number }> {
  /** `pull request` or `merge request`, for messages. */
  kind: string;
  /** The forge's requests, oldest first (the fake's own array). */
  all: R[];
  files(branch: string): Record<string, string>;
  branchOf(request: R): string;
  isOpen(request: R): boolean;
  /** The link to the request that a task's output gives. */
  linkTo(request: R): { title: string; icon: string; url: string };
  /** How many times the forge was asked to open a request so far. */
  openCalls(): number;
  /** What a request opened as `expected` matches. */
  opened(expected: ExpectedRequest): Partial<R>;
  /** Steps a run that finds the request open runs, and steps it does not. */
  rerunSteps: { ran: string[]; notRan: string[] };
}

function onGitHub(github: FakeGitHub): ForgeRequests<FakePullRequest> {
  return {
    kind: 'pull request',
    all: github.pulls,
    files: branch => github.files(branch),
    branchOf: pr => pr.head,
    isOpen: pr => pr.state === 'open',
    linkTo: pr => ({
      title: 'Pull request',
      icon: 'github',
      url: `https://github.com/${github.owner}/${github.repo}/pull/${pr.number}`,
    }),
    openCalls: () =>
      github.calls.filter(c => /^POST .*\/pulls$/.test(c)).length,
    // The templates ask the group that owns the pool (platform, in the test catalog) to review.
    opened: expected => ({
      head: expected.branch,
      state: 'open',
      title: expected.title,
      labels: expected.labels,
      teamReviewers: ['platform'],
    }),
    // publish:github:pull-request updates the open pull request of its branch itself.
    rerunSteps: { ran: ['publish-github'], notRan: [] },
  };
}

function onGitLab(gitlab: FakeGitLab): ForgeRequests<FakeMergeRequest> {
  return {
    kind: 'merge request',
    all: gitlab.mergeRequests,
    files: branch => gitlab.files(branch),
    branchOf: mr => mr.sourceBranch,
    isOpen: mr => mr.state === 'opened',
    linkTo: mr => ({
      title: 'Merge request',
      icon: 'gitlab',
      url: `https://gitlab.com/${gitlab.projectPath}/-/merge_requests/${mr.iid}`,
    }),
    openCalls: () =>
      gitlab.calls.filter(c => /^POST .*\/merge_requests$/.test(c)).length,
    opened: expected => ({
      sourceBranch: expected.branch,
      state: 'opened',
      title: expected.title,
      labels: expected.labels,
    }),
    // The templates look up the open merge request (gitlab-open), push to its branch and refresh
    // its description instead of publishing a new one.
    rerunSteps: {
      ran: ['gitlab-open', 'gitlab-refresh'],
      notRan: ['publish-gitlab'],
    },
  };
}

async function openRequest<R extends { updates: number }>(
  server: Server,
  forge: ForgeRequests<R>,
  run: RequestRun & { expected: ExpectedRequest },
): Promise<{ task: FinishedTask; files: Record<string, string>; request: R }> {
  const { expected } = run;
  const before = forge.all.length;
  const task = await runToCompletion(server, run);
  const files = forge.files(expected.branch);
  expect(Object.keys(files).sort()).toEqual(expected.files);
  expect(forge.all).toHaveLength(before + 1);
  const request = forge.all[before];
  expect(request).toMatchObject(forge.opened(expected));
  expect(task.output.links).toContainEqual(forge.linkTo(request));
  return { task, files, request };
}

async function rerunOnOpenRequest<R extends { updates: number }>(
  server: Server,
  forge: ForgeRequests<R>,
  run: RequestRun & { branch: string },
): Promise<{ task: FinishedTask; request: R }> {
  const ofBranch = () =>
    forge.all.filter(r => forge.branchOf(r) === run.branch);
  const open = ofBranch().filter(r => forge.isOpen(r));
  if (open.length !== 1) {
    throw new Error(
      `Expected one open ${forge.kind} of ${run.branch} before the second run, found ${open.length}`,
    );
  }
  const [before] = open;
  const updatesBefore = before.updates;
  const openCallsBefore = forge.openCalls();

  const task = await runToCompletion(server, run);

  expect(task.ranSteps).toEqual(expect.arrayContaining(forge.rerunSteps.ran));
  for (const step of forge.rerunSteps.notRan) {
    expect(task.ranSteps).not.toContain(step);
  }
  expect(forge.openCalls()).toBe(openCallsBefore);
  expect(ofBranch()).toEqual([before]);
  expect(before.updates).toBe(updatesBefore + 1);
  expect(task.output.links).toContainEqual(forge.linkTo(before));
  return { task, request: before };
}

/**
 * Runs a template whose values deliver to GitHub, the first request of its branch, and checks
 * what that run must leave: the task completes, the branch holds exactly `expected.files`, and
 * the run opened one pull request of the branch, titled and labelled as expected, with the team
 * that owns the pool (platform) asked to review, and linked from the task's output. Returns the
 * task, the branch's files and the pull request for the template's own checks (contents, body).
 */
export async function openPullRequest(
  server: Server,
  github: FakeGitHub,
  run: RequestRun & { expected: ExpectedRequest },
): Promise<{
  task: FinishedTask;
  files: Record<string, string>;
  pullRequest: FakePullRequest;
}> {
  const { request, ...rest } = await openRequest(server, onGitHub(github), run);
  return { ...rest, pullRequest: request };
}

/**
 * Runs a template whose values deliver to GitLab, the first request of its branch, and checks
 * what that run must leave: the task completes, the branch holds exactly `expected.files`, and
 * the run opened one merge request of the branch, titled and labelled as expected, and linked
 * from the task's output. Returns the task, the branch's files and the merge request for the
 * template's own checks (contents, description).
 */
export async function openMergeRequest(
  server: Server,
  gitlab: FakeGitLab,
  run: RequestRun & { expected: ExpectedRequest },
): Promise<{
  task: FinishedTask;
  files: Record<string, string>;
  mergeRequest: FakeMergeRequest;
}> {
  const { request, ...rest } = await openRequest(server, onGitLab(gitlab), run);
  return { ...rest, mergeRequest: request };
}

/**
 * Runs a template again while the pull request of `branch` is open, and checks what a second
 * run must do on GitHub: the task completes, it opens no pull request, it edits the open one
 * once, and its output links to it. Returns the task and the pull request for the template's
 * own checks (files, body).
 */
export async function rerunOnOpenPullRequest(
  server: Server,
  github: FakeGitHub,
  run: RequestRun & { branch: string },
): Promise<{ task: FinishedTask; pullRequest: FakePullRequest }> {
  const { task, request } = await rerunOnOpenRequest(
    server,
    onGitHub(github),
    run,
  );
  return { task, pullRequest: request };
}

/**
 * Runs a template again while the merge request of `branch` is open, and checks what a second
 * run must do on GitLab: the task completes, it finds the open merge request and edits it once,
 * it opens none, and its output links to it. Returns the task and the merge request for the
 * template's own checks (files, description).
 */
export async function rerunOnOpenMergeRequest(
  server: Server,
  gitlab: FakeGitLab,
  run: RequestRun & { branch: string },
): Promise<{ task: FinishedTask; mergeRequest: FakeMergeRequest }> {
  const { task, request } = await rerunOnOpenRequest(
    server,
    onGitLab(gitlab),
    run,
  );
  return { task, mergeRequest: request };
}
