import type { LayeringForgeKind } from '@rhcos-layering/plugin-layering-common';

/**
 * `ui:options` of the `LayeringForgePicker` field.
 *
 * @public
 */
export interface LayeringForgePickerOptions {
  /** Form field of the personal token, a `ui:field: Secret` (default `forgeToken`). */
  tokenField?: string;
  /** Form field of the repository, a `RepoUrlPicker` (default `repoUrl`). */
  repoUrlField?: string;
}

/** Default name of the personal token field. */
export const DEFAULT_TOKEN_FIELD = 'forgeToken';

/** Default name of the repository field. */
export const DEFAULT_REPO_URL_FIELD = 'repoUrl';

/** Labels of the forges when the template gives no `enumNames`. */
export const DEFAULT_FORGE_LABELS: Record<LayeringForgeKind, string> = {
  github: 'GitHub pull request',
  gitlab: 'GitLab merge request',
};
