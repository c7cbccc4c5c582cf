import type { JsonObject } from '@backstage/types';
import {
  openMergeRequest,
  openPullRequest,
  rerunOnOpenMergeRequest,
  rerunOnOpenPullRequest,
  useTemplateEnvironment,
  type ExpectedRequest,
  type RequestRun,
} from '@rhcos-layering/layering-templates-tests';
import { GITHUB, GITLAB, TEMPLATE_VALUES, gitopsForges } from './fixtures';

/** One run of the suite's template: what it changes in the form values, and its task secrets. */
export interface SuiteRun {
  values?: JsonObject;
  secrets?: Record<string, string>;
}

/**
 * Registers the environment of a suite for template `name`, delivering to platform/cluster-gitops
 * (whose default branch holds `repoFiles`, else a README), and returns it with the fake forges
 * and the template's forge requests. Each request runs with `values` (the template's
 * TEMPLATE_VALUES unless given), then the run's own values, then the delivery to GitHub or GitLab.
 * The first request of the branch is checked against `expected`, changed by the run's
 * `expected`; the second one finds it open.
 */
export function useRequestSuite(options: {
  name: string;
  expected: ExpectedRequest;
  values?: JsonObject;
  repoFiles?: Record<string, string>;
}) {
  const { name, expected, values = TEMPLATE_VALUES[name] } = options;
  const { github, gitlab } = gitopsForges(options.repoFiles);
  const env = useTemplateEnvironment({ github, gitlab });
  const server = () => env.backend.server;
  const request = (delivery: JsonObject, run: SuiteRun): RequestRun => ({
    name,
    values: { ...values, ...run.values, ...delivery },
    secrets: run.secrets,
  });
  type FirstRun = SuiteRun & { expected?: Partial<ExpectedRequest> };
  const first = (delivery: JsonObject, run: FirstRun) => ({
    ...request(delivery, run),
    expected: { ...expected, ...run.expected },
  });
  const second = (delivery: JsonObject, run: SuiteRun) => ({
    ...request(delivery, run),
    branch: expected.branch,
  });
  return {
    env,
    github,
    gitlab,
    openPullRequest: (run: FirstRun = {}) =>
      openPullRequest(server(), github, first(GITHUB, run)),
    openMergeRequest: (run: FirstRun = {}) =>
      openMergeRequest(server(), gitlab, first(GITLAB, run)),
    rerunOnOpenPullRequest: (run: SuiteRun = {}) =>
      rerunOnOpenPullRequest(server(), github, second(GITHUB, run)),
    rerunOnOpenMergeRequest: (run: SuiteRun = {}) =>
      rerunOnOpenMergeRequest(server(), gitlab, second(GITLAB, run)),
  };
}
