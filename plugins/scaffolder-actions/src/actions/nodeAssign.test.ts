import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createNodeAssignAction } from './nodeAssign';
import { actionOptions, adminApi, snapshotCluster, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const MCO = '/apis/machineconfiguration.openshift.io/v1';

describe('layering:node:assign', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('creates a custom pool that selects worker and moves a node into it', async () => {
    const options = actionOptions(cluster);
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      pool: 'canary',
      nodes: ['worker-1'],
      createPool: true,
    });

    await createNodeAssignAction(options).handler(ctx);
    await cluster.settle();

    const pool = await adminApi(cluster).get(`${MCO}/machineconfigpools/canary`);
    expect(pool.spec.machineConfigSelector.matchExpressions).toEqual([
      { key: 'machineconfiguration.openshift.io/role', operator: 'In', values: ['worker', 'canary'] },
    ]);
    const node = await adminApi(cluster).get('/api/v1/nodes/worker-1');
    expect(node.metadata.labels['node-role.kubernetes.io/canary']).toBe('');
    expect(outputsOf(output)).toMatchObject({ labelled: ['worker-1'], poolCreated: true, changed: true });
    expect(options.backend.records[0]).toMatchObject({ kind: 'assign-nodes', pool: 'canary' });

    const again = await createTestContext({ cluster: 'ocp-418', pool: 'canary', nodes: ['worker-1'] });
    const before = await snapshotCluster(cluster);
    await createNodeAssignAction(options).handler(again.ctx);
    expect(outputsOf(again.output).changed).toBe(false);
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it.each([
    [{ pool: 'canary', nodes: ['worker-1'] }, 'pool: canary does not exist on cluster ocp-418; set createPool to create it'],
    [{ pool: 'worker', nodes: ['worker-1'] }, 'pool: "worker" is a built-in pool; nodes are assigned to custom pools only'],
    [{ pool: 'canary', nodes: ['master-0'], createPool: true }, 'nodes: master-0 is a control plane node'],
    [{ pool: 'canary', nodes: ['infra-0'], createPool: true }, 'nodes: infra-0 already belongs to custom pool infra'],
    [{ pool: 'canary', nodes: ['worker-9'], createPool: true }, 'nodes: node worker-9 does not exist on cluster ocp-418'],
    [{ pool: 'canary', nodes: ['worker-1', 'worker-1'], createPool: true }, 'nodes: each node may be listed once'],
  ])('refuses %j and changes nothing', async (input, message) => {
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({ cluster: 'ocp-418', ...input });
    await expect(createNodeAssignAction(actionOptions(cluster)).handler(ctx)).rejects.toThrow(message);
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it.each([
    [{ 'node-role.kubernetes.io/master': '' }],
    [{ 'node-role.kubernetes.io/sneaky': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }],
    [{ 'kubernetes.io/hostname': 'worker-1' }],
    [{ 'node-role.kubernetes.io/sneaky': 'yes' }],
  ])('labels nothing but the pool label: refuses a pool that selects nodes by %j', async matchLabels => {
    const res = await adminApi(cluster).send('POST', `${MCO}/machineconfigpools`, {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'sneaky' },
      spec: {
        machineConfigSelector: {
          matchExpressions: [{ key: 'machineconfiguration.openshift.io/role', operator: 'In', values: ['worker', 'sneaky'] }],
        },
        nodeSelector: { matchLabels },
      },
    });
    expect(res.status).toBeLessThan(300);
    const before = await snapshotCluster(cluster);
    const { ctx } = await createTestContext({ cluster: 'ocp-418', pool: 'sneaky', nodes: ['worker-1'] });

    await expect(createNodeAssignAction(actionOptions(cluster)).handler(ctx)).rejects.toThrow(
      /^pool: sneaky selects nodes by .*; layering changes one label on a node/,
    );
    expect(await snapshotCluster(cluster)).toEqual(before);
  });

  it('changes nothing in a dry run', async () => {
    const before = await snapshotCluster(cluster);
    const { ctx, output } = await createTestContext(
      { cluster: 'ocp-418', pool: 'canary', nodes: ['worker-1'], createPool: true },
      { isDryRun: true },
    );
    await createNodeAssignAction(actionOptions(cluster)).handler(ctx);
    expect(outputsOf(output)).toMatchObject({ labelled: ['worker-1'], changed: true });
    expect(await snapshotCluster(cluster)).toEqual(before);
  });
});
