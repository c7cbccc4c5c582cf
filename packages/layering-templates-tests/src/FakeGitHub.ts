import { createHash } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';

/** A pull request as the fake GitHub keeps it. */
export interface FakePullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open';
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  /** How many times the pull request was edited after it was opened. */
  updates: number;
}

interface Commit {
  sha: string;
  tree: string;
  message: string;
  parents: string[];
}

function sha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

/**
 * An in-memory GitHub repository behind msw handlers, with just the REST and GraphQL calls that
 * Backstage's `publish:github:pull-request` (octokit-plugin-create-pull-request) and
 * `github:issues:label` make: trees, commits, refs, pull requests, reviewers and labels. The tests
 * read the branches, files and pull requests back from it.
 */
export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch = 'main';
  /** Every request the fake answered, as `METHOD path`, for assertions on what was called. */
  readonly calls: string[] = [];
  readonly pulls: FakePullRequest[] = [];
  /** Tokens seen in Authorization headers (to assert which credentials were used). */
  readonly tokens = new Set<string>();
  readonly #trees = new Map<string, Map<string, string>>();
  readonly #commits = new Map<string, Commit>();
  readonly #refs = new Map<string, string>();
  readonly #blobs = new Map<string, string>();

  constructor(options: {
    owner: string;
    repo: string;
    files?: Record<string, string>;
  }) {
    this.owner = options.owner;
    this.repo = options.repo;
    const files = new Map(
      Object.entries(options.files ?? { 'README.md': '# GitOps\n' }),
    );
    const tree = this.#storeTree(files);
    const root: Commit = {
      sha: sha('root', tree),
      tree,
      message: 'initial',
      parents: [],
    };
    this.#commits.set(root.sha, root);
    this.#refs.set(this.defaultBranch, root.sha);
  }

  #storeTree(files: Map<string, string>): string {
    const id = sha(
      'tree',
      ...[...files.entries()].sort(([a], [b]) => a.localeCompare(b)).flat(),
    );
    this.#trees.set(id, files);
    return id;
  }

  /** Names of the branches, default branch first. */
  branches(): string[] {
    return [...this.#refs.keys()];
  }

  /** The files on a branch, path to content. */
  files(branch: string): Record<string, string> {
    const head = this.#refs.get(branch);
    if (!head) {
      throw new Error(`No branch ${branch}`);
    }
    return Object.fromEntries(this.#trees.get(this.#commits.get(head)!.tree)!);
  }

  /** Commit messages on a branch that are not on the default branch, oldest first. */
  commitsAhead(branch: string): string[] {
    const base = this.#refs.get(this.defaultBranch);
    const messages: string[] = [];
    let current = this.#refs.get(branch);
    while (current && current !== base) {
      const commit = this.#commits.get(current)!;
      messages.unshift(commit.message);
      current = commit.parents[0];
    }
    return messages;
  }

  handlers(apiBase = 'https://api.github.com'): RequestHandler[] {
    const repoPath = `${apiBase}/repos/${this.owner}/${this.repo}`;
    const track = (request: Request) => {
      const url = new URL(request.url);
      this.calls.push(`${request.method} ${url.pathname}`);
      const auth = request.headers.get('authorization');
      if (auth) {
        this.tokens.add(auth.replace(/^(token|bearer)\s+/i, ''));
      }
    };
    const pullJson = (pr: FakePullRequest) => ({
      number: pr.number,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${pr.number}`,
      title: pr.title,
      body: pr.body,
      state: pr.state,
      head: { ref: pr.head },
      base: { ref: pr.base },
      labels: pr.labels.map(name => ({ name })),
    });
    const findPull = (params: Record<string, unknown>) => {
      const pr = this.pulls.find(p => p.number === Number(params.number));
      if (!pr) {
        throw HttpResponse.json({ message: 'Not Found' }, { status: 404 });
      }
      return pr;
    };

    return [
      http.get(repoPath, ({ request }) => {
        track(request);
        return HttpResponse.json({
          name: this.repo,
          full_name: `${this.owner}/${this.repo}`,
          owner: { login: this.owner },
          default_branch: this.defaultBranch,
          permissions: { admin: false, push: true, pull: true },
        });
      }),
      http.get(`${repoPath}/commits`, ({ request }) => {
        track(request);
        const ref =
          new URL(request.url).searchParams.get('sha') ?? this.defaultBranch;
        const head =
          this.#refs.get(ref) ?? (this.#commits.has(ref) ? ref : undefined);
        if (!head) {
          return HttpResponse.json(
            { message: 'No commit found' },
            { status: 404 },
          );
        }
        const commit = this.#commits.get(head)!;
        return HttpResponse.json([
          { sha: commit.sha, commit: { tree: { sha: commit.tree } } },
        ]);
      }),
      http.head(`${repoPath}/contents/*`, ({ request }) => {
        track(request);
        const url = new URL(request.url);
        const file = decodeURIComponent(url.pathname.split('/contents/')[1]);
        const ref = url.searchParams.get('ref') ?? this.defaultBranch;
        const commit = this.#commits.get(this.#refs.get(ref) ?? ref);
        const exists = commit && this.#trees.get(commit.tree)!.has(file);
        return new HttpResponse(null, { status: exists ? 200 : 404 });
      }),
      http.post(`${repoPath}/git/blobs`, async ({ request }) => {
        track(request);
        const body = (await request.json()) as {
          content: string;
          encoding?: string;
        };
        const content =
          body.encoding === 'base64'
            ? Buffer.from(body.content, 'base64').toString('utf8')
            : body.content;
        const id = sha('blob', content);
        this.#blobs.set(id, content);
        return HttpResponse.json({ sha: id }, { status: 201 });
      }),
      http.post(`${repoPath}/git/trees`, async ({ request }) => {
        track(request);
        const body = (await request.json()) as {
          base_tree: string;
          tree: Array<{ path: string; sha?: string | null; content?: string }>;
        };
        const files = new Map(this.#trees.get(body.base_tree) ?? []);
        for (const entry of body.tree) {
          if (entry.sha === null) {
            files.delete(entry.path);
          } else if (entry.content !== undefined) {
            files.set(entry.path, entry.content);
          } else if (entry.sha && this.#blobs.has(entry.sha)) {
            files.set(entry.path, this.#blobs.get(entry.sha)!);
          } else {
            return HttpResponse.json(
              { message: 'tree.sha not found' },
              { status: 422 },
            );
          }
        }
        return HttpResponse.json(
          { sha: this.#storeTree(files) },
          { status: 201 },
        );
      }),
      http.post(`${repoPath}/git/commits`, async ({ request }) => {
        track(request);
        const body = (await request.json()) as {
          message: string;
          tree: string;
          parents: string[];
        };
        const commit: Commit = {
          sha: sha(
            'commit',
            body.tree,
            body.message,
            ...body.parents,
            String(this.#commits.size),
          ),
          tree: body.tree,
          message: body.message,
          parents: body.parents,
        };
        this.#commits.set(commit.sha, commit);
        return HttpResponse.json({ sha: commit.sha }, { status: 201 });
      }),
      http.post(`${apiBase}/graphql`, async ({ request }) => {
        track(request);
        const { variables } = (await request.json()) as {
          variables: { head: string };
        };
        const head = String(variables.head);
        if (!this.#refs.has(head)) {
          return HttpResponse.json({ data: { repository: { ref: null } } });
        }
        const open = this.pulls.filter(
          p => p.head === head && p.state === 'open',
        );
        return HttpResponse.json({
          data: {
            repository: {
              ref: {
                associatedPullRequests: {
                  edges: open.map(p => ({
                    node: {
                      id: `PR_${p.number}`,
                      number: p.number,
                      url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
                    },
                  })),
                },
              },
            },
          },
        });
      }),
      http.post(`${repoPath}/git/refs`, async ({ request }) => {
        track(request);
        const body = (await request.json()) as { ref: string; sha: string };
        const branch = body.ref.replace(/^refs\/heads\//, '');
        if (this.#refs.has(branch)) {
          return HttpResponse.json(
            { message: 'Reference already exists' },
            { status: 422 },
          );
        }
        this.#refs.set(branch, body.sha);
        return HttpResponse.json(
          { ref: body.ref, object: { sha: body.sha } },
          { status: 201 },
        );
      }),
      http.patch(`${repoPath}/git/refs/*`, async ({ request }) => {
        track(request);
        const ref = decodeURIComponent(
          new URL(request.url).pathname.split('/git/refs/')[1],
        );
        const branch = ref.replace(/^heads\//, '');
        const body = (await request.json()) as { sha: string };
        if (!this.#refs.has(branch)) {
          return HttpResponse.json(
            { message: 'Reference does not exist' },
            { status: 422 },
          );
        }
        this.#refs.set(branch, body.sha);
        return HttpResponse.json({
          ref: `refs/heads/${branch}`,
          object: { sha: body.sha },
        });
      }),
      http.post(`${repoPath}/pulls`, async ({ request }) => {
        track(request);
        const body = (await request.json()) as {
          title: string;
          body: string;
          head: string;
          base: string;
        };
        const head = body.head.includes(':')
          ? body.head.split(':')[1]
          : body.head;
        if (this.pulls.some(p => p.head === head && p.state === 'open')) {
          return HttpResponse.json(
            {
              message: `A pull request already exists for ${this.owner}:${head}.`,
            },
            { status: 422 },
          );
        }
        const pr: FakePullRequest = {
          number: this.pulls.length + 1,
          title: body.title,
          body: body.body,
          head,
          base: body.base,
          state: 'open',
          labels: [],
          reviewers: [],
          teamReviewers: [],
          updates: 0,
        };
        this.pulls.push(pr);
        return HttpResponse.json(pullJson(pr), { status: 201 });
      }),
      http.patch(`${repoPath}/pulls/:number`, async ({ request, params }) => {
        track(request);
        const pr = findPull(params);
        const body = (await request.json()) as {
          title?: string;
          body?: string;
        };
        pr.title = body.title ?? pr.title;
        pr.body = body.body ?? pr.body;
        pr.updates += 1;
        return HttpResponse.json(pullJson(pr));
      }),
      http.post(
        `${repoPath}/pulls/:number/requested_reviewers`,
        async ({ request, params }) => {
          track(request);
          const pr = findPull(params);
          const body = (await request.json()) as {
            reviewers?: string[];
            team_reviewers?: string[];
          };
          pr.reviewers = [
            ...new Set([...pr.reviewers, ...(body.reviewers ?? [])]),
          ];
          pr.teamReviewers = [
            ...new Set([...pr.teamReviewers, ...(body.team_reviewers ?? [])]),
          ];
          return HttpResponse.json(
            {
              ...pullJson(pr),
              requested_reviewers: pr.reviewers.map(login => ({ login })),
              requested_teams: pr.teamReviewers.map(slug => ({ slug })),
            },
            { status: 201 },
          );
        },
      ),
      http.post(
        `${repoPath}/issues/:number/labels`,
        async ({ request, params }) => {
          track(request);
          const pr = findPull(params);
          const body = (await request.json()) as
            | { labels: string[] }
            | string[];
          const labels = Array.isArray(body) ? body : body.labels;
          pr.labels = [...new Set([...pr.labels, ...labels])];
          return HttpResponse.json(pr.labels.map(name => ({ name })));
        },
      ),
    ];
  }
}
