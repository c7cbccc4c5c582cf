/**
 * Where a pull or merge request lives, independent of the URL form it was given in.
 * @public
 */
export interface PullRequestRef {
  forge: 'github' | 'gitlab';
  /** Host name, lower case, without port 443. */
  host: string;
  /** `owner/repo` on GitHub, the project's full path on GitLab, as written (compared without case). */
  project: string;
  number: number;
}

const GITHUB_HTML = /^\/([^/]+)\/([^/]+)\/pulls?\/(\d+)(?:[/?#].*)?$/;
const GITHUB_API =
  /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/(?:pulls|issues)\/(\d+)(?:[/?#].*)?$/;
const GITLAB_HTML = /^\/(.+?)\/-\/merge_requests\/(\d+)(?:[/?#].*)?$/;
const GITLAB_API =
  /^(?:\/.*)?\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)(?:[/?#].*)?$/;

/**
 * Reads a pull or merge request URL in any of the forms a forge hands out: GitHub's page
 * (`https://github.com/o/r/pull/7`) and API (`https://api.github.com/repos/o/r/pulls/7`,
 * `https://ghe.example.com/api/v3/repos/o/r/pulls/7`), GitLab's page
 * (`https://gitlab.com/group/sub/project/-/merge_requests/7`) and API
 * (`https://gitlab.com/api/v4/projects/group%2Fsub%2Fproject/merge_requests/7`).
 * Answers undefined for anything else.
 *
 * @public
 */
export function parsePullRequestUrl(
  url: string | null | undefined,
): PullRequestRef | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return undefined;
  let host = parsed.hostname.toLowerCase();
  const path = parsed.pathname.replace(/\/+$/, '');
  const gitlabApi = GITLAB_API.exec(path);
  if (gitlabApi) {
    return ref('gitlab', host, decodeURIComponent(gitlabApi[1]), gitlabApi[2]);
  }
  const gitlab = GITLAB_HTML.exec(path);
  if (gitlab) {
    return ref('gitlab', host, decodeURIComponent(gitlab[1]), gitlab[2]);
  }
  const githubApi = GITHUB_API.exec(path);
  if (githubApi) {
    if (host === 'api.github.com') host = 'github.com';
    return ref('github', host, `${githubApi[1]}/${githubApi[2]}`, githubApi[3]);
  }
  const github = GITHUB_HTML.exec(path);
  if (github) {
    return ref(
      'github',
      host,
      `${github[1]}/${github[2].replace(/\.git$/, '')}`,
      github[3],
    );
  }
  return undefined;
}

function ref(
  forge: PullRequestRef['forge'],
  host: string,
  project: string,
  number: string,
): PullRequestRef | undefined {
  const n = Number(number);
  if (!Number.isSafeInteger(n) || n <= 0 || !project) return undefined;
  return { forge, host, project, number: n };
}

/**
 * True when both name the same pull or merge request (the forge kind is not compared: a
 * GitHub URL and a GitLab URL never share host and project).
 * @public
 */
export function samePullRequest(a: PullRequestRef, b: PullRequestRef): boolean {
  return (
    a.host === b.host &&
    a.number === b.number &&
    a.project.toLowerCase() === b.project.toLowerCase()
  );
}
