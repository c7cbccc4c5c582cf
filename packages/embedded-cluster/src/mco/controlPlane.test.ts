import type { K8sObject } from '../store/types';
import { KEYS, MCO_NAMESPACE } from './constants';
import { SimulatedCluster, ann, useSimulatedCluster } from './__testUtils__/harness';

// Each test drives a whole master rollout through the validating store.
jest.setTimeout(30_000);

const MASTERS = ['master-0', 'master-1', 'master-2'];

/** The order in which masters are given a new desired config. */
function trackTargets(c: SimulatedCluster): string[] {
  const order: string[] = [];
  c.store.subscribe(e => {
    if (e.resource !== 'nodes' || e.type !== 'MODIFIED' || !e.old) return;
    const name = e.object.metadata.name;
    if (!MASTERS.includes(name)) return;
    if (ann(e.object, 'desiredConfig') !== ann(e.old, 'desiredConfig')) order.push(name);
  });
  return order;
}

function masterKargs(c: SimulatedCluster): void {
  c.store.create('machineconfigs', {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name: '99-master-kargs', labels: { [KEYS.role]: 'master' } },
    spec: { kernelArguments: ['audit=1'] },
  });
}

function expectAllOnTarget(c: SimulatedCluster): void {
  const target = (c.get('machineconfigpools', 'master').spec as { configuration: { name: string } }).configuration.name;
  for (const name of MASTERS) {
    const node = c.get('nodes', name);
    expect({ name, current: ann(node, 'currentConfig') }).toEqual({ name, current: target });
  }
}

describe('control plane rollout order (ocp-418)', () => {
  let c: SimulatedCluster;
  useSimulatedCluster('ocp-418', started => (c = started));

  it('updates the stand-in etcd leader (the first master by name) last', async () => {
    const order = trackTargets(c);
    masterKargs(c);
    await c.settle();
    expect(order).toEqual(['master-1', 'master-2', 'master-0']);
    expectAllOnTarget(c);
  });

  it('defers the node that runs the machine-config-operator pod when there is one', async () => {
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'machine-config-operator-7d9c8b6f5-abcde',
        namespace: MCO_NAMESPACE,
        labels: { 'k8s-app': 'machine-config-operator' },
      },
      spec: {
        nodeName: 'master-1',
        containers: [{ name: 'machine-config-operator', image: `quay.example.com/mco@sha256:${'a'.repeat(64)}` }],
      },
    };
    c.store.create('pods', pod);
    const order = trackTargets(c);
    masterKargs(c);
    await c.settle();
    expect(order).toEqual(['master-0', 'master-2', 'master-1']);
    expectAllOnTarget(c);
  });
});
