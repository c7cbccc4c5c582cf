import * as k8s from '@kubernetes/client-node';
import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import { collectWatch, kubeConfig, statusOf } from './__testUtils__/clientNode';

jest.setTimeout(60_000);

describe('the API server driven by @kubernetes/client-node: tokens and throttling', () => {
  let t: TestCluster;
  let admin: k8s.KubeConfig;
  let readOnly: k8s.KubeConfig;

  beforeAll(async () => {
    t = await startTestCluster({
      tokens: {
        admin: 'admin-token-client',
        readOnly: 'read-only-token-client',
      },
    });
    admin = kubeConfig(t, 'admin-token-client');
    readOnly = kubeConfig(t, 'read-only-token-client');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 401 without a valid token and 403 for writes with the read-only token', async () => {
    const anonymous = kubeConfig(t, 'not-a-token');
    // client-node drops the body of 401 answers; the code is what it reports.
    await expect(
      anonymous.makeApiClient(k8s.CoreV1Api).listNode(),
    ).rejects.toMatchObject({ code: 401 });
    const raw = await fetch(`${t.cluster.url}/api/v1/nodes`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 401,
      reason: 'Unauthorized',
    });
    const core = readOnly.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNode()).items).toHaveLength(6);
    const denied = await statusOf(
      core.patchNode(
        { name: 'worker-0', body: { spec: { unschedulable: true } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
    expect(denied).toMatchObject({ code: 403, reason: 'Forbidden' });
  });

  it('never serves Secret data to the read-only token, also not in watches', async () => {
    const adminCore = admin.makeApiClient(k8s.CoreV1Api);
    await adminCore.createNamespacedSecret({
      namespace: 'openshift-machine-config-operator',
      body: {
        metadata: { name: 'push-secret' },
        stringData: { '.dockerconfigjson': '{"auths":{}}' },
        type: 'kubernetes.io/dockerconfigjson',
      },
    });
    const asAdmin = await adminCore.readNamespacedSecret({
      namespace: 'openshift-machine-config-operator',
      name: 'push-secret',
    });
    expect(asAdmin.data?.['.dockerconfigjson']).toBe(
      Buffer.from('{"auths":{}}').toString('base64'),
    );
    const ro = readOnly.makeApiClient(k8s.CoreV1Api);
    const read = await ro.readNamespacedSecret({
      namespace: 'openshift-machine-config-operator',
      name: 'push-secret',
    });
    expect(read.data).toBeUndefined();
    expect(read.type).toBe('kubernetes.io/dockerconfigjson');
    const listed = await ro.listSecretForAllNamespaces();
    expect(listed.items.every(s => s.data === undefined)).toBe(true);
    const events = await collectWatch(
      readOnly,
      '/api/v1/namespaces/openshift-machine-config-operator/secrets',
      {},
      ev => ev.length > 0,
    );
    expect(events[0].object).not.toHaveProperty('data');
  });

  it('answers 429 with Retry-After when told to throttle', async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    t.cluster.throttle(2);
    let caught: k8s.ApiException<string> | undefined;
    try {
      await core.listNode();
    } catch (error) {
      caught = error as k8s.ApiException<string>;
    }
    expect(caught?.code).toBe(429);
    expect(caught?.headers['retry-after']).toBe('1');
    expect(await statusOf(core.listNode())).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
    });
    expect((await core.listNode()).items).toHaveLength(6);
  });
});
