import type { K8sObject } from '../store/types';
import { poolForNode } from './membership';
import { resolveMaxUnavailable } from './nodeController';

const pool = (name: string): K8sObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
  metadata: { name },
  spec: { nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${name}`]: '' } } },
});
const node = (...roles: string[]): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: `n-${roles.join('-')}`, labels: Object.fromEntries(roles.map(r => [`node-role.kubernetes.io/${r}`, ''])) },
});
const pools = ['master', 'worker', 'infra', 'gpu'].map(pool);

describe('poolForNode', () => {
  it.each([
    [['worker'], 'worker'],
    [['master'], 'master'],
    [['worker', 'infra'], 'infra'],
    [['master', 'worker'], 'master'],
    [['master', 'infra'], 'master'],
    [['edge'], undefined],
  ])('%j → %s', (roles, expected) => {
    expect(poolForNode(node(...roles), pools)).toEqual(expected ? { pool: expected } : {});
  });

  it('refuses a node that two custom pools select', () => {
    const m = poolForNode(node('worker', 'infra', 'gpu'), pools);
    expect(m.pool).toBeUndefined();
    expect(m.error).toMatch(/2 custom pools \(gpu, infra\)/);
  });
});

describe('resolveMaxUnavailable', () => {
  it.each([
    [undefined, 10, 1],
    [0, 10, 1],
    [3, 10, 3],
    ['2', 10, 2],
    ['25%', 10, 2],
    ['10%', 3, 1],
    ['100%', 4, 4],
    ['nonsense', 4, 1],
  ])('%j of %i nodes → %i', (value, count, expected) => {
    expect(resolveMaxUnavailable(value, count)).toBe(expected);
  });
});
