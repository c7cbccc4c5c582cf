import path from 'node:path';
import { startEmbeddedCluster, EmbeddedCluster } from '../cluster';

jest.setTimeout(60_000);

const STATES = path.resolve(__dirname, '../../states');
const MCP = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools';
const TOKEN = 'admin-token-admission';
const DENIAL =
  "ValidatingAdmissionPolicy 'custom-machine-config-pool-selector' with binding 'custom-machine-config-pool-selector-binding' denied request: All custom MachineConfigPools must inherit from the worker pool and must have a machineConfigSelector that matches for a 'machineconfiguration.openshift.io/role: worker' label";

function pool(name: string, machineConfigSelector: unknown) {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name },
    spec: {
      machineConfigSelector,
      nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${name}`]: '' } },
    },
  };
}

const onlyOwnRole = (name: string) => ({
  matchLabels: { 'machineconfiguration.openshift.io/role': name },
});

async function call(
  cluster: EmbeddedCluster,
  method: string,
  url: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cluster.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('the custom pool selector admission policy (4.18 and later)', () => {
  let cluster: EmbeddedCluster;
  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      stateDir: path.join(STATES, 'sample'),
      speed: 0,
      tokens: { admin: TOKEN },
    });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('refuses to create a pool that does not take the worker configs, as kube answers a denial', async () => {
    const res = await call(cluster, 'POST', MCP, pool('gpu', onlyOwnRole('gpu')));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: `machineconfigpools.machineconfiguration.openshift.io "gpu" is forbidden: ${DENIAL}`,
      details: {
        name: 'gpu',
        group: 'machineconfiguration.openshift.io',
        kind: 'machineconfigpools',
        causes: [{ message: DENIAL }],
      },
    });
    // Nothing was created, dry run or not.
    expect((await call(cluster, 'GET', `${MCP}/gpu`)).status).toBe(404);
    const dry = await call(cluster, 'POST', `${MCP}?dryRun=All`, pool('gpu', onlyOwnRole('gpu')));
    expect(dry.status).toBe(422);
  });

  it.each([
    ['an In expression naming worker', { matchExpressions: [{ key: 'machineconfiguration.openshift.io/role', operator: 'In', values: ['worker', 'gpu'] }] }],
    ['a NotIn expression that leaves worker in', { matchExpressions: [{ key: 'machineconfiguration.openshift.io/role', operator: 'NotIn', values: ['master'] }] }],
    ['the worker role label', { matchLabels: { 'machineconfiguration.openshift.io/role': 'worker' } }],
  ])('accepts a pool selecting %s', async (_, selector) => {
    const res = await call(cluster, 'POST', `${MCP}?dryRun=All`, pool('gpu', selector));
    expect(res.status).toBe(201);
  });

  it('refuses an update, a patch and an apply that take the worker configs away, and leaves the pool as it was', async () => {
    const before = (await call(cluster, 'GET', `${MCP}/infra`)).body;
    const put = structuredClone(before);
    put.spec.machineConfigSelector = onlyOwnRole('infra');
    const updated = await call(cluster, 'PUT', `${MCP}/infra`, put);
    expect(updated.status).toBe(422);
    expect(updated.body.message).toBe(
      `machineconfigpools.machineconfiguration.openshift.io "infra" is forbidden: ${DENIAL}`,
    );
    const patched = await call(
      cluster,
      'PATCH',
      `${MCP}/infra`,
      { spec: { machineConfigSelector: { matchExpressions: null, matchLabels: { 'machineconfiguration.openshift.io/role': 'infra' } } } },
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(422);
    const applied = await call(
      cluster,
      'PATCH',
      `${MCP}/gpu?fieldManager=test`,
      pool('gpu', onlyOwnRole('gpu')),
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(422);
    const after = (await call(cluster, 'GET', `${MCP}/infra`)).body;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.machineConfigSelector).toEqual(before.spec.machineConfigSelector);
  });

  it('lets the built-in pools keep their own role', async () => {
    const master = (await call(cluster, 'GET', `${MCP}/master`)).body;
    master.metadata.labels = { ...master.metadata.labels, 'example.com/touched': 'yes' };
    expect((await call(cluster, 'PUT', `${MCP}/master`, master)).status).toBe(200);
  });
});

describe('before 4.18 there is no such policy', () => {
  it('creates a pool that selects only its own role on a 4.17 cluster', async () => {
    const cluster = await startEmbeddedCluster({
      stateDir: path.join(STATES, 'ocp-417'),
      speed: 0,
      tokens: { admin: TOKEN },
    });
    try {
      const res = await call(cluster, 'POST', `${MCP}?dryRun=All`, pool('gpu2', onlyOwnRole('gpu2')));
      expect(res.status).toBe(201);
    } finally {
      await cluster.stop();
    }
  });
});
