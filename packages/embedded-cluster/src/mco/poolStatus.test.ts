import type { K8sObject } from '../store/types';
import { KEYS } from './constants';
import type { MosbView, MoscView } from './machineOS';
import { PoolLayering, computePoolStatus } from './poolStatus';
import type { Condition } from './util';

// The Updating condition as the MCO's node controller computes it (calculateStatus in
// openshift/machine-config-operator pkg/controller/node/status.go).

const OLD = 'rendered-infra-aaaa';
const TARGET = 'rendered-infra-bbbb';
const IMAGE = `registry.example.com/os/infra@sha256:${'1'.repeat(64)}`;
const NOW = '2026-12-05T07:00:00Z';

function pool(paused: boolean): K8sObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name: 'infra', generation: 2 },
    spec: { paused, configuration: { name: TARGET } },
    status: {},
  };
}

function node(config: string, image?: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'infra-0',
      annotations: {
        [KEYS.currentConfig]: config,
        [KEYS.desiredConfig]: config,
        [KEYS.state]: 'Done',
        ...(image ? { [KEYS.currentImage]: image, [KEYS.desiredImage]: image } : {}),
      },
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const mosc = { name: 'infra', pool: 'infra', currentImage: IMAGE } as MoscView;
const build = (phase: MosbView['phase']) =>
  ({ name: 'infra-build-2', mosc: 'infra', renderedConfig: TARGET, phase }) as MosbView;

function updating(p: K8sObject, layering: PoolLayering, nodes = [node(OLD)]) {
  const status = computePoolStatus({ pool: p, nodes, layering, now: NOW });
  const conditions = status.conditions as Condition[];
  const c = conditions.find(x => x.type === 'Updating')!;
  return { status: c.status, message: c.message };
}

describe('the Updating condition', () => {
  it('is False on a paused pool with work pending, naming the config it will not update to', () => {
    expect(updating(pool(true), { kind: 'none' })).toEqual({
      status: 'False',
      message: `Pool is paused; will not update to MachineConfig ${TARGET}`,
    });
  });

  it('is False on a paused layered pool whatever its build does, naming the MachineOSConfig image', () => {
    for (const b of [undefined, build('Building'), build('Succeeded')]) {
      expect(
        updating(pool(true), { kind: 'layered', mosc, build: b }, [node(OLD, IMAGE)]),
      ).toEqual({
        status: 'False',
        message: `Pool is paused; will not update to MachineConfig ${TARGET} / Image ${IMAGE}`,
      });
    }
  });

  it('is False with no message on a paused pool that has nothing to do', () => {
    expect(updating(pool(true), { kind: 'none' }, [node(TARGET)])).toEqual({
      status: 'False',
      message: '',
    });
  });

  it('is True while an unpaused pool rolls out, and tells the build stage of a layered pool', () => {
    expect(updating(pool(false), { kind: 'none' })).toEqual({
      status: 'True',
      message: `All nodes are updating to MachineConfig ${TARGET}`,
    });
    expect(updating(pool(false), { kind: 'layered', mosc })).toEqual({
      status: 'True',
      message: 'Pool is waiting for a new OS image build to start (mosc: infra)',
    });
    for (const phase of ['Prepared', 'Building'] as const) {
      expect(
        updating(pool(false), { kind: 'layered', mosc, build: build(phase) }),
      ).toEqual({
        status: 'True',
        message: 'Pool is waiting for OS image build to complete (mosb: infra-build-2)',
      });
    }
  });
});
