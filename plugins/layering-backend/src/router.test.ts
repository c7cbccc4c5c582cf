import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { FixedFleet, testPoolView } from './__testUtils__/FixedFleet';
import { DatabaseRequestStore } from './services/RequestStore';
import {
  ALPHA_WORKER_ENTITY,
  allowEverything,
  answerEvery,
  testPoolResources,
} from './__testUtils__/permissionMocks';
import { createLayeringPoolConditionalDecision, layeringPoolConditions } from './permissions';
import type { ScaffolderTaskInfo } from './auth/scaffolderTasks';
import { layeringPoolReadPermission } from '@rhcos-layering/plugin-layering-common';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('createRouter', () => {
  const fleet = new FixedFleet(
    ['alpha', 'beta'],
    [
      testPoolView('alpha', 'master', 'in-sync'),
      testPoolView('alpha', 'worker', 'behind'),
      testPoolView('beta', 'worker', 'unknown'),
    ],
  );
  const authorize = jest.fn();
  const authorizeConditional = jest.fn();
  const createEvent = jest.fn();
  /** The scaffolder's tasks, by id, as the task lookup answers them. */
  const tasks = new Map<string, ScaffolderTaskInfo>();
  let app: express.Express;

  beforeEach(async () => {
    allowEverything(authorize, authorizeConditional);
    tasks.clear();
    tasks.set('task-1', { id: 'task-1', status: 'processing', createdBy: 'user:default/ada' });
    createEvent.mockReset();
    createEvent.mockImplementation(async () => ({
      success: jest.fn(async () => {}),
      fail: jest.fn(async () => {}),
    }));
    app = await appWith({});
  });

  /** The router on a bare app, with `data` as the root config. */
  async function appWith(data: JsonObject): Promise<express.Express> {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(mockServices.database({ knex }));
    const built = express();
    built.use(
      await createRouter({
        fleet,
        requests,
        httpAuth: mockServices.httpAuth({ pluginId: 'layering' }),
        permissions: mockServices.permissions.mock({ authorize, authorizeConditional }),
        auditor: mockServices.auditor.mock({ createEvent }),
        logger: mockServices.logger.mock(),
        config: new ConfigReader(data),
        // In the catalog, alpha-worker is owned by group team-a.
        poolResources: testPoolResources(fleet, [ALPHA_WORKER_ENTITY]),
        tasks: { getTask: async id => tasks.get(id) },
      }),
    );
    built.use(mockErrorHandler());
    return built;
  }

  it('answers /health without credentials', async () => {
    const res = await request(app).get('/health').set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('rejects unauthenticated reads with 401', async () => {
    const res = await request(app).get('/clusters').set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('lists clusters when layering.cluster.read is allowed', async () => {
    const res = await request(app).get('/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: ClusterView) => c.name)).toEqual(['alpha', 'beta']);
    expect(authorize.mock.calls[0][0][0].permission.name).toBe('layering.cluster.read');
  });

  it('answers 403 when the permission is denied', async () => {
    answerEvery(authorize, AuthorizeResult.DENY);
    const res = await request(app).get('/clusters/alpha/pools/worker');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('layering.pool.read');
    // Reading a pool authorizes that pool.
    expect(authorize.mock.calls[0][0]).toEqual([
      { permission: layeringPoolReadPermission, resourceRef: 'resource:default/alpha-worker' },
    ]);
  });

  describe('lists under a conditional layering.pool.read', () => {
    const onlyOwned = () =>
      authorizeConditional.mockImplementation(async (requests: unknown[]) =>
        requests.map(() =>
          createLayeringPoolConditionalDecision(layeringPoolReadPermission, {
            anyOf: [
              layeringPoolConditions.isPoolOwner({ claims: ['group:default/team-a'] }),
              layeringPoolConditions.isInCluster({ clusters: ['beta'] }),
            ],
          }),
        ),
      );

    it('shows only the pools the conditions allow, in every list', async () => {
      onlyOwned();
      const pools = await request(app).get('/clusters/alpha/pools');
      expect(pools.status).toBe(200);
      expect(pools.body.items.map((p: PoolView) => p.name)).toEqual(['worker']);
      const cluster = await request(app).get('/clusters/alpha');
      expect(cluster.body.pools.map((p: PoolView) => p.name)).toEqual(['worker']);
      const fleetPools = await request(app).get('/pools');
      expect(fleetPools.status).toBe(200);
      expect(fleetPools.headers['cache-control']).toBe('private, no-store');
      expect(fleetPools.body.items.map((p: PoolView) => `${p.cluster}/${p.name}`)).toEqual([
        'alpha/worker',
        'beta/worker',
      ]);
    });

    it('shows no pools when the policy denies, and every pool when it allows', async () => {
      answerEvery(authorizeConditional, AuthorizeResult.DENY);
      expect((await request(app).get('/pools')).body.items).toEqual([]);
      expect((await request(app).get('/clusters/alpha/pools')).body.items).toEqual([]);
      answerEvery(authorizeConditional, AuthorizeResult.ALLOW);
      expect((await request(app).get('/pools')).body.items).toHaveLength(3);
    });
  });

  it('answers a cluster with its pools', async () => {
    const res = await request(app).get('/clusters/alpha');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('alpha');
    expect(res.body.pools.map((p: PoolView) => p.name)).toEqual(['master', 'worker']);
  });

  it('answers 404 for an unknown cluster or pool, naming it', async () => {
    const cluster = await request(app).get('/clusters/nope/pools');
    expect(cluster.status).toBe(404);
    expect(cluster.body.error.message).toBe('Cluster "nope" is not configured in this backend');
    const pool = await request(app).get('/clusters/alpha/pools/infra');
    expect(pool.status).toBe(404);
    expect(pool.body.error.message).toBe('Pool "infra" does not exist in cluster "alpha"');
    const release = await request(app).get('/clusters/nope/release');
    expect(release.status).toBe(404);
  });

  it('answers a pool detail', async () => {
    const res = await request(app).get('/clusters/alpha/pools/worker');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cluster: 'alpha', name: 'worker', nodes: [], builds: [] });
  });

  it("answers a pool's layering settings under layering.pool.read, 404 for unknown names", async () => {
    fleet.layering.set('alpha/worker', {
      mode: 'out-of-cluster',
      name: 'os-layer-custom',
      osImageURL: `registry.example.com/os/worker@sha256:${'a'.repeat(64)}`,
    });
    const res = await request(app).get('/clusters/alpha/pools/worker/layering');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(fleet.layering.get('alpha/worker'));
    expect(authorize.mock.calls[0][0][0].permission.name).toBe('layering.pool.read');
    const none = await request(app).get('/clusters/alpha/pools/master/layering');
    expect(none.body).toEqual({ mode: 'none' });
    const pool = await request(app).get('/clusters/alpha/pools/infra/layering');
    expect(pool.status).toBe(404);
    expect(pool.body.error.message).toBe('Pool "infra" does not exist in cluster "alpha"');
    const cluster = await request(app).get('/clusters/nope/pools/worker/layering');
    expect(cluster.status).toBe(404);
    answerEvery(authorize, AuthorizeResult.DENY);
    const denied = await request(app).get('/clusters/alpha/pools/worker/layering');
    expect(denied.status).toBe(403);
  });

  it('filters the fleet by drift and cluster, as lists or repeated parameters', async () => {
    const behind = await request(app).get('/pools?drift=behind');
    expect(behind.body.items.map((p: PoolView) => `${p.cluster}/${p.name}`)).toEqual(['alpha/worker']);
    const two = await request(app).get('/pools?drift=behind,unknown');
    expect(two.body.items).toHaveLength(2);
    const repeated = await request(app).get('/pools?cluster=alpha&cluster=beta&drift=unknown');
    expect(repeated.body.items.map((p: PoolView) => p.cluster)).toEqual(['beta']);
  });

  it('answers 400 for a bad fleet query, naming the field', async () => {
    const drift = await request(app).get('/pools?drift=sideways');
    expect(drift.status).toBe(400);
    expect(drift.body.error.message).toContain('drift.0');
    const unknownParam = await request(app).get('/pools?colour=red');
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error.message).toContain('colour');
  });

  it('answers the fleet with an ETag, 304 while it is unchanged, gzip when accepted', async () => {
    const first = await request(app).get('/pools').set('Accept-Encoding', 'gzip');
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.body.items).toHaveLength(3);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"/);
    const again = await request(app).get('/pools').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    const plain = await request(app).get('/pools').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.text).items).toHaveLength(3);
  });

  it('answers 404 for an unknown cluster in the fleet filter', async () => {
    const res = await request(app).get('/pools?cluster=gamma');
    expect(res.status).toBe(404);
  });

  describe('delivery', () => {
    const githubToken = 'ghp_secretgithubtoken0123456789';
    const gitlabToken = 'glpat-secretgitlabtoken98765';
    const privateKey =
      '-----BEGIN RSA PRIVATE KEY-----\nsecretkeymaterial\n-----END RSA PRIVATE KEY-----';

    it('says no forge has credentials when no integration is configured (the embedded default)', async () => {
      const res = await request(app).get('/delivery');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        forges: [
          { kind: 'github', host: 'github.com', credentials: false },
          { kind: 'gitlab', host: 'gitlab.com', credentials: false },
        ],
        pullRequestAvailable: false,
      });
      expect(authorize.mock.calls[0][0][0].permission.name).toBe('layering.cluster.read');
    });

    it('names the hosts with a token or GitHub App, and never the credentials', async () => {
      const configured = await appWith({
        integrations: {
          github: [
            { host: 'github.com', token: githubToken },
            {
              host: 'ghe.example.com',
              apiBaseUrl: 'https://ghe.example.com/api/v3',
              apps: [
                {
                  appId: 42,
                  clientId: 'Iv1.secretclientid',
                  clientSecret: 'secretclientsecret',
                  webhookSecret: 'secretwebhook',
                  privateKey,
                },
              ],
            },
            { host: 'github.internal.example.com' },
          ],
          gitlab: [
            {
              host: 'gitlab.example.com',
              apiBaseUrl: 'https://gitlab.example.com/api/v4',
              token: gitlabToken,
            },
          ],
        },
      });
      const res = await request(configured).get('/delivery');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        forges: [
          { kind: 'github', host: 'github.com', credentials: true },
          { kind: 'github', host: 'ghe.example.com', credentials: true },
          { kind: 'github', host: 'github.internal.example.com', credentials: false },
          { kind: 'gitlab', host: 'gitlab.example.com', credentials: true },
          { kind: 'gitlab', host: 'gitlab.com', credentials: false },
        ],
        pullRequestAvailable: true,
      });
      for (const secret of [githubToken, gitlabToken, 'secretkeymaterial', 'secretclient', 'secretwebhook']) {
        expect(res.text).not.toContain(secret);
      }
    });

    it('counts a GitLab token alone as enough, and a blank token as none', async () => {
      const gitlabOnly = await appWith({
        integrations: {
          github: [{ host: 'github.com', token: '   ' }],
          gitlab: [{ host: 'gitlab.com', token: gitlabToken }],
        },
      });
      const res = await request(gitlabOnly).get('/delivery');
      expect(res.body).toEqual({
        forges: [
          { kind: 'github', host: 'github.com', credentials: false },
          { kind: 'gitlab', host: 'gitlab.com', credentials: true },
        ],
        pullRequestAvailable: true,
      });
      expect(res.text).not.toContain(gitlabToken);
    });

    it('answers 503 without quoting the config when the integrations cannot be read', async () => {
      // The integration reader's own message would quote this apiBaseUrl, token included.
      const broken = await appWith({
        integrations: {
          gitlab: [{ host: 'gitlab.example.com', token: gitlabToken, apiBaseUrl: `x ${gitlabToken}` }],
        },
      });
      const res = await request(broken).get('/delivery');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain('integrations.gitlab');
      expect(res.text).not.toContain(gitlabToken);
    });

    it('answers 401 without credentials and 403 without layering.cluster.read', async () => {
      const anonymous = await request(app)
        .get('/delivery')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      answerEvery(authorize, AuthorizeResult.DENY);
      const denied = await request(app).get('/delivery');
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('layering.cluster.read');
    });
  });

  describe('requests', () => {
    const body = {
      kind: 'on-cluster-layer',
      delivery: 'pull-request',
      pullRequestUrl: 'https://github.com/acme/fleet/pull/7',
      taskId: 'task-1',
      outcome: 'opened',
    };
    /** A token the scaffolder sends: its own service principal, for this plugin. */
    const scaffolder = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:scaffolder'),
      targetPluginId: 'layering',
    });
    const post = (pool: string, sent: object, header = scaffolder) =>
      request(app)
        .post(`/clusters/alpha/pools/${pool}/requests`)
        .set('Authorization', header)
        .send(sent);
    const history = async () =>
      (await request(app).get('/clusters/alpha/pools/worker/requests')).body.items;

    it('refuses users (403), anonymous callers (401) and every service but the scaffolder (403)', async () => {
      const user = await request(app).post('/clusters/alpha/pools/worker/requests').send(body);
      expect(user.status).toBe(403);
      const anonymous = await post('worker', body, mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      // An external access token (static or JWKS) is a service principal too, not the scaffolder.
      const external = await post('worker', body, mockCredentials.service.header());
      expect(external.status).toBe(403);
      expect(external.body.error.message).toBe('Only the scaffolder may record layering requests');
      const otherPlugin = await post(
        'worker',
        body,
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:catalog'),
          targetPluginId: 'layering',
        }),
      );
      expect(otherPlugin.status).toBe(403);
      expect(await history()).toEqual([]);
      const event = await createEvent.mock.results[0].value;
      expect(event.fail).toHaveBeenCalled();
    });

    it('takes who asked from the task, never from the body, and records once per task', async () => {
      const first = await post('worker', { ...body, requestedBy: 'user:default/mallory' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        ...body,
        cluster: 'alpha',
        pool: 'worker',
        requestedBy: 'user:default/ada',
      });
      expect(first.body.id).toMatch(/^[0-9a-f-]{36}$/);

      const again = await post('worker', body);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);

      const items = await history();
      expect(items).toHaveLength(1);
      expect(items[0].requestedBy).toBe('user:default/ada');
      expect(createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'request-record' }),
      );
      const event = await createEvent.mock.results[0].value;
      expect(event.success).toHaveBeenCalledWith({
        meta: expect.objectContaining({ requestedBy: 'user:default/ada', created: true }),
      });
    });

    it('moves the outcome along (opened, then merged) and refuses going back', async () => {
      expect((await post('worker', body)).status).toBe(201);
      const merged = await post('worker', { ...body, outcome: 'merged', summary: 'merged' });
      expect(merged.status).toBe(200);
      expect(merged.body.outcome).toBe('merged');
      const back = await post('worker', body);
      expect(back.status).toBe(409);
      expect(back.body.error.message).toContain('is merged and cannot become opened');
      const items = await history();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ outcome: 'merged', summary: 'merged' });
    });

    it('refuses unknown and finished tasks', async () => {
      const unknown = await post('worker', { ...body, taskId: 'task-404' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe('taskId: the scaffolder has no task task-404');
      tasks.set('task-2', { id: 'task-2', status: 'completed', createdBy: 'user:default/ada' });
      const done = await post('worker', { ...body, taskId: 'task-2' });
      expect(done.status).toBe(409);
      expect(await history()).toEqual([]);
    });

    it('answers 400 with the fields at fault and records nothing', async () => {
      const res = await post('worker', {
        ...body,
        kind: 'explode',
        taskId: undefined,
        pullRequestUrl: undefined,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('kind');
      expect(res.body.error.message).toContain('taskId');
      expect(await history()).toHaveLength(0);
      const event = await createEvent.mock.results[0].value;
      expect(event.fail).toHaveBeenCalled();
    });

    it('answers 404 for a pool the cluster does not have', async () => {
      const res = await post('infra', body);
      expect(res.status).toBe(404);
    });
  });
});
