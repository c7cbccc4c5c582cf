import { assertError, InputError } from '@backstage/errors';
import {
  ScmIntegrations,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';

/**
 * The portal's integrations, or (when the module was built without them) an empty registry that
 * knows only gitlab.com, with no token.
 */
export function gitlabIntegrations(
  integrations: ScmIntegrationRegistry | undefined,
): ScmIntegrationRegistry {
  return integrations ?? ScmIntegrations.fromConfig(new ConfigReader({}));
}

// A GitLab project path: (sub)group segments and a name, none of them "." or "..".
const PROJECT_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/**
 * Checks that `value` is a RepoUrlPicker value naming a known host and a GitLab project (a path of
 * group and project names, or a numeric project id); throws an `InputError` on `repoUrl` otherwise.
 */
export function assertGitLabRepoUrl(
  integrations: ScmIntegrationRegistry | undefined,
  value: string,
): void {
  let parsed: ReturnType<typeof parseRepoUrl>;
  try {
    parsed = parseRepoUrl(value, gitlabIntegrations(integrations));
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
