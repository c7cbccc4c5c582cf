import {
  computeDrift,
  derivePoolRollout,
  nodeRhcosHistogram,
  poolCountersFromNodes,
  resolveBaseRhcosVersion,
  type DriftInput,
} from './drift';

const DEFAULT = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(
  64,
)}`;
const CUSTOM = `registry.example.com/os/custom@sha256:${'b'.repeat(64)}`;

const base: DriftInput = {
  release: {
    version: '4.18.21',
    rhcosVersion: '418.94.202507221249-0',
    defaultImage: DEFAULT,
  },
  targetImage: CUSTOM,
  targetSource: { kind: 'machine-config', name: 'os-layer-custom' },
  baseRhcosVersion: '418.94.202506121335-0',
  baseRhcosSource: 'labels',
  history: [
    { version: '4.18.21', rhcosVersion: '418.94.202507221249-0' },
    { version: '4.18.17', rhcosVersion: '418.94.202506121335-0' },
    { version: '4.18.10', rhcosVersion: null },
    { version: '4.17.30', rhcosVersion: '417.94.202504010000-0' },
  ],
  stale: false,
};

describe('computeDrift', () => {
  it('is in sync when the target digest equals the release default, whatever the labels say', () => {
    const drift = computeDrift({
      ...base,
      targetImage: `quay.io/mirror/rhcos@sha256:${'a'.repeat(64)}`,
      baseRhcosVersion: null,
    });
    expect(drift.status).toBe('in-sync');
    expect(drift.matchedRelease).toBe('4.18.21');
  });

  it('is in sync when the base build equals the release build', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: '418.94.202507221249-0',
    });
    expect(drift).toMatchObject({
      status: 'in-sync',
      releasesBehind: 0,
      ageDays: 0,
      minorVersionsBehind: 0,
    });
    expect(drift.reason).toBe(
      "Pinned by MachineConfig os-layer-custom to an image built from 4.18.21's RHCOS (418.94.202507221249-0).",
    );
  });

  it('is behind with the release distance when the base matches an older history entry', () => {
    expect(computeDrift(base)).toMatchObject({
      status: 'behind',
      releasesBehind: 1,
      matchedRelease: '4.18.17',
      minorVersionsBehind: 0,
      ageDays: 40,
    });
  });

  it('counts the minor versions behind from the legacy OCP part', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: '417.94.202504010000-0',
    });
    expect(drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 1,
      releasesBehind: 3,
      matchedRelease: '4.17.30',
    });
    expect(drift.reason).toContain("4.17.30's RHCOS");
    expect(drift.reason).toContain('3 releases behind 4.18.21');
  });

  it('explains a base older than any release of the history', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: '416.94.202401010000-0',
    });
    expect(drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      releasesBehind: null,
      matchedRelease: null,
    });
    expect(drift.reason).toContain(
      '2 minor versions behind 4.18.21 and older than any release',
    );
  });

  it('uses the age when the base matches nothing and is of the same minor', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: '418.94.202507010000-0',
    });
    expect(drift).toMatchObject({
      status: 'behind',
      releasesBehind: null,
      ageDays: 22,
    });
    expect(drift.reason).toContain(
      "22 days older than 4.18.21's and matching no release",
    );
  });

  it('leaves minorVersionsBehind null when the format does not encode OCP', () => {
    const drift = computeDrift({ ...base, baseRhcosVersion: '9.4.20250101-0' });
    expect(drift.status).toBe('behind');
    expect(drift.minorVersionsBehind).toBeNull();
  });

  it('leaves minorVersionsBehind null across OCP majors', () => {
    const drift = computeDrift({
      ...base,
      release: {
        ...base.release,
        version: '5.0.1',
        rhcosVersion: '500.100.202607010000-0',
      },
      baseRhcosVersion: '422.98.202601010000-0',
    });
    expect(drift.minorVersionsBehind).toBeNull();
  });

  it('is ahead when the base is newer than the release build', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: '418.94.202508011200-0',
    });
    expect(drift).toMatchObject({ status: 'ahead', releasesBehind: null });
    expect(drift.ageDays).toBeLessThan(0);
    expect(drift.reason).toMatch(
      /newer than 4\.18\.21's 418\.94\.202507221249-0/,
    );
  });

  it('compares the serial when the stamps are equal', () => {
    expect(
      computeDrift({ ...base, baseRhcosVersion: '418.94.202507221249-1' })
        .status,
    ).toBe('ahead');
    expect(
      computeDrift({
        ...base,
        release: { ...base.release, rhcosVersion: '418.94.202507221249-2' },
        baseRhcosVersion: '418.94.202507221249-1',
      }).status,
    ).toBe('behind');
  });

  it('is unknown when the base cannot be determined', () => {
    const drift = computeDrift({
      ...base,
      baseRhcosVersion: null,
      baseRhcosSource: null,
    });
    expect(drift.status).toBe('unknown');
    expect(drift.reason).toMatch(/cannot be determined/);
    expect(
      computeDrift({ ...base, baseRhcosVersion: 'custom-1' }).reason,
    ).toMatch(/not an RHCOS build ID/);
  });

  it('is unknown without a target image or release information', () => {
    expect(computeDrift({ ...base, targetImage: null }).status).toBe('unknown');
    expect(
      computeDrift({
        ...base,
        release: { version: null, rhcosVersion: null, defaultImage: null },
      }).status,
    ).toBe('unknown');
  });

  it("is unknown when the release's build cannot be read, keeping the history match", () => {
    const drift = computeDrift({
      ...base,
      release: { ...base.release, rhcosVersion: null },
    });
    expect(drift).toMatchObject({
      status: 'unknown',
      releasesBehind: 1,
      matchedRelease: '4.18.17',
    });
  });

  it('is never in sync when stale, even on the default image', () => {
    const drift = computeDrift({ ...base, targetImage: DEFAULT, stale: true });
    expect(drift.status).toBe('unknown');
    expect(drift.reason).toMatch(/stale.*last known state was in-sync/);
    expect(computeDrift({ ...base, stale: true })).toMatchObject({
      status: 'unknown',
      releasesBehind: 1,
    });
  });

  it('names the source in the reason', () => {
    expect(
      computeDrift({
        ...base,
        targetSource: { kind: 'machine-config', name: 'x', inherited: true },
      }).reason,
    ).toMatch(
      /^Pinned by the inherited worker MachineConfig x to an image built from/,
    );
    expect(
      computeDrift({
        ...base,
        targetSource: { kind: 'machine-os-config', name: 'infra' },
      }).reason,
    ).toMatch(
      /^Built on-cluster by MachineOSConfig infra from 4\.18\.17's RHCOS.*remove or rebuild the osImageURL override/,
    );
    expect(computeDrift({ ...base, targetSource: undefined }).reason).toMatch(
      /^Uses an image built from/,
    );
  });
});

describe('derivePoolRollout', () => {
  const pool = {
    paused: false,
    machineCount: 3,
    updatedMachineCount: 3,
    degradedMachineCount: 0,
    conditions: [],
  };

  it('is idle when every node is updated', () => {
    expect(derivePoolRollout(pool)).toEqual({
      state: 'idle',
      updated: 3,
      total: 3,
    });
  });
  it('is rolling while nodes are not updated or Updating is True', () => {
    expect(derivePoolRollout({ ...pool, updatedMachineCount: 1 }).state).toBe(
      'rolling',
    );
    expect(
      derivePoolRollout({
        ...pool,
        conditions: [{ type: 'Updating', status: 'True' }],
      }).state,
    ).toBe('rolling');
  });
  it('is paused when paused with work pending, idle when paused with none', () => {
    expect(
      derivePoolRollout({ ...pool, paused: true, updatedMachineCount: 0 })
        .state,
    ).toBe('paused');
    expect(derivePoolRollout({ ...pool, paused: true }).state).toBe('idle');
  });
  it('is building while the newest build is prepared or running', () => {
    expect(derivePoolRollout(pool, { buildState: 'Prepared' }).state).toBe(
      'building',
    );
    expect(derivePoolRollout(pool, { buildState: 'Succeeded' }).state).toBe(
      'idle',
    );
  });
  it('is degraded on degraded nodes or conditions, before anything else', () => {
    expect(
      derivePoolRollout(
        { ...pool, degradedMachineCount: 1 },
        { buildState: 'Building' },
      ).state,
    ).toBe('degraded');
    expect(
      derivePoolRollout({
        ...pool,
        conditions: [{ type: 'ImageBuildDegraded', status: 'True' }],
      }).state,
    ).toBe('degraded');
    expect(
      derivePoolRollout({
        ...pool,
        conditions: [{ type: 'RenderDegraded', status: 'False' }],
      }).state,
    ).toBe('idle');
  });
  it('is unknown when stale', () => {
    expect(
      derivePoolRollout({ ...pool, degradedMachineCount: 1 }, { stale: true })
        .state,
    ).toBe('unknown');
  });
});

describe('nodeRhcosHistogram', () => {
  it('counts per build, most common first, unknown last', () => {
    expect(
      nodeRhcosHistogram([
        { rhcosVersion: null },
        { rhcosVersion: '418.94.202506121335-0' },
        { rhcosVersion: '418.94.202507221249-0' },
        { rhcosVersion: '418.94.202507221249-0' },
      ]),
    ).toEqual([
      { rhcosVersion: '418.94.202507221249-0', count: 2 },
      { rhcosVersion: '418.94.202506121335-0', count: 1 },
      { rhcosVersion: null, count: 1 },
    ]);
    expect(nodeRhcosHistogram([])).toEqual([]);
  });
});

describe('poolCountersFromNodes', () => {
  const node = {
    currentConfig: 'rendered-a',
    desiredConfig: 'rendered-a',
    state: 'Done',
    currentImage: null,
    desiredImage: null,
    ready: true,
    unschedulable: false,
  };
  it('counts updated, ready, unavailable and degraded nodes as the MCO does', () => {
    expect(
      poolCountersFromNodes(
        [
          node,
          { ...node, unschedulable: true },
          { ...node, desiredConfig: 'rendered-b', state: 'Working' },
          { ...node, state: 'Degraded', reason: 'x' } as typeof node,
          { ...node, ready: false },
        ],
        { renderedConfig: 'rendered-a' },
      ),
    ).toEqual({
      machineCount: 5,
      updatedMachineCount: 3,
      readyMachineCount: 1,
      unavailableMachineCount: 4,
      degradedMachineCount: 1,
    });
  });
  it('requires the layered image on on-cluster pools', () => {
    const layered = {
      ...node,
      currentImage: 'img@sha256:1',
      desiredImage: 'img@sha256:1',
    };
    expect(
      poolCountersFromNodes([layered], {
        renderedConfig: 'rendered-a',
        layeredImage: 'img@sha256:2',
      }).updatedMachineCount,
    ).toBe(0);
    expect(
      poolCountersFromNodes([layered], {
        renderedConfig: 'rendered-a',
        layeredImage: 'img@sha256:1',
      }).updatedMachineCount,
    ).toBe(1);
  });
});

describe('resolveBaseRhcosVersion', () => {
  it('prefers the image labels', () => {
    expect(
      resolveBaseRhcosVersion('418.94.202506121335-0', [
        { rhcosVersion: '418.94.202507221249-0' },
      ]),
    ).toEqual({ rhcosVersion: '418.94.202506121335-0', source: 'labels' });
  });
  it('falls back to the nodes running the image, the most common build first', () => {
    expect(
      resolveBaseRhcosVersion(null, [
        { rhcosVersion: null },
        { rhcosVersion: '418.94.202506121335-0' },
        { rhcosVersion: '418.94.202507221249-0' },
        { rhcosVersion: '418.94.202507221249-0' },
      ]),
    ).toEqual({ rhcosVersion: '418.94.202507221249-0', source: 'nodes' });
    expect(
      resolveBaseRhcosVersion('not-a-build', [
        { rhcosVersion: '9.6.20251023-0' },
      ]),
    ).toEqual({ rhcosVersion: '9.6.20251023-0', source: 'nodes' });
  });
  it('is unknown without labels or nodes', () => {
    expect(resolveBaseRhcosVersion(undefined, [])).toEqual({
      rhcosVersion: null,
      source: null,
    });
    expect(resolveBaseRhcosVersion(null, [{ rhcosVersion: null }])).toEqual({
      rhcosVersion: null,
      source: null,
    });
  });
});
