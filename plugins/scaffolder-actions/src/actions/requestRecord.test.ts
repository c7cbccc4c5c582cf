import { mockServices } from '@backstage/backend-test-utils';
import { assertError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createRequestRecordAction } from './requestRecord';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from '../__testUtils__/backend';
import { clusterDetails, testConfig } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

function options(allow = true) {
  return {
    clusters: new ClusterClients(
      [
        clusterDetails('ocp-418', 'http://127.0.0.1:1', {
          reader: { type: 'token', token: 'not-a-real-token' },
        }),
      ],
      { logger: mockServices.logger.mock() },
    ),
    backend: new RecordingLayeringBackend(),
    permissions: mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({
          result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        })),
    }),
    config: testConfig,
  };
}

const input = {
  cluster: 'ocp-418',
  pool: 'infra',
  kind: 'on-cluster-layer' as const,
  pullRequestUrl: 'https://github.com/example/cluster-config/pull/42',
  summary: 'Install htop from EPEL on the infra pool',
};

describe('layering:request:record', () => {
  it('records the request with the task, the requester and the pull request', async () => {
    const opts = options();
    const { ctx, output, checkpoints } = await createTestContext(input);

    await createRequestRecordAction(opts).handler(ctx);

    expect(opts.backend.records).toEqual([
      expect.objectContaining({
        cluster: 'ocp-418',
        pool: 'infra',
        kind: 'on-cluster-layer',
        delivery: 'pull-request',
        outcome: 'opened',
        pullRequestUrl: 'https://github.com/example/cluster-config/pull/42',
        taskId: 'task-0001',
        requestedBy: 'user:default/jdoe',
      }),
    ]);
    expect(outputsOf(output).requestId).toBe('req-1');
    expect(checkpoints).toEqual(['layering.request.record.on-cluster-layer.ocp-418.infra.opened']);
  });

  it('refuses, recording nothing, without layering.pool.request on the pool', async () => {
    const opts = options(false);
    const { ctx } = await createTestContext(input, { userRef: 'user:default/bob' });

    const refusal = await createRequestRecordAction(opts).handler(ctx).catch((e: Error) => e);

    expect(refusal).toBeInstanceOf(NotAllowedError);
    assertError(refusal);
    expect(refusal.message).toBe(
      'You may not request a change to pool infra: the layering.pool.request permission is required. It is checked on pool infra of cluster ocp-418.',
    );
    expect(opts.permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'layering.pool.request' }),
          resourceRef: 'resource:default/ocp-418-infra',
        },
      ],
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(opts.backend.records).toEqual([]);
  });

  it('records nothing in a dry run', async () => {
    const opts = options();
    const { ctx } = await createTestContext(input, { isDryRun: true });
    await createRequestRecordAction(opts).handler(ctx);
    expect(opts.backend.records).toHaveLength(0);
  });

  it('refuses unknown clusters and invalid pool names', async () => {
    const opts = options();
    const unknown = await createTestContext({ ...input, cluster: 'nope' });
    await expect(createRequestRecordAction(opts).handler(unknown.ctx)).rejects.toThrow(
      'cluster: "nope" is not a configured cluster',
    );
    const bad = await createTestContext({ ...input, pool: 'Infra_Pool' });
    await expect(createRequestRecordAction(opts).handler(bad.ctx)).rejects.toThrow(/pool: The name "Infra_Pool"/);
    expect(opts.backend.records).toHaveLength(0);
  });

  it('needs the pull request URL for pull-request delivery, and none for direct', async () => {
    const opts = options();
    const noUrl = await createTestContext({ ...input, pullRequestUrl: undefined });
    await expect(createRequestRecordAction(opts).handler(noUrl.ctx)).rejects.toThrow(
      'pullRequestUrl: a request delivered by pull request needs the pull request URL',
    );
    const direct = await createTestContext({ ...input, delivery: 'direct' as const, outcome: 'applied' as const });
    await expect(createRequestRecordAction(opts).handler(direct.ctx)).rejects.toThrow(
      'pullRequestUrl: a direct change has no pull request',
    );
    expect(opts.backend.records).toHaveLength(0);
  });
});
