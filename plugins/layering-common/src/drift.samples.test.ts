/*
 * The shared sample cluster (the embedded cluster's states/sample, scenario in its README.md):
 * the drift, counters, rollout and node histogram its README says each pool has.
 */
import { loadSamples, type K8sObject } from './__testUtils__/loadSamples';
import {
  computeDrift,
  derivePoolRollout,
  nodeRhcosHistogram,
  poolCountersFromNodes,
  type DriftInput,
  type DriftTargetSource,
} from './drift';
import {
  normalizeMachineOSBuild,
  normalizeMachineOSConfig,
} from './machineOSConfig';
import { rhcosVersionFromLabels } from './rhcos';
import { imageDigest } from './validation';

const samples = loadSamples();

/** What the backend hands to computeDrift for one pool of the sample cluster. */
function driftInputFor(poolName: string): DriftInput {
  const pool = samples.byName('MachineConfigPool', poolName)!;
  const rendered = samples.byName(
    'MachineConfig',
    pool.spec.configuration.name,
  )!;
  const mosc = samples
    .byKind('MachineOSConfig')
    .map(normalizeMachineOSConfig)
    .find(m => m?.pool === poolName);

  let targetImage: string | null;
  let targetSource: DriftTargetSource;
  if (mosc) {
    targetImage = mosc.status.currentImagePullSpec;
    targetSource = { kind: 'machine-os-config', name: mosc.name };
  } else {
    targetImage = rendered.spec.osImageURL;
    const overriding = (
      pool.spec.configuration.source as Array<{ name: string }>
    )
      .map(s => samples.byName('MachineConfig', s.name))
      .filter((mc): mc is K8sObject => !!mc && !!mc.spec?.osImageURL)
      .filter(
        mc =>
          !mc.metadata.annotations?.[
            'machineconfiguration.openshift.io/generated-by-controller-version'
          ],
      );
    const winner = overriding[overriding.length - 1];
    targetSource =
      imageDigest(targetImage) === imageDigest(samples.defaultImage) || !winner
        ? { kind: 'default' }
        : {
            kind: 'machine-config',
            name: winner.metadata.name,
            inherited:
              winner.metadata.labels?.[
                'machineconfiguration.openshift.io/role'
              ] !== poolName,
          };
  }
  const fromLabels = rhcosVersionFromLabels(samples.labelsOf(targetImage));
  return {
    release: samples.release,
    targetImage,
    targetSource,
    baseRhcosVersion: fromLabels,
    baseRhcosSource: fromLabels ? 'labels' : null,
    history: samples.history,
    stale: false,
  };
}

describe('sample cluster (OCP 4.18.21, upgraded from 4.18.17)', () => {
  it('reads the release and its history from the samples', () => {
    expect(samples.release).toEqual({
      version: '4.18.21',
      defaultImage: expect.stringContaining('@sha256:435b8c07'),
      rhcosVersion: '418.94.202507221249-0',
    });
    expect(samples.history).toEqual([
      {
        version: '4.18.21',
        state: 'Completed',
        rhcosVersion: '418.94.202507221249-0',
      },
      {
        version: '4.18.17',
        state: 'Completed',
        rhcosVersion: '418.94.202506121335-0',
      },
    ]);
  });

  it('master: on the release default image, in sync with 4.18.21', () => {
    const drift = computeDrift(driftInputFor('master'));
    const expected = {
      status: 'in-sync',
      minorVersionsBehind: 0,
      releasesBehind: 0,
      ageDays: 0,
      matchedRelease: '4.18.21',
      reason: "On 4.18.21's default rhel-coreos image.",
    };
    // Without nodes the pool's drift is its target's.
    expect(drift).toEqual({ ...expected, target: expected });
  });

  it("worker: pinned by os-layer-custom to 4.18.17's RHCOS, one release behind", () => {
    const input = driftInputFor('worker');
    expect(input.targetSource).toEqual({
      kind: 'machine-config',
      name: 'os-layer-custom',
      inherited: false,
    });
    expect(input.baseRhcosVersion).toBe('418.94.202506121335-0');
    const drift = computeDrift(input);
    const expected = {
      status: 'behind',
      minorVersionsBehind: 0,
      releasesBehind: 1,
      ageDays: 40,
      matchedRelease: '4.18.17',
      reason:
        "Pinned by MachineConfig os-layer-custom to an image built from 4.18.17's RHCOS (418.94.202506121335-0), 1 release behind 4.18.21: rebuild it FROM the current rhel-coreos image.",
    };
    expect(drift).toEqual({ ...expected, target: expected });
  });

  it('worker, from its nodes: half rolled out, the oldest build its nodes boot is 4.18.17', () => {
    const pool = samples.byName('MachineConfigPool', 'worker')!;
    const nodes = samples.nodesOfPool(pool).map(node => ({
      name: node.name,
      osImage: node.rhcosVersion
        ? `Red Hat Enterprise Linux CoreOS ${node.rhcosVersion}`
        : null,
      onTarget:
        node.currentConfig === pool.spec.configuration.name &&
        node.state === 'Done',
    }));
    const drift = computeDrift({ ...driftInputFor('worker'), nodes });
    expect(drift).toMatchObject({
      status: 'behind',
      releasesBehind: 1,
      matchedRelease: '4.18.17',
      target: { status: 'behind', matchedRelease: '4.18.17' },
    });
    expect(drift.reason).toMatch(
      /^Rolling out: 1 of 2 updated; 1 of 2 nodes still boot 4\.18\.17's RHCOS/,
    );
  });

  it("infra: runs an on-cluster build of 4.18.21's RHCOS", () => {
    const drift = computeDrift(driftInputFor('infra'));
    expect(drift.status).toBe('in-sync');
    expect(drift.matchedRelease).toBe('4.18.21');
    expect(drift.releasesBehind).toBe(0);
    expect(drift.reason).toBe(
      "Built on-cluster by MachineOSConfig infra from 4.18.21's RHCOS (418.94.202507221249-0).",
    );
  });

  it("infra: the pending build's base (the render's osImageURL) would move it behind", () => {
    const pending = normalizeMachineOSBuild(
      samples
        .byKind('MachineOSBuild')
        .find(b => b.metadata.name.startsWith('infra-08dc')),
    )!;
    expect(pending.state).toBe('Building');
    const render = samples.byName('MachineConfig', pending.renderedConfig!)!;
    const drift = computeDrift({
      ...driftInputFor('infra'),
      targetImage: render.spec.osImageURL,
      targetSource: {
        kind: 'machine-config',
        name: 'os-layer-custom',
        inherited: true,
      },
      baseRhcosVersion: rhcosVersionFromLabels(
        samples.labelsOf(render.spec.osImageURL),
      ),
    });
    expect(drift.status).toBe('behind');
    expect(drift.matchedRelease).toBe('4.18.17');
    expect(drift.reason).toContain(
      'inherited worker MachineConfig os-layer-custom',
    );
  });

  it('never reports a pool in sync when the data is stale', () => {
    for (const pool of ['master', 'worker', 'infra']) {
      const drift = computeDrift({ ...driftInputFor(pool), stale: true });
      expect(drift.status).toBe('unknown');
      expect(drift.reason).toMatch(/stale/);
    }
  });

  it.each([
    ['master', 3, 3, 3, 0, 0],
    ['worker', 2, 1, 1, 1, 0],
    ['infra', 1, 0, 0, 0, 0],
  ])(
    '%s: counters from nodes match the pool status',
    (name, machine, updated, ready, unavailable, degraded) => {
      const pool = samples.byName('MachineConfigPool', name)!;
      const mosc = samples
        .byKind('MachineOSConfig')
        .map(normalizeMachineOSConfig)
        .find(m => m?.pool === name);
      const counters = poolCountersFromNodes(samples.nodesOfPool(pool), {
        renderedConfig: pool.spec.configuration.name,
        layeredImage: mosc?.status.currentImagePullSpec,
      });
      expect(counters).toEqual({
        machineCount: machine,
        updatedMachineCount: updated,
        readyMachineCount: ready,
        unavailableMachineCount: unavailable,
        degradedMachineCount: degraded,
      });
      expect(counters).toEqual({
        machineCount: pool.status.machineCount,
        updatedMachineCount: pool.status.updatedMachineCount,
        readyMachineCount: pool.status.readyMachineCount,
        unavailableMachineCount: pool.status.unavailableMachineCount,
        degradedMachineCount: pool.status.degradedMachineCount,
      });
    },
  );

  it('derives each pool rollout state', () => {
    const state = (name: string, buildState?: 'Building') => {
      const pool = samples.byName('MachineConfigPool', name)!;
      return derivePoolRollout(
        {
          paused: pool.spec.paused,
          machineCount: pool.status.machineCount,
          updatedMachineCount: pool.status.updatedMachineCount,
          degradedMachineCount: pool.status.degradedMachineCount,
          conditions: pool.status.conditions,
        },
        { buildState },
      );
    };
    expect(state('master')).toEqual({ state: 'idle', updated: 3, total: 3 });
    expect(state('worker')).toEqual({ state: 'rolling', updated: 1, total: 2 });
    expect(state('infra', 'Building')).toEqual({
      state: 'building',
      updated: 0,
      total: 1,
    });
    expect(state('infra')).toEqual({ state: 'paused', updated: 0, total: 1 });
  });

  it('shows both RHCOS builds of the half-rolled worker pool', () => {
    const pool = samples.byName('MachineConfigPool', 'worker')!;
    expect(nodeRhcosHistogram(samples.nodesOfPool(pool))).toEqual([
      { rhcosVersion: '418.94.202507221249-0', count: 1 },
      { rhcosVersion: '418.94.202506121335-0', count: 1 },
    ]);
  });
});
