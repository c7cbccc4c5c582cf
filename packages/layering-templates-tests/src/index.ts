/**
 * Test support for the layering Software Templates in `templates/`: loading them as the catalog
 * does, a backend with the scaffolder, the forge modules and the layering plugins, the
 * scaffolder's task and dry-run APIs, an embedded cluster with test pools, and in-memory GitHub
 * and GitLab behind msw. The tests themselves live in `templates/__tests__/`.
 *
 * @packageDocumentation
 */

export * from './templates';
export * from './templateBackend';
export * from './testCluster';
export { FakeGitHub, type FakePullRequest } from './FakeGitHub';
export { FakeGitLab, type FakeMergeRequest } from './FakeGitLab';
export { startForges, type ForgeServer } from './forges';
export {
  useTemplateEnvironment,
  type TemplateEnvironment,
} from './environment';
export {
  requestNames,
  requestOutcomes,
  openPullRequest,
  openMergeRequest,
  rerunOnOpenPullRequest,
  rerunOnOpenMergeRequest,
  type RequestNames,
  type ExpectedRequest,
  type RequestRun,
} from './requests';
