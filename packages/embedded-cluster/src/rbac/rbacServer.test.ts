import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import { RESOURCES } from '../store/resources';
import {
  READER_SERVICE_ACCOUNT,
  WRITER_SERVICE_ACCOUNT,
  loadRbacManifests,
} from './manifests';

jest.setTimeout(120_000);

const MCO = 'machineconfiguration.openshift.io';
const MCO_NS = 'openshift-machine-config-operator';
const READER = 'reader-token-rbac-test';
const WRITER = 'writer-token-rbac-test';
const ADMIN = 'admin-token-rbac-test';
const READER_USER = 'system:serviceaccount:rhcos-layering:layering-reader';
const WRITER_USER = 'system:serviceaccount:rhcos-layering:layering-writer';

const json = (body: unknown) =>
  body === undefined ? undefined : JSON.stringify(body);

describe('the shipped RBAC manifests, enforced by the embedded cluster', () => {
  let t: TestCluster;
  const call = async (
    token: string,
    path: string,
    init: {
      method?: string;
      body?: unknown;
      contentType?: string;
      accept?: string;
    } = {},
  ) => {
    const res = await fetch(`${t.cluster.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined
          ? { 'content-type': init.contentType ?? 'application/json' }
          : {}),
        ...(init.accept ? { accept: init.accept } : {}),
      },
      body: typeof init.body === 'string' ? init.body : json(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    const streaming = path.includes('watch=') && res.status === 200;
    const text = streaming ? '' : await res.text();
    if (streaming) await res.body?.cancel();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    t = await startTestCluster({
      tokens: { admin: ADMIN, readOnly: 'read-only-token-rbac-test' },
      serviceAccounts: [
        { ...READER_SERVICE_ACCOUNT, token: READER },
        { ...WRITER_SERVICE_ACCOUNT, token: WRITER },
      ],
      objects: loadRbacManifests().map(o => o.object),
    });
    // A push secret the writer may check for but whose data it must never need.
    const secret = await call(ADMIN, `/api/v1/namespaces/${MCO_NS}/secrets`, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'push-secret' },
        type: 'kubernetes.io/dockerconfigjson',
        data: {
          '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
        },
      },
    });
    if (secret.status !== 201) {
      throw new Error(`could not create the test secret: ${secret.status}`);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lets the reader list and watch everything the layering backend caches, and discover', async () => {
    const paths = [
      `/apis/${MCO}/v1/machineconfigpools`,
      `/apis/${MCO}/v1/machineconfigs`,
      `/apis/${MCO}/v1/machineosconfigs`,
      `/apis/${MCO}/v1/machineosbuilds`,
      '/api/v1/nodes',
      '/apis/config.openshift.io/v1/clusterversions',
      `/api/v1/namespaces/${MCO_NS}/configmaps?fieldSelector=metadata.name%3Dmachine-config-osimageurl`,
    ];
    for (const path of paths) {
      const sep = path.includes('?') ? '&' : '?';
      expect([
        path,
        (await call(READER, `${path}${sep}limit=500`)).status,
      ]).toEqual([path, 200]);
      expect([
        path,
        (await call(READER, `${path}${sep}watch=true&timeoutSeconds=1`)).status,
      ]).toEqual([path, 200]);
    }
    expect(
      (await call(READER, `/apis/${MCO}/v1/machineosconfigs/infra`)).status,
    ).toBe(200);
    for (const path of [
      '/api',
      '/apis',
      `/apis/${MCO}/v1`,
      '/openapi/v3',
      '/version',
    ]) {
      expect([path, (await call(READER, path)).status]).toEqual([path, 200]);
    }
  });

  it('refuses the reader every write to every kind, dry run or not, and any Secret read', async () => {
    for (const info of RESOURCES) {
      const gv = info.group
        ? `/apis/${info.group}/${info.versions[0]}`
        : '/api/v1';
      const collection = info.namespaced
        ? `${gv}/namespaces/${MCO_NS}/${info.resource}`
        : `${gv}/${info.resource}`;
      const attempts: Array<[string, string, string, unknown?]> = [
        ['create', 'POST', collection, { metadata: { name: 'x' } }],
        [
          'create',
          'POST',
          `${collection}?dryRun=All`,
          { metadata: { name: 'x' } },
        ],
        ['update', 'PUT', `${collection}/x`, { metadata: { name: 'x' } }],
        ['patch', 'PATCH', `${collection}/x`, {}],
        ['delete', 'DELETE', `${collection}/x`],
        ['deletecollection', 'DELETE', collection],
      ];
      for (const [verb, method, path, body] of attempts) {
        const res = await call(READER, path, {
          method,
          body,
          contentType:
            method === 'PATCH' ? 'application/merge-patch+json' : undefined,
        });
        // A namespace is in its own namespace (`namespaces/x` is in "x").
        let scope = info.namespaced
          ? `in the namespace "${MCO_NS}"`
          : 'at the cluster scope';
        if (info.resource === 'namespaces' && path.includes('/x'))
          scope = 'in the namespace "x"';
        expect([method, path, res.status]).toEqual([method, path, 403]);
        expect(res.body).toMatchObject({
          kind: 'Status',
          reason: 'Forbidden',
          code: 403,
          message: expect.stringContaining(
            `is forbidden: User "${READER_USER}" cannot ${verb} resource "${info.resource}" in API group "${info.group}" ${scope}`,
          ),
        });
      }
    }
    const denied = await call(
      READER,
      `/api/v1/namespaces/${MCO_NS}/secrets/push-secret`,
    );
    expect(denied).toEqual({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `secrets "push-secret" is forbidden: User "${READER_USER}" cannot get resource "secrets" in API group "" in the namespace "${MCO_NS}"`,
        reason: 'Forbidden',
        details: { name: 'push-secret', kind: 'secrets' },
        code: 403,
      },
    });
    // Only the one ConfigMap the backend needs, not the namespace's others.
    expect(
      (await call(READER, `/api/v1/namespaces/${MCO_NS}/configmaps`)).status,
    ).toBe(403);
  });

  it('lets the writer do what the actions do', async () => {
    const mc = {
      apiVersion: `${MCO}/v1`,
      kind: 'MachineConfig',
      metadata: {
        name: '99-worker-rbac-test',
        labels: { 'machineconfiguration.openshift.io/role': 'worker' },
      },
      spec: { osImageURL: `quay.io/example/os@sha256:${'a'.repeat(64)}` },
    };
    const apply = (path: string, body: unknown, dry = false) =>
      call(WRITER, `${path}?fieldManager=layering${dry ? '&dryRun=All' : ''}`, {
        method: 'PATCH',
        body: JSON.stringify(body),
        contentType: 'application/apply-patch+yaml',
      });
    expect(
      (
        await apply(
          `/apis/${MCO}/v1/machineconfigs/${mc.metadata.name}`,
          mc,
          true,
        )
      ).status,
    ).toBe(201);
    expect(
      (await apply(`/apis/${MCO}/v1/machineconfigs/${mc.metadata.name}`, mc))
        .status,
    ).toBe(201);
    const merge = (path: string, body: unknown) =>
      call(WRITER, `${path}?fieldManager=layering`, {
        method: 'PATCH',
        body,
        contentType: 'application/merge-patch+json',
      });
    expect(
      (
        await merge(`/apis/${MCO}/v1/machineconfigpools/worker`, {
          spec: { paused: true },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await merge('/api/v1/nodes/worker-0', {
          metadata: { labels: { 'node-role.kubernetes.io/infra': '' } },
        })
      ).status,
    ).toBe(200);
    const builds = await call(WRITER, `/apis/${MCO}/v1/machineosbuilds`);
    expect(builds.status).toBe(200);
    const build = builds.body.items[0].metadata.name;
    expect(
      (
        await merge(`/apis/${MCO}/v1/machineosbuilds/${build}`, {
          metadata: {
            annotations: { 'machineconfiguration.openshift.io/rebuild': '' },
          },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          WRITER,
          `/apis/${MCO}/v1/machineosbuilds/${build}?dryRun=All`,
          { method: 'DELETE' },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          WRITER,
          `/apis/${MCO}/v1/machineconfigs/${mc.metadata.name}`,
          { method: 'DELETE' },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          WRITER,
          `/api/v1/namespaces/${MCO_NS}/configmaps/machine-config-osimageurl`,
        )
      ).status,
    ).toBe(200);
    // A secret's existence, by metadata only: no data in the answer.
    const meta = await call(
      WRITER,
      `/api/v1/namespaces/${MCO_NS}/secrets/push-secret`,
      {
        accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
      },
    );
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: expect.objectContaining({
        name: 'push-secret',
        namespace: MCO_NS,
      }),
    });
    expect(JSON.stringify(meta.body)).not.toContain(
      Buffer.from('{"auths":{}}').toString('base64'),
    );
    expect(
      (
        await apply(`/api/v1/namespaces/${MCO_NS}/secrets/layering-push`, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'layering-push', namespace: MCO_NS },
          type: 'kubernetes.io/dockerconfigjson',
          data: {
            '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
          },
        })
      ).status,
    ).toBe(201);
  });

  it('refuses the writer what no action needs', async () => {
    const refused: Array<[string, string, string, unknown?]> = [
      [
        'create',
        'POST',
        `/apis/${MCO}/v1/machineconfigs`,
        { metadata: { name: 'x' } },
      ],
      ['watch', 'GET', `/apis/${MCO}/v1/machineconfigs?watch=true`],
      [
        'patch',
        'PATCH',
        `/apis/${MCO}/v1/machineconfigpools/worker/status`,
        {},
      ],
      ['delete', 'DELETE', `/apis/${MCO}/v1/machineconfigpools/worker`],
      ['deletecollection', 'DELETE', `/apis/${MCO}/v1/machineconfigs`],
      ['list', 'GET', `/api/v1/namespaces/${MCO_NS}/secrets`],
      ['get', 'GET', '/api/v1/namespaces/default/secrets/anything'],
      ['get', 'GET', `/api/v1/namespaces/${MCO_NS}/configmaps/other`],
      [
        'create',
        'POST',
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        { metadata: { name: 'x' } },
      ],
      [
        'patch',
        'PATCH',
        '/apis/config.openshift.io/v1/clusterversions/version',
        {},
      ],
    ];
    for (const [verb, method, path, body] of refused) {
      const res = await call(WRITER, path, {
        method,
        body,
        contentType:
          method === 'PATCH' ? 'application/merge-patch+json' : undefined,
      });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body.message).toContain(
        `User "${WRITER_USER}" cannot ${verb} resource`,
      );
    }
  });

  it('answers 401 to unknown tokens and keeps the test hooks to the admin', async () => {
    expect((await call('not-a-token', '/api/v1/nodes')).status).toBe(401);
    expect(
      (await call(WRITER, '/_sim/close-watches', { method: 'POST' })).status,
    ).toBe(403);
  });

  it('is what kubectl sees with a service-account context', async () => {
    const ok = await t.kubectl(['get', 'mcp', '-o', 'name'], {
      context: `embedded-${READER_SERVICE_ACCOUNT.name}`,
    });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(
      'machineconfigpool.machineconfiguration.openshift.io/worker',
    );
    const denied = await t.kubectl(['delete', 'mc', '00-worker'], {
      context: `embedded-${READER_SERVICE_ACCOUNT.name}`,
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      `Error from server (Forbidden): machineconfigs.${MCO} "00-worker" is forbidden: User "${READER_USER}" cannot delete resource "machineconfigs" in API group "${MCO}" at the cluster scope`,
    );
  });

  it('answers kubectl auth can-i for each identity', async () => {
    const canI = async (context: string, ...args: string[]) => {
      const r = await t.kubectl(['auth', 'can-i', ...args], { context });
      return r.stdout.trim();
    };
    const reader = `embedded-${READER_SERVICE_ACCOUNT.name}`;
    const writer = `embedded-${WRITER_SERVICE_ACCOUNT.name}`;
    expect(await canI(reader, 'watch', 'machineconfigpools')).toBe('yes');
    expect(await canI(reader, 'patch', 'machineconfigpools')).toBe('no');
    expect(await canI(writer, 'patch', 'machineconfigpools')).toBe('yes');
    expect(await canI(writer, 'create', 'machineconfigs')).toBe('no');
    expect(await canI(writer, 'get', 'secrets', '-n', MCO_NS)).toBe('yes');
    expect(await canI(writer, 'list', 'secrets', '-n', MCO_NS)).toBe('no');
    expect(await canI(writer, 'get', 'secrets', '-n', 'default')).toBe('no');
    expect(await canI('embedded', 'delete', 'nodes')).toBe('yes');
    const list = await t.kubectl(['auth', 'can-i', '--list', '-n', MCO_NS], {
      context: writer,
    });
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n').map(l => l.trim().split(/\s+/));
    expect(lines).toContainEqual(['secrets', '[]', '[]', '[get', 'patch]']);
    expect(lines).toContainEqual([
      'machineosbuilds.machineconfiguration.openshift.io',
      '[]',
      '[]',
      '[get',
      'list',
      'patch',
      'delete]',
    ]);
  });
});
