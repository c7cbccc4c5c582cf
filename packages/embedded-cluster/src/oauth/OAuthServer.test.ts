import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import { accessTokenObjectName } from './OAuthServer';

jest.setTimeout(60_000);

const REDIRECT = 'http://portal.example:7007/api/auth/openshift/handler/frame';

/** Alice may patch MachineConfigs (as the shipped writer role lets the portal); Bob may only read nodes. */
const rbac = [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'layering-person' },
    rules: [
      {
        apiGroups: ['machineconfiguration.openshift.io'],
        resources: ['machineconfigs'],
        verbs: ['get', 'patch'],
      },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-layering' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'layering-person',
    },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  },
];

describe('the embedded OAuth server (people log in and act with their own token)', () => {
  let t: TestCluster;
  let base: string;

  beforeAll(async () => {
    t = await startTestCluster({
      objects: rbac,
      oauth: {
        users: [
          { name: 'alice', password: 'alice-password', groups: ['layering-team'] },
          { name: 'bob', password: 'bob-password' },
        ],
        clients: [{ name: 'backstage', secret: 'client-secret', redirectURIs: [REDIRECT] }],
      },
    });
    base = t.cluster.url;
  });
  afterAll(async () => {
    await t.stop();
  });

  function authorizeUrl(params: Record<string, string>): string {
    const url = new URL(`${base}/oauth/authorize`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  const login = (params: Record<string, string>) =>
    fetch(`${base}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  const exchange = (params: Record<string, string>) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  async function tokenFor(user: string, password: string, scope = 'user:full') {
    const form = {
      client_id: 'backstage',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope,
      state: 's-1',
    };
    const answer = await login({ ...form, username: user, password });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('s-1');
    const code = location.searchParams.get('code')!;
    const token = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'backstage',
      client_secret: 'client-secret',
    });
    expect(token.status).toBe(200);
    const body = await token.json();
    expect(body).toMatchObject({ token_type: 'Bearer', scope });
    expect(body.access_token).toMatch(/^sha256~/);
    return { token: body.access_token as string, code };
  }

  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });

  it('publishes where to authorize and where to get tokens', async () => {
    const doc = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    expect(doc).toMatchObject({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
    });
  });

  it('shows a login form for a registered client, and refuses unregistered clients and redirects without redirecting', async () => {
    const form = await fetch(
      authorizeUrl({ client_id: 'backstage', redirect_uri: REDIRECT, response_type: 'code', scope: 'user:full' }),
    );
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="username"');
    expect(html).toContain(`value="${REDIRECT}"`);
    const stranger = await fetch(
      authorizeUrl({ client_id: 'mallory', redirect_uri: REDIRECT, response_type: 'code' }),
      { redirect: 'manual' },
    );
    expect(stranger.status).toBe(400);
    const elsewhere = await fetch(
      authorizeUrl({ client_id: 'backstage', redirect_uri: 'http://evil.example/cb', response_type: 'code' }),
      { redirect: 'manual' },
    );
    expect(elsewhere.status).toBe(400);
    const badScope = await fetch(
      authorizeUrl({ client_id: 'backstage', redirect_uri: REDIRECT, response_type: 'code', scope: 'role:admin:*' }),
      { redirect: 'manual' },
    );
    expect(badScope.status).toBe(302);
    expect(new URL(badScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses a wrong password without issuing a code', async () => {
    const answer = await login({
      client_id: 'backstage',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'user:full',
      username: 'alice',
      password: 'wrong',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('Invalid login or password');
  });

  it('trades a code once, only with the client secret, for a token that acts as the person under RBAC', async () => {
    const { token, code } = await tokenFor('alice', 'alice-password');
    const replay = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'backstage',
      client_secret: 'client-secret',
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });

    const me = await (await api(token, '/apis/user.openshift.io/v1/users/~')).json();
    expect(me).toMatchObject({ kind: 'User', metadata: { name: 'alice' } });
    expect(me.groups).toEqual(expect.arrayContaining(['layering-team', 'system:authenticated']));

    const patch = await api(
      token,
      '/apis/machineconfiguration.openshift.io/v1/machineconfigs/rendered-worker-fed93cf413d5175f10acebcc448c80c3',
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { 'example.com/touched': 'yes' } } }),
      },
    );
    expect(patch.status).toBe(200);
    const nodes = await api(token, '/api/v1/nodes');
    expect(nodes.status).toBe(403);
    expect((await nodes.json()).message).toContain('User "alice" cannot list resource "nodes"');

    const written = t.cluster
      .auditEvents()
      .filter(e => e.objectRef.resource === 'machineconfigs' && e.verb === 'patch');
    expect(written.at(-1)).toMatchObject({
      user: { username: 'alice' },
      responseStatus: { code: patch.status },
    });
  });

  it('lets nobody else trade the code: a wrong client secret is refused', async () => {
    const answer = await login({
      client_id: 'backstage',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'user:full',
      username: 'bob',
      password: 'bob-password',
    });
    const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
    const stolen = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'backstage',
      client_secret: 'guessed',
    });
    expect(stolen.status).toBe(401);
    expect(await stolen.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it('keeps a user:info token to reading who the person is', async () => {
    const { token } = await tokenFor('alice', 'alice-password', 'user:info');
    expect((await api(token, '/apis/user.openshift.io/v1/users/~')).status).toBe(200);
    const write = await api(
      token,
      '/apis/machineconfiguration.openshift.io/v1/machineconfigs/rendered-worker-fed93cf413d5175f10acebcc448c80c3',
      { method: 'GET' },
    );
    expect(write.status).toBe(403);
    expect((await write.json()).message).toContain('scopes [user:info] prevent this action');
  });

  it('logs out by deleting the token; the token stops working, and others cannot delete it', async () => {
    const { token } = await tokenFor('alice', 'alice-password');
    const other = await tokenFor('bob', 'bob-password');
    const name = accessTokenObjectName(token);
    const byBob = await api(other.token, `/apis/oauth.openshift.io/v1/oauthaccesstokens/${name}`, {
      method: 'DELETE',
    });
    expect(byBob.status).toBe(404);
    const byAlice = await api(token, `/apis/oauth.openshift.io/v1/oauthaccesstokens/${name}`, {
      method: 'DELETE',
    });
    expect(byAlice.status).toBe(200);
    expect((await api(token, '/apis/user.openshift.io/v1/users/~')).status).toBe(401);
  });
});
