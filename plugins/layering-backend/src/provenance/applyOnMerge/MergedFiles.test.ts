import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ForgeMergedFiles } from './MergedFiles';

const server = setupServer();
registerMswTestHooks(server);

const files = new ForgeMergedFiles(
  ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ host: 'github.com', token: 'ghp-test-token' }],
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: 'https://gitlab.example.com/api/v4',
            token: 'glpat-test-token',
          },
        ],
      },
    }),
  ),
);

const MR =
  'https://gitlab.example.com/api/v4/projects/platform%2Ffleet/merge_requests/3';
const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

describe('ForgeMergedFiles', () => {
  it('reads the manifests a GitLab merge request changed, at its merge commit, with the token', async () => {
    server.use(
      http.get(MR, ({ request }) =>
        request.headers.get('private-token') === 'glpat-test-token'
          ? HttpResponse.json({
              iid: 3,
              state: 'merged',
              merge_commit_sha: COMMIT,
            })
          : new HttpResponse(null, { status: 401 }),
      ),
      http.get(`${MR}/diffs`, () =>
        HttpResponse.json([
          {
            new_path: 'ocp-418/worker/machineconfig-os-layer-worker.yaml',
            deleted_file: false,
          },
          { new_path: 'ocp-418/worker/SUMMARY.md', deleted_file: false },
          { new_path: 'ocp-418/worker/old.yaml', deleted_file: true },
        ]),
      ),
      http.get(
        'https://gitlab.example.com/api/v4/projects/platform%2Ffleet/repository/files/:path/raw',
        ({ params, request }) =>
          params.path === 'ocp-418/worker/machineconfig-os-layer-worker.yaml' &&
          new URL(request.url).searchParams.get('ref') === COMMIT
            ? new HttpResponse('kind: MachineConfig\n')
            : new HttpResponse(null, { status: 404 }),
      ),
    );
    await expect(
      files.mergedFiles(
        'https://gitlab.example.com/platform/fleet/-/merge_requests/3',
      ),
    ).resolves.toEqual({
      commit: COMMIT,
      files: [
        {
          path: 'ocp-418/worker/machineconfig-os-layer-worker.yaml',
          content: 'kind: MachineConfig\n',
        },
      ],
    });
  });

  it('refuses a pull request that is not merged, and URLs that name none', async () => {
    server.use(
      http.get('https://api.github.com/repos/acme/fleet/pulls/4', () =>
        HttpResponse.json({ number: 4, merged: false, merge_commit_sha: null }),
      ),
    );
    await expect(
      files.mergedFiles('https://github.com/acme/fleet/pull/4'),
    ).rejects.toThrow('Pull request github.com/acme/fleet#4 is not merged');
    await expect(
      files.mergedFiles('https://github.com/acme/fleet'),
    ).rejects.toThrow(/is no pull or merge request URL/);
  });

  it('refuses a change of more manifests than a layering request renders', async () => {
    server.use(
      http.get('https://api.github.com/repos/acme/fleet/pulls/5', () =>
        HttpResponse.json({
          number: 5,
          merged: true,
          merge_commit_sha: COMMIT,
        }),
      ),
      http.get('https://api.github.com/repos/acme/fleet/pulls/5/files', () =>
        HttpResponse.json(
          Array.from({ length: 21 }, (_, i) => ({
            filename: `m${i}.yaml`,
            status: 'added',
          })),
        ),
      ),
    );
    await expect(
      files.mergedFiles('https://github.com/acme/fleet/pull/5'),
    ).rejects.toThrow('The pull request changes more than 20 manifest files');
  });
});
