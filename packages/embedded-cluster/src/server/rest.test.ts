import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';

jest.setTimeout(60_000);

const MCP = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools';
const MC = '/apis/machineconfiguration.openshift.io/v1/machineconfigs';

describe('the REST API, raw', () => {
  let t: TestCluster;
  let call: (
    path: string,
    init?: RequestInit & { contentType?: string },
  ) => Promise<{ status: number; body: any; headers: Headers }>;

  beforeAll(async () => {
    t = await startTestCluster({
      tokens: { admin: 'admin-token-rest', readOnly: 'read-only-token-rest' },
    });
    call = async (path, init = {}) => {
      const res = await fetch(`${t.cluster.url}${path}`, {
        ...init,
        headers: {
          authorization: 'Bearer admin-token-rest',
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? JSON.parse(text.split('\n')[0]) : undefined,
        headers: res.headers,
      };
    };
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers Status objects for unknown resources, objects and methods', async () => {
    expect(
      await call('/apis/machineconfiguration.openshift.io/v1/nothings'),
    ).toMatchObject({
      status: 404,
      body: { kind: 'Status', reason: 'NotFound' },
    });
    expect(await call(`${MCP}/nope`)).toMatchObject({
      status: 404,
      body: {
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message:
          'machineconfigpools.machineconfiguration.openshift.io "nope" not found',
        details: { name: 'nope', kind: 'machineconfigpools' },
      },
    });
    expect(
      await call(MCP, {
        method: 'PUT',
        body: '{}',
        contentType: 'application/json',
      }),
    ).toMatchObject({ status: 405, body: { reason: 'MethodNotAllowed' } });
    expect(
      await call(
        '/apis/machineconfiguration.openshift.io/v1alpha1/machineosconfigs',
      ),
    ).toMatchObject({ status: 404 });
  });

  it('answers 409 AlreadyExists for a duplicate create', async () => {
    const body = JSON.stringify({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'master' },
    });
    expect(
      await call(MCP, {
        method: 'POST',
        body,
        contentType: 'application/json',
      }),
    ).toMatchObject({ status: 409, body: { reason: 'AlreadyExists' } });
  });

  it('applies JSON patches, refuses strategic merge patches on custom resources, and bumps generation on spec changes only', async () => {
    const before = (await call(`${MCP}/master`)).body;
    const patched = await call(`${MCP}/master`, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: JSON.stringify([
        { op: 'test', path: '/spec/paused', value: false },
        { op: 'add', path: '/spec/maxUnavailable', value: 2 },
      ]),
    });
    expect(patched.status).toBe(200);
    expect(patched.body.spec.maxUnavailable).toBe(2);
    expect(patched.body.metadata.generation).toBe(
      before.metadata.generation + 1,
    );
    const labelled = await call(`${MCP}/master`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: '{"metadata":{"labels":{"x":"y"}}}',
    });
    expect(labelled.body.metadata.generation).toBe(
      patched.body.metadata.generation,
    );
    const failedTest = await call(`${MCP}/master`, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: '[{"op":"test","path":"/spec/paused","value":true}]',
    });
    expect(failedTest.status).toBe(422);
    const smp = await call(`${MCP}/master`, {
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      body: '{}',
    });
    expect(smp).toMatchObject({
      status: 415,
      body: { reason: 'UnsupportedMediaType' },
    });
  });

  it('merges node conditions by type with a strategic merge patch', async () => {
    const res = await call('/api/v1/nodes/worker-0/status', {
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      body: JSON.stringify({
        status: {
          conditions: [
            { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
          ],
        },
      }),
    });
    expect(res.status).toBe(200);
    const conditions = res.body.status.conditions as Array<{
      type: string;
      status: string;
    }>;
    expect(conditions.map(c => c.type)).toEqual([
      'MemoryPressure',
      'DiskPressure',
      'PIDPressure',
      'Ready',
    ]);
    expect(conditions.find(c => c.type === 'Ready')?.status).toBe('False');
  });

  it('ends a watch after timeoutSeconds', async () => {
    const res = await fetch(`${t.cluster.url}${MCP}?watch=1&timeoutSeconds=1`, {
      headers: { authorization: 'Bearer admin-token-rest' },
    });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as { type: string });
    expect(lines.map(l => l.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
  });

  it('marks the end of the initial events of a watch-list with an annotated bookmark', async () => {
    const res = await fetch(
      `${t.cluster.url}${MCP}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
      {
        headers: { authorization: 'Bearer admin-token-rest' },
      },
    );
    const events = (await res.text())
      .trim()
      .split('\n')
      .map(
        l =>
          JSON.parse(l) as {
            type: string;
            object: { metadata: { annotations?: Record<string, string> } };
          },
      );
    expect(events.slice(0, 4).map(e => e.type)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
      'BOOKMARK',
    ]);
    expect(events[3].object.metadata.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
  });

  it('answers 504 for a list at a resourceVersion from the future', async () => {
    const res = await call(`${MCP}?resourceVersion=999999999`);
    expect(res).toMatchObject({
      status: 504,
      body: {
        reason: 'Timeout',
        details: { causes: [{ reason: 'ResourceVersionTooLarge' }] },
      },
    });
  });

  it('serves tables for single objects and PartialObjectMetadata rows', async () => {
    const res = await call(
      `${MC}/rendered-master-5926f68270c3e115f23e40a81a8ec9c4`,
      { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } },
    );
    expect(res.body.kind).toBe('Table');
    expect(
      res.body.columnDefinitions.map((c: { name: string }) => c.name),
    ).toEqual(['Name', 'GeneratedByController', 'IgnitionVersion', 'Age']);
    expect(res.body.rows[0].cells.slice(0, 3)).toEqual([
      'rendered-master-5926f68270c3e115f23e40a81a8ec9c4',
      '0b110733f9c181833ec3a2a04df5026bbd1768a5',
      '3.4.0',
    ]);
    expect(res.body.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('runs the test hooks for the admin token only', async () => {
    expect(
      (
        await call('/_sim/throttle', {
          method: 'POST',
          body: '{"n":-1}',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(400);
    const ro = await fetch(`${t.cluster.url}/_sim/expire-watch-history`, {
      method: 'POST',
      headers: { authorization: 'Bearer read-only-token-rest' },
    });
    expect(ro.status).toBe(403);
    expect((await call('/_sim/unenforced-rules')).body).toEqual({ items: [] });
  });
});
