import {
  assertError,
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { callSignal } from '../services/taskSignal';

/** An open merge request, as the layering actions use it. */
export interface OpenMergeRequest {
  iid: number;
  webUrl: string;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
}

interface GitLabMergeRequestJson {
  iid: number;
  web_url: string;
  title: string;
  source_branch: string;
  target_branch: string;
  labels?: string[];
}

function toOpenMergeRequest(json: GitLabMergeRequestJson): OpenMergeRequest {
  return {
    iid: json.iid,
    webUrl: json.web_url,
    title: json.title,
    sourceBranch: json.source_branch,
    targetBranch: json.target_branch,
    labels: json.labels ?? [],
  };
}

/**
 * The two GitLab calls Backstage's GitLab actions do not make: find the open merge request of a
 * source branch, and change an open merge request's title, description and labels. Together with
 * `gitlab:repo:push` they let a template update the merge request it opened before, where
 * `publish:gitlab:merge-request` would fail on the existing branch.
 *
 * The token comes from the user (a task secret, sent as a bearer token) or from the
 * `integrations.gitlab` entry of the repository's host (sent as `PRIVATE-TOKEN`, as Backstage's
 * GitLab actions do). Tokens never appear in errors.
 *
 * Each call has a time limit (`timeoutMs`, default 30 s) and honours the abort signal of the task
 * it runs for; either ends the request and fails naming the call and the GitLab host.
 */
export class GitLabMergeRequests {
  readonly #apiBaseUrl: string;
  readonly #projectPath: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  private constructor(
    apiBaseUrl: string,
    projectPath: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ) {
    this.#apiBaseUrl = apiBaseUrl;
    this.#projectPath = projectPath;
    this.#headers = headers;
    this.#timeoutMs = timeoutMs;
  }

  /** Resolves the repository and the credentials; InputError naming the field when either is missing. */
  static forRepo(options: {
    repoUrl: string;
    token?: string;
    integrations: ScmIntegrationRegistry;
    /** Time limit of each call, in milliseconds (default 30000). */
    timeoutMs?: number;
  }): GitLabMergeRequests {
    let parsed: ReturnType<typeof parseRepoUrl>;
    try {
      parsed = parseRepoUrl(options.repoUrl, options.integrations);
    } catch (error) {
      assertError(error);
      throw new InputError(`repoUrl: ${error.message}`);
    }
    const integration = options.integrations.gitlab.byHost(parsed.host);
    if (!integration) {
      throw new InputError(
        `repoUrl: ${parsed.host} is not a GitLab host of this portal; add it under integrations.gitlab in app-config.yaml`,
      );
    }
    const projectPath =
      parsed.project ?? (parsed.owner ? `${parsed.owner}/${parsed.repo}` : '');
    if (!projectPath || !parsed.repo) {
      throw new InputError(
        'repoUrl: name the project as <host>?owner=<group>&repo=<project>, e.g. gitlab.com?owner=platform&repo=cluster-gitops',
      );
    }
    let headers: Record<string, string>;
    if (options.token) {
      headers = { Authorization: `Bearer ${options.token}` };
    } else if (integration.config.token) {
      headers = { 'PRIVATE-TOKEN': integration.config.token };
    } else {
      throw new InputError(
        `token: no GitLab token for ${parsed.host}: add a token to its integrations.gitlab entry in app-config.yaml, or give your own token`,
      );
    }
    return new GitLabMergeRequests(
      integration.config.apiBaseUrl,
      projectPath,
      headers,
      options.timeoutMs ?? 30_000,
    );
  }

  get projectPath(): string {
    return this.#projectPath;
  }

  /** The open merge request whose source branch is `branch`, if there is one (GitLab allows one). */
  async findOpen(branch: string): Promise<OpenMergeRequest | undefined> {
    const query = new URLSearchParams({
      source_branch: branch,
      state: 'opened',
      per_page: '100',
    });
    const found = (await this.#call(
      'GET',
      `/merge_requests?${query}`,
    )) as GitLabMergeRequestJson[];
    const open = found.filter(mr => mr.source_branch === branch);
    return open.length > 0 ? toOpenMergeRequest(open[0]) : undefined;
  }

  /** Replaces the title and description of merge request `iid`, and adds `labels` to its labels. */
  async update(
    iid: number,
    change: { title: string; description: string; labels: string[] },
  ): Promise<OpenMergeRequest> {
    const body: Record<string, string> = {
      title: change.title,
      description: change.description,
    };
    if (change.labels.length > 0) {
      body.add_labels = change.labels.join(',');
    }
    return toOpenMergeRequest(
      (await this.#call(
        'PUT',
        `/merge_requests/${iid}`,
        body,
      )) as GitLabMergeRequestJson,
    );
  }

  /** Paths of the files under `path` on `ref` (recursive, every page). */
  async listFiles(ref: string, path: string): Promise<string[]> {
    const files: string[] = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({
        ref,
        path,
        recursive: 'true',
        per_page: '100',
        page: String(page),
      });
      const entries = (await this.#call(
        'GET',
        `/repository/tree?${query}`,
        undefined,
        {
          missingIsEmpty: true,
        },
      )) as Array<{ path: string; type: string }>;
      files.push(...entries.filter(e => e.type === 'blob').map(e => e.path));
      if (entries.length < 100) {
        return files;
      }
    }
  }

  /**
   * Whether the project has `branch`. The tree of a missing branch answers 404 just like an
   * empty directory, so callers that act on "no files" ask this first.
   */
  async branchExists(branch: string): Promise<boolean> {
    const found = await this.#call(
      'GET',
      `/repository/branches/${encodeURIComponent(branch)}`,
      undefined,
      { missingIsEmpty: true },
    );
    return !Array.isArray(found);
  }

  /** Commits the deletion of `paths` to `branch`. */
  async deleteFiles(
    branch: string,
    paths: string[],
    message: string,
  ): Promise<void> {
    await this.#call('POST', '/repository/commits', {
      branch,
      commit_message: message,
      actions: paths.map(path => ({ action: 'delete', file_path: path })),
    });
  }

  async #call(
    method: string,
    path: string,
    body?: Record<string, unknown>,
    options: { missingIsEmpty?: boolean } = {},
  ): Promise<unknown> {
    const url = `${this.#apiBaseUrl}/projects/${encodeURIComponent(
      this.#projectPath,
    )}${path}`;
    const call = callSignal(this.#timeoutMs);
    const what = `${method} ${path.split('?')[0].replace(/^\//, '')} of project ${
      this.#projectPath
    }`;
    const where = `GitLab ${new URL(this.#apiBaseUrl).host}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        signal: call.signal,
        headers: {
          ...this.#headers,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      // Read within the same limit: a body that never ends is as bad as no answer.
      text = await response.text();
    } catch (error) {
      const stopped = call.reason(what, where);
      if (stopped) {
        throw stopped;
      }
      throw new ServiceUnavailableError(
        `${where} could not be reached for ${what}`,
        error,
      );
    }
    if (response.status === 404 && options.missingIsEmpty) {
      return [];
    }
    if (!response.ok) {
      let detail = text.slice(0, 300);
      try {
        const json = JSON.parse(text);
        detail = JSON.stringify(json.message ?? json.error ?? json).slice(
          0,
          300,
        );
      } catch {
        // not JSON: keep the text
      }
      throw gitlabFailure(
        response.status,
        `GitLab answered ${response.status} ${
          response.statusText
        } to ${method} ${path.split('?')[0].replace(/^\//, '')} of project ${
          this.#projectPath
        }${detail ? `: ${detail}` : ''}`,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new ServiceUnavailableError(`${where} did not answer JSON to ${what}`);
    }
  }
}

/**
 * The `@backstage/errors` type of a GitLab failure, by status: the message is the same for all,
 * the type tells the scaffolder (and whoever reads the task log) what kind of failure it was.
 */
function gitlabFailure(status: number, message: string): Error {
  switch (status) {
    case 400:
    case 422:
      return new InputError(message);
    case 401:
      return new AuthenticationError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new ServiceUnavailableError(message);
  }
}
