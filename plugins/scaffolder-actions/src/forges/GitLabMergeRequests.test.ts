import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { assertError, ServiceUnavailableError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { GitLabMergeRequests } from './GitLabMergeRequests';
import { createLayeringActions } from '../actions';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from '../__testUtils__/backend';
import { testConfig } from '../__testUtils__/cluster';
import { runWithTaskSignal } from '../services/taskSignal';
import { startSilentServer, until } from '../__testUtils__/silentServer';

const TOKEN = 'glpat-never-in-errors';

/** A GitLab that accepts every request and never answers. */
async function silentGitLab() {
  const server = await startSilentServer();
  const host = server.host;
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        gitlab: [{ host, apiBaseUrl: `http://${host}/api/v4`, token: TOKEN }],
      },
    }),
  );
  return {
    ...server,
    repoUrl: `${host}?owner=platform&repo=cluster-gitops`,
    integrations,
  };
}

describe('GitLabMergeRequests against a GitLab that does not answer', () => {
  let gitlab: Awaited<ReturnType<typeof silentGitLab>>;
  beforeEach(async () => {
    gitlab = await silentGitLab();
  });
  afterEach(() => gitlab.close());

  it('fails after the configured time limit, naming the call and the host but not the token', async () => {
    const client = GitLabMergeRequests.forRepo({
      repoUrl: gitlab.repoUrl,
      integrations: gitlab.integrations,
      timeoutMs: 300,
    });
    const error = await client.findOpen('layering/ocp-418/infra').then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `No answer from GitLab ${gitlab.host} to GET merge_requests of project platform/cluster-gitops within 300 ms`,
    );
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  }, 30_000);

  it('aborts the request in flight when the task of the action is cancelled (ctx.signal)', async () => {
    const action = createLayeringActions({
      clusters: new ClusterClients([], { logger: mockServices.logger.mock() }),
      backend: new RecordingLayeringBackend(),
      permissions: mockServices.permissions.mock(),
      config: { ...testConfig, timeouts: { forgeMs: 120_000 } },
      integrations: gitlab.integrations,
    }).find(a => a.id === 'layering:merge-request:find')!;
    const task = new AbortController();
    const ctx = {
      ...createMockActionContext({
        input: { repoUrl: gitlab.repoUrl, branchName: 'layering/ocp-418/infra' },
      }),
      signal: task.signal,
    };
    const pending = action.handler(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    await until(() => gitlab.seen.length > 0);
    task.abort();
    const error = await pending;
    assertError(error);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Cancelled GET merge_requests of project platform/cluster-gitops on GitLab ${gitlab.host}: the task was cancelled`,
    );
    await until(() => gitlab.closed.length > 0);
    expect(ctx.output).not.toHaveBeenCalled();
  }, 30_000);

  it('honours a task signal given through runWithTaskSignal as well', async () => {
    const client = GitLabMergeRequests.forRepo({
      repoUrl: gitlab.repoUrl,
      integrations: gitlab.integrations,
    });
    const task = new AbortController();
    task.abort();
    await expect(
      runWithTaskSignal(task.signal, () => client.listFiles('main', 'clusters')),
    ).rejects.toThrow(/^Cancelled GET repository\/tree of project platform\/cluster-gitops on GitLab/);
  }, 30_000);
});
