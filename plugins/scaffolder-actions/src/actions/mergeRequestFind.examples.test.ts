import { http, HttpResponse } from 'msw';
import { examples } from './mergeRequestFind.examples';
import { createMergeRequestFindAction } from './mergeRequestFind';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import { exampleCases, exampleStepsOf } from '../__testUtils__/examples';
import { gitlabActionOptions, useGitLabServer } from '../__testUtils__/gitlab';

// The examples name gitlab.com; GitLab itself is mocked (msw), as the house rules allow.
const PROJECT = 'https://gitlab.com/api/v4/projects/platform%2Fcluster-gitops';

const server = useGitLabServer();
const action = createMergeRequestFindAction(
  gitlabActionOptions({ host: 'gitlab.com', token: 'glpat-example' }),
);

describe('layering:merge-request:find examples', () => {
  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    for (const input of exampleStepsOf(example, action.id)) {
      const asked: string[] = [];
      server.use(
        http.get(`${PROJECT}/merge_requests`, ({ request }) => {
          const branch = new URL(request.url).searchParams.get('source_branch')!;
          asked.push(branch);
          return HttpResponse.json([
            {
              iid: 12,
              web_url: 'https://gitlab.com/platform/cluster-gitops/-/merge_requests/12',
              title: 'Layered image',
              source_branch: branch,
              target_branch: 'main',
            },
          ]);
        }),
      );
      const { ctx, output } = await createTestContext(input);
      await action.handler(ctx);
      expect(asked).toEqual([input.branchName]);
      expect(outputsOf(output)).toMatchObject({ exists: true, mergeRequestIid: 12 });
    }
  });
});
