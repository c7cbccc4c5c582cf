import { http, HttpResponse } from 'msw';
import { createMergeRequestFindAction } from './mergeRequestFind';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import {
  API,
  BRANCH,
  PORTAL_TOKEN,
  PROJECT,
  gitlabActionOptions,
  mergeRequest,
  repoUrl,
  useGitLabServer,
} from '../__testUtils__/gitlab';

const server = useGitLabServer();
const options = gitlabActionOptions;
const mr = mergeRequest;

describe('layering:merge-request:find', () => {
  it('finds the open merge request of the branch, asking with the portal token', async () => {
    const seen: Array<{ query: Record<string, string>; token: string | null }> =
      [];
    server.use(
      http.get(`${PROJECT}/merge_requests`, ({ request }) => {
        const url = new URL(request.url);
        seen.push({
          query: Object.fromEntries(url.searchParams),
          token: request.headers.get('private-token'),
        });
        return HttpResponse.json([mr(7, BRANCH)]);
      }),
    );
    const { ctx, output } = await createTestContext({
      repoUrl,
      branchName: BRANCH,
    });
    await createMergeRequestFindAction(options()).handler(ctx);

    expect(seen).toEqual([
      {
        query: { source_branch: BRANCH, state: 'opened', per_page: '100' },
        token: PORTAL_TOKEN,
      },
    ]);
    expect(outputsOf(output)).toEqual({
      exists: true,
      mergeRequestIid: 7,
      mergeRequestUrl:
        'https://gitlab.example.com/platform/cluster-gitops/-/merge_requests/7',
      targetBranchName: 'main',
    });
  });

  it('answers exists: false when no merge request is open for the branch (other branches do not count)', async () => {
    server.use(
      http.get(`${PROJECT}/merge_requests`, () =>
        HttpResponse.json([mr(3, 'some/other-branch')]),
      ),
    );
    const { ctx, output } = await createTestContext({
      repoUrl,
      branchName: BRANCH,
    });
    await createMergeRequestFindAction(options()).handler(ctx);
    expect(outputsOf(output)).toEqual({ exists: false });
  });

  it("uses the user's token as a bearer token instead of the portal's", async () => {
    const auth: Array<[string | null, string | null]> = [];
    server.use(
      http.get(`${PROJECT}/merge_requests`, ({ request }) => {
        auth.push([
          request.headers.get('authorization'),
          request.headers.get('private-token'),
        ]);
        return HttpResponse.json([]);
      }),
    );
    const { ctx } = await createTestContext({
      repoUrl,
      branchName: BRANCH,
      token: 'glpat-user',
    });
    await createMergeRequestFindAction(options()).handler(ctx);
    expect(auth).toEqual([['Bearer glpat-user', null]]);
  });

  it('names the token field when neither the user nor the portal has a GitLab token, and calls nothing', async () => {
    const { ctx } = await createTestContext({ repoUrl, branchName: BRANCH });
    await expect(
      createMergeRequestFindAction(
        options({ host: 'gitlab.example.com', apiBaseUrl: API }),
      ).handler(ctx),
    ).rejects.toThrow(
      'token: no GitLab token for gitlab.example.com: add a token to its integrations.gitlab entry in app-config.yaml, or give your own token',
    );
  });

  it('names the repoUrl field for hosts the portal does not know and for URLs without a project', async () => {
    const unknown = await createTestContext({
      repoUrl: 'git.corp.example?owner=a&repo=b',
      branchName: BRANCH,
    });
    await expect(
      createMergeRequestFindAction(options()).handler(unknown.ctx),
    ).rejects.toThrow(/^repoUrl: /);
    const noRepo = await createTestContext({
      repoUrl: 'gitlab.example.com?owner=platform',
      branchName: BRANCH,
    });
    await expect(
      createMergeRequestFindAction(options()).handler(noRepo.ctx),
    ).rejects.toThrow(/^repoUrl: /);
  });

  it('reports a GitLab error with its status and message, without the token', async () => {
    server.use(
      http.get(`${PROJECT}/merge_requests`, () =>
        HttpResponse.json(
          { message: '401 Unauthorized' },
          { status: 401, statusText: 'Unauthorized' },
        ),
      ),
    );
    const { ctx } = await createTestContext({ repoUrl, branchName: BRANCH });
    const error: Error = await createMergeRequestFindAction(options())
      .handler(ctx)
      .then(
        () => new Error('no error'),
        e => e,
      );
    expect(error.message).toBe(
      'GitLab answered 401 Unauthorized to GET merge_requests of project platform/cluster-gitops: "401 Unauthorized"',
    );
    expect(error.message).not.toContain(PORTAL_TOKEN);
  });

  it('calls nothing in a dry run and says no merge request is open', async () => {
    const { ctx, output } = await createTestContext(
      { repoUrl, branchName: BRANCH },
      { isDryRun: true },
    );
    await createMergeRequestFindAction(options()).handler(ctx);
    expect(outputsOf(output)).toEqual({ exists: false });
  });
});
