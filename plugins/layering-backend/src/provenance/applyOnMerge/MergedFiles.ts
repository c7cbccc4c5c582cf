import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  parsePullRequestUrl,
  type PullRequestRef,
} from '../../forge/pullRequestRef';

/** One file of a merged change, as it is in the merge commit. */
export interface MergedFile {
  path: string;
  content: string;
}

/** Where the files of a merged pull request come from. */
export interface MergedFilesSource {
  /** The manifest files (`.yaml`, `.yml`, `.json`) the pull request added or changed, as merged. */
  mergedFiles(
    pullRequestUrl: string,
  ): Promise<{ commit: string; files: MergedFile[] }>;
}

const MANIFEST = /\.(ya?ml|json)$/i;
/** More files than a layering request renders: anything bigger is not a layering request. */
const MAX_FILES = 20;
const MAX_BYTES = 256 * 1024;

async function get(
  url: string,
  headers: Record<string, string>,
  as: 'json' | 'text',
) {
  const response = await fetch(url, {
    headers,
    redirect: 'error',
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new ServiceUnavailableError(
      `${new URL(url).host} answered ${
        response.status
      } for the merged pull request`,
    );
  }
  if (as === 'text') {
    const text = await response.text();
    if (text.length > MAX_BYTES)
      throw new InputError(`A merged file is larger than ${MAX_BYTES} bytes`);
    return text;
  }
  return (await response.json()) as unknown;
}

type Dict = Record<string, unknown>;

/**
 * Reads the files of a merged pull request (GitHub) or merge request (GitLab) at its merge
 * commit, with the portal's integration credentials.
 */
export class ForgeMergedFiles implements MergedFilesSource {
  readonly #integrations: ScmIntegrations;
  readonly #github: DefaultGithubCredentialsProvider;

  constructor(integrations: ScmIntegrations) {
    this.#integrations = integrations;
    this.#github =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  async mergedFiles(pullRequestUrl: string) {
    const ref = parsePullRequestUrl(pullRequestUrl);
    if (!ref)
      throw new InputError(
        `pullRequestUrl: ${pullRequestUrl} is no pull or merge request URL`,
      );
    return ref.forge === 'github' ? this.#github_(ref) : this.#gitlab(ref);
  }

  async #github_(ref: PullRequestRef) {
    const integration = this.#integrations.github.byHost(ref.host);
    if (!integration)
      throw new ServiceUnavailableError(
        `No GitHub integration for ${ref.host}`,
      );
    const [owner, repo] = ref.project.split('/');
    const { headers = {} } = await this.#github.getCredentials({
      url: `https://${ref.host}/${owner}/${repo}`,
    });
    const api = `${(
      integration.config.apiBaseUrl ?? 'https://api.github.com'
    ).replace(/\/+$/, '')}/repos/${encodeURIComponent(
      owner,
    )}/${encodeURIComponent(repo)}`;
    const json = { ...headers, accept: 'application/vnd.github+json' };
    const pr = (await get(`${api}/pulls/${ref.number}`, json, 'json')) as Dict;
    const commit =
      typeof pr.merge_commit_sha === 'string' ? pr.merge_commit_sha : '';
    if (pr.merged !== true || !commit)
      throw new InputError(
        `Pull request ${pullRequestUrlOf(ref)} is not merged`,
      );
    const listed = (await get(
      `${api}/pulls/${ref.number}/files?per_page=100`,
      json,
      'json',
    )) as Dict[];
    const paths = listed
      .filter(
        f =>
          f.status !== 'removed' &&
          typeof f.filename === 'string' &&
          MANIFEST.test(f.filename),
      )
      .map(f => f.filename as string);
    if (paths.length > MAX_FILES)
      throw new InputError(
        `The pull request changes more than ${MAX_FILES} manifest files`,
      );
    const files: MergedFile[] = [];
    for (const path of paths) {
      const content = (await get(
        `${api}/contents/${path
          .split('/')
          .map(encodeURIComponent)
          .join('/')}?ref=${commit}`,
        { ...headers, accept: 'application/vnd.github.raw+json' },
        'text',
      )) as string;
      files.push({ path, content });
    }
    return { commit, files };
  }

  async #gitlab(ref: PullRequestRef) {
    const integration = this.#integrations.gitlab.byHost(ref.host);
    if (!integration)
      throw new ServiceUnavailableError(
        `No GitLab integration for ${ref.host}`,
      );
    const headers: Record<string, string> = integration.config.token
      ? { 'private-token': integration.config.token }
      : {};
    const project = `${integration.config.apiBaseUrl.replace(
      /\/+$/,
      '',
    )}/projects/${encodeURIComponent(ref.project)}`;
    const mr = (await get(
      `${project}/merge_requests/${ref.number}`,
      headers,
      'json',
    )) as Dict;
    const commit = [mr.merge_commit_sha, mr.squash_commit_sha, mr.sha].find(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    if (mr.state !== 'merged' || !commit)
      throw new InputError(
        `Merge request ${pullRequestUrlOf(ref)} is not merged`,
      );
    const diffs = (await get(
      `${project}/merge_requests/${ref.number}/diffs?per_page=100`,
      headers,
      'json',
    )) as Dict[];
    const paths = diffs
      .filter(
        d =>
          d.deleted_file !== true &&
          typeof d.new_path === 'string' &&
          MANIFEST.test(d.new_path),
      )
      .map(d => d.new_path as string);
    if (paths.length > MAX_FILES)
      throw new InputError(
        `The merge request changes more than ${MAX_FILES} manifest files`,
      );
    const files: MergedFile[] = [];
    for (const path of paths) {
      const content = (await get(
        `${project}/repository/files/${encodeURIComponent(
          path,
        )}/raw?ref=${commit}`,
        headers,
        'text',
      )) as string;
      files.push({ path, content });
    }
    return { commit, files };
  }
}

function pullRequestUrlOf(ref: PullRequestRef) {
  return `${ref.host}/${ref.project}#${ref.number}`;
}
