import yaml from 'yaml';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import { examples } from './mergeRequestFind.examples';
import { createMergeRequestFindAction } from './mergeRequestFind';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from '../__testUtils__/backend';
import { testConfig } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import { exampleCases } from '../__testUtils__/examples';

// The examples name gitlab.com; GitLab itself is mocked (msw), as the house rules allow.
const PROJECT = 'https://gitlab.com/api/v4/projects/platform%2Fcluster-gitops';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const action = createMergeRequestFindAction({
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

describe('layering:merge-request:find examples', () => {
  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const { steps } = yaml.parse(example.example) as {
      steps: Array<{ action: string; input: JsonObject }>;
    };
    const mine = steps.filter(s => s.action === action.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const step of mine) {
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
      const { ctx, output } = await createTestContext(step.input);
      await action.handler(ctx);
      expect(asked).toEqual([step.input.branchName]);
      expect(outputsOf(output)).toMatchObject({ exists: true, mergeRequestIid: 12 });
    }
  });
});
