import { createHash } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';

/** A merge request as the fake GitLab keeps it. */
export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened';
  labels: string[];
  reviewerIds: number[];
  /** How often the merge request was edited after it was opened. */
  updates: number;
}

/** The id GitLab gives a file in a tree listing: the git blob id of its content. */
function gitBlobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}

/**
 * An in-memory GitLab project behind msw handlers, answering the calls Backstage's
 * `publish:gitlab:merge-request` and `gitlab:repo:push` make (project, tree, branches, commits,
 * merge requests, users, approval rules), and the edit of a merge request that
 * `layering:merge-request:update` makes.
 */
export class FakeGitLab {
  readonly projectPath: string;
  readonly defaultBranch = 'main';
  readonly calls: string[] = [];
  readonly mergeRequests: FakeMergeRequest[] = [];
  readonly tokens = new Set<string>();
  /** GitLab users by username (id), for reviewer lookups. */
  readonly users = new Map<string, number>();
  readonly #branches = new Map<string, Map<string, string>>();
  readonly #commitMessages = new Map<string, string[]>();

  constructor(options: {
    projectPath: string;
    files?: Record<string, string>;
    users?: string[];
  }) {
    this.projectPath = options.projectPath;
    this.#branches.set(
      this.defaultBranch,
      new Map(Object.entries(options.files ?? { 'README.md': '# GitOps\n' })),
    );
    (options.users ?? []).forEach((name, i) => this.users.set(name, 100 + i));
  }

  branches(): string[] {
    return [...this.#branches.keys()];
  }

  files(branch: string): Record<string, string> {
    const files = this.#branches.get(branch);
    if (!files) {
      throw new Error(`No branch ${branch}`);
    }
    return Object.fromEntries(files);
  }

  commits(branch: string): string[] {
    return this.#commitMessages.get(branch) ?? [];
  }

  #webUrl(): string {
    return `https://gitlab.com/${this.projectPath}`;
  }

  #mrJson(mr: FakeMergeRequest) {
    return {
      iid: mr.iid,
      id: 1000 + mr.iid,
      title: mr.title,
      description: mr.description,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      state: mr.state,
      labels: mr.labels,
      reviewers: mr.reviewerIds.map(id => ({ id })),
      detailed_merge_status: 'mergeable',
      web_url: `${this.#webUrl()}/-/merge_requests/${mr.iid}`,
    };
  }

  handlers(apiBase = 'https://gitlab.com/api/v4'): RequestHandler[] {
    const encoded = encodeURIComponent(this.projectPath);
    const project = `${apiBase}/projects/:project`;
    const track = (request: Request) => {
      const url = new URL(request.url);
      this.calls.push(`${request.method} ${decodeURIComponent(url.pathname)}`);
      const token =
        request.headers.get('private-token') ??
        request.headers.get('authorization');
      if (token) {
        this.tokens.add(token.replace(/^bearer\s+/i, ''));
      }
    };
    const known = (params: Record<string, unknown>) => {
      const id = decodeURIComponent(String(params.project));
      if (id !== this.projectPath && id !== encoded) {
        throw HttpResponse.json(
          { message: '404 Project Not Found' },
          { status: 404 },
        );
      }
    };
    const body = async (request: Request): Promise<Record<string, any>> => {
      const text = await request.text();
      const fromQuery = Object.fromEntries(new URL(request.url).searchParams);
      if (!text) {
        return fromQuery;
      }
      return { ...fromQuery, ...(JSON.parse(text) as Record<string, unknown>) };
    };

    return [
      http.get(project, ({ request, params }) => {
        track(request);
        known(params);
        return HttpResponse.json({
          id: 42,
          path_with_namespace: this.projectPath,
          default_branch: this.defaultBranch,
          web_url: this.#webUrl(),
        });
      }),
      http.get(`${project}/repository/tree`, ({ request, params }) => {
        track(request);
        known(params);
        const ref =
          new URL(request.url).searchParams.get('ref') ?? this.defaultBranch;
        const files = this.#branches.get(ref);
        if (!files) {
          return HttpResponse.json(
            { message: '404 Tree Not Found' },
            { status: 404 },
          );
        }
        return HttpResponse.json(
          [...files.entries()].map(([path, content]) => ({
            id: gitBlobId(content),
            name: path.split('/').pop(),
            type: 'blob',
            path,
            mode: '100644',
          })),
        );
      }),
      http.get(
        `${project}/repository/branches/:branch`,
        ({ request, params }) => {
          track(request);
          known(params);
          const branch = decodeURIComponent(String(params.branch));
          if (!this.#branches.has(branch)) {
            return HttpResponse.json(
              { message: '404 Branch Not Found' },
              { status: 404 },
            );
          }
          return HttpResponse.json({
            name: branch,
            web_url: `${this.#webUrl()}/-/tree/${branch}`,
          });
        },
      ),
      http.post(
        `${project}/repository/branches`,
        async ({ request, params }) => {
          track(request);
          known(params);
          const { branch, ref } = await body(request);
          if (this.#branches.has(branch)) {
            return HttpResponse.json(
              { message: 'Branch already exists' },
              { status: 400 },
            );
          }
          const from = this.#branches.get(ref);
          if (!from) {
            return HttpResponse.json(
              { message: 'Invalid reference name' },
              { status: 400 },
            );
          }
          this.#branches.set(branch, new Map(from));
          return HttpResponse.json({ name: branch }, { status: 201 });
        },
      ),
      http.post(
        `${project}/repository/commits`,
        async ({ request, params }) => {
          track(request);
          known(params);
          const {
            branch,
            commit_message: message,
            actions,
          } = await body(request);
          const files = this.#branches.get(branch);
          if (!files) {
            return HttpResponse.json(
              {
                message:
                  'You can only create or edit files when you are on a branch',
              },
              { status: 400 },
            );
          }
          for (const action of actions as Array<{
            action: string;
            filePath?: string;
            file_path?: string;
            content?: string;
            encoding?: string;
          }>) {
            const path = action.file_path ?? action.filePath!;
            const content =
              action.encoding === 'base64'
                ? Buffer.from(action.content ?? '', 'base64').toString('utf8')
                : action.content ?? '';
            if (action.action === 'create') {
              if (files.has(path)) {
                return HttpResponse.json(
                  { message: 'A file with this name already exists' },
                  { status: 400 },
                );
              }
              files.set(path, content);
            } else if (action.action === 'update') {
              files.set(path, content);
            } else if (action.action === 'delete') {
              if (!files.delete(path)) {
                return HttpResponse.json(
                  { message: "A file with this name doesn't exist" },
                  { status: 400 },
                );
              }
            }
          }
          this.#commitMessages.set(branch, [...this.commits(branch), message]);
          return HttpResponse.json(
            { id: `c${this.calls.length}` },
            { status: 201 },
          );
        },
      ),
      http.get(`${project}/merge_requests`, ({ request, params }) => {
        track(request);
        known(params);
        const query = new URL(request.url).searchParams;
        const source = query.get('source_branch');
        const state = query.get('state');
        return HttpResponse.json(
          this.mergeRequests
            .filter(mr => !source || mr.sourceBranch === source)
            .filter(mr => !state || state === 'all' || mr.state === state)
            .map(mr => this.#mrJson(mr)),
        );
      }),
      http.get(`${apiBase}/merge_requests`, ({ request }) => {
        track(request);
        const url = new URL(request.url);
        const source = url.searchParams.get('source_branch');
        return HttpResponse.json(
          this.mergeRequests
            .filter(mr => !source || mr.sourceBranch === source)
            .map(mr => this.#mrJson(mr)),
        );
      }),
      http.post(`${project}/merge_requests`, async ({ request, params }) => {
        track(request);
        known(params);
        const input = await body(request);
        const source = String(input.source_branch);
        if (
          this.mergeRequests.some(
            mr => mr.sourceBranch === source && mr.state === 'opened',
          )
        ) {
          return HttpResponse.json(
            {
              message: [
                'Another open merge request already exists for this source branch',
              ],
            },
            { status: 409 },
          );
        }
        const labels = Array.isArray(input.labels)
          ? input.labels
          : String(input.labels ?? '')
              .split(',')
              .filter(Boolean);
        const mr: FakeMergeRequest = {
          iid: this.mergeRequests.length + 1,
          title: String(input.title),
          description: String(input.description ?? ''),
          sourceBranch: source,
          targetBranch: String(input.target_branch),
          state: 'opened',
          labels,
          reviewerIds: (input.reviewer_ids ?? []).map(Number),
          updates: 0,
        };
        this.mergeRequests.push(mr);
        return HttpResponse.json(this.#mrJson(mr), { status: 201 });
      }),
      http.get(`${project}/merge_requests/:iid`, ({ request, params }) => {
        track(request);
        known(params);
        const mr = this.mergeRequests.find(m => m.iid === Number(params.iid));
        return mr
          ? HttpResponse.json(this.#mrJson(mr))
          : HttpResponse.json({ message: '404 Not found' }, { status: 404 });
      }),
      http.put(
        `${project}/merge_requests/:iid`,
        async ({ request, params }) => {
          track(request);
          known(params);
          const mr = this.mergeRequests.find(m => m.iid === Number(params.iid));
          if (!mr) {
            return HttpResponse.json(
              { message: '404 Not found' },
              { status: 404 },
            );
          }
          const input = await body(request);
          if (input.title !== undefined) {
            mr.title = String(input.title);
          }
          if (input.description !== undefined) {
            mr.description = String(input.description);
          }
          const added = String(input.add_labels ?? '')
            .split(',')
            .filter(Boolean);
          mr.labels = [
            ...mr.labels,
            ...added.filter(l => !mr.labels.includes(l)),
          ];
          mr.updates += 1;
          return HttpResponse.json(this.#mrJson(mr));
        },
      ),
      http.get(
        `${project}/merge_requests/:iid/approval_rules`,
        ({ request }) => {
          track(request);
          return HttpResponse.json([]);
        },
      ),
      http.get(`${apiBase}/users`, ({ request }) => {
        track(request);
        const username =
          new URL(request.url).searchParams.get('username') ?? '';
        const id = this.users.get(username);
        return HttpResponse.json(id ? [{ id, username }] : []);
      }),
    ];
  }
}
