import yaml from 'yaml';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import { examples } from './mergeRequestUpdate.examples';
import { createMergeRequestUpdateAction } from './mergeRequestUpdate';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from '../__testUtils__/backend';
import { testConfig } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import { exampleCases } from '../__testUtils__/examples';

// The examples name gitlab.com; GitLab itself is mocked (msw), as the house rules allow.
const PROJECT = 'https://gitlab.com/api/v4/projects/platform%2Fcluster-gitops';
const EARLIER_STEP_OUTPUT = /^\$\{\{\s*steps\[.+\]\.output\.mergeRequestIid\s*\}\}$/;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const action = createMergeRequestUpdateAction({
  clusters: new ClusterClients([], { logger: mockServices.logger.mock() }),
  backend: new RecordingLayeringBackend(),
  permissions: mockServices.permissions.mock(),
  config: testConfig,
  integrations: ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: { gitlab: [{ host: 'gitlab.com', token: 'glpat-example' }] },
    }),
  ),
});

describe('layering:merge-request:update examples', () => {
  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const { steps } = yaml.parse(example.example) as {
      steps: Array<{ action: string; input: JsonObject }>;
    };
    const mine = steps.filter(s => s.action === action.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const step of mine) {
      // The iid comes from an earlier layering:merge-request:find step; the test stands in for it.
      const iid = step.input.mergeRequestIid;
      const input = {
        ...step.input,
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
            title: step.input.title,
            source_branch: 'layering/x',
            target_branch: 'main',
          });
        }),
      );
      const { ctx, output } = await createTestContext(input);
      await action.handler(ctx);
      expect(bodies).toEqual([
        expect.objectContaining({ title: step.input.title }),
      ]);
      expect(outputsOf(output)).toEqual({
        mergeRequestUrl: 'https://gitlab.com/platform/cluster-gitops/-/merge_requests/12',
      });
    }
  });
});
