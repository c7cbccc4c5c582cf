import { http, HttpResponse } from 'msw';
import { examples } from './mergeRequestUpdate.examples';
import { createMergeRequestUpdateAction } from './mergeRequestUpdate';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import { exampleCases, exampleStepsOf } from '../__testUtils__/examples';
import { gitlabActionOptions, useGitLabServer } from '../__testUtils__/gitlab';

// The examples name gitlab.com; GitLab itself is mocked (msw), as the house rules allow.
const PROJECT = 'https://gitlab.com/api/v4/projects/platform%2Fcluster-gitops';
const EARLIER_STEP_OUTPUT = /^\$\{\{\s*steps\[.+\]\.output\.mergeRequestIid\s*\}\}$/;

const server = useGitLabServer();
const action = createMergeRequestUpdateAction(
  gitlabActionOptions({ host: 'gitlab.com', token: 'glpat-example' }),
);

describe('layering:merge-request:update examples', () => {
  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    for (const stepInput of exampleStepsOf(example, action.id)) {
      // The iid comes from an earlier layering:merge-request:find step; the test stands in for it.
      const iid = stepInput.mergeRequestIid;
      const input = {
        ...stepInput,
        mergeRequestIid:
          typeof iid === 'string' && EARLIER_STEP_OUTPUT.test(iid) ? 12 : iid,
      };
      const bodies: unknown[] = [];
      server.use(
        http.put(`${PROJECT}/merge_requests/12`, async ({ request }) => {
          bodies.push(await request.json());
          return HttpResponse.json({
            iid: 12,
            web_url: 'https://gitlab.com/platform/cluster-gitops/-/merge_requests/12',
            title: stepInput.title,
            source_branch: 'layering/x',
            target_branch: 'main',
          });
        }),
      );
      const { ctx, output } = await createTestContext(input);
      await action.handler(ctx);
      expect(bodies).toEqual([
        expect.objectContaining({ title: stepInput.title }),
      ]);
      expect(outputsOf(output)).toEqual({
        mergeRequestUrl: 'https://gitlab.com/platform/cluster-gitops/-/merge_requests/12',
      });
    }
  });
});
