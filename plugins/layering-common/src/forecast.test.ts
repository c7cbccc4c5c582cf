import {
  buildDurationsMs,
  forecastOutcome,
  forecastPool,
  forecastPoolSentence,
  forecastSentence,
  medianMinutes,
  oldestRhcosVersion,
  type ForecastContext,
  type ForecastPoolInput,
} from './forecast';

const NEW_RHCOS_IMAGE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}`;
const PINNED = `registry.example.com/os/custom@sha256:${'b'.repeat(64)}`;
const LAYERED = `registry.example.com/os/infra@sha256:${'d'.repeat(64)}`;

const context: ForecastContext = {
  target: {
    version: '4.18.24',
    rhcosVersion: '418.94.202508201022-0',
    rhcosImage: NEW_RHCOS_IMAGE,
  },
  history: [
    { version: '4.18.21', rhcosVersion: '418.94.202507221249-0', state: 'Completed' },
    { version: '4.18.17', rhcosVersion: '418.94.202506121335-0', state: 'Completed' },
  ],
  stale: false,
  buildDurationsMs: [],
};

const pool = (overrides: Partial<ForecastPoolInput>): ForecastPoolInput => ({
  name: 'worker',
  paused: false,
  machineCount: 3,
  layering: { mode: 'none' },
  image: { target: `quay.io/x@sha256:${'a'.repeat(64)}`, baseRhcosVersion: '418.94.202507221249-0' },
  nodeRhcosVersions: [{ rhcosVersion: '418.94.202507221249-0', count: 3 }],
  ...overrides,
});

describe('forecastOutcome', () => {
  it.each([
    [{ paused: false, layering: { mode: 'none' as const } }, 'follows'],
    [{ paused: false, layering: { mode: 'on-cluster' as const } }, 'rebuilds'],
    [{ paused: false, layering: { mode: 'out-of-cluster' as const } }, 'stays-pinned'],
    [{ paused: true, layering: { mode: 'none' as const } }, 'held'],
    [{ paused: true, layering: { mode: 'on-cluster' as const } }, 'held'],
    [{ paused: true, layering: { mode: 'out-of-cluster' as const } }, 'held'],
  ])('%j → %s', (input, outcome) => {
    expect(forecastOutcome(input)).toBe(outcome);
  });
});

describe('forecastPool', () => {
  it('a default pool follows: in sync with the new release, every node reboots, no build', () => {
    const result = forecastPool(pool({}), context);
    expect(result).toMatchObject({
      outcome: 'follows',
      drift: { status: 'in-sync', minorVersionsBehind: 0, releasesBehind: 0 },
      reboots: 3,
      builds: { count: 0, estimatedMinutes: null },
    });
    expect(result.drift.reason).toContain("4.18.24's rhel-coreos image (RHCOS 418.94.202508201022-0)");
  });

  it('an on-cluster pool rebuilds, with the median of its past build times', () => {
    const result = forecastPool(
      pool({ name: 'infra', machineCount: 2, layering: { mode: 'on-cluster', source: 'infra' }, image: { target: LAYERED, baseRhcosVersion: '418.94.202507221249-0' } }),
      { ...context, buildDurationsMs: [10 * 60_000, 14 * 60_000, 30 * 60_000] },
    );
    expect(result).toMatchObject({
      outcome: 'rebuilds',
      drift: { status: 'in-sync' },
      reboots: 2,
      builds: { count: 1, estimatedMinutes: 14 },
    });
    expect(result.reason).toContain('MachineOSConfig infra');
    expect(result.reason).toContain('about 14 minutes');
  });

  it('an on-cluster pool without build history has no time estimate', () => {
    const result = forecastPool(pool({ layering: { mode: 'on-cluster' } }), context);
    expect(result.builds).toEqual({ count: 1, estimatedMinutes: null });
    expect(result.reason).toContain('no past build tells how long it takes');
  });

  it('a pinned pool stays pinned and falls one more release behind', () => {
    const result = forecastPool(
      pool({
        layering: { mode: 'out-of-cluster', source: 'os-layer-custom' },
        image: { target: PINNED, baseRhcosVersion: '418.94.202506121335-0' },
        nodeRhcosVersions: [{ rhcosVersion: '418.94.202506121335-0', count: 3 }],
      }),
      context,
    );
    expect(result).toMatchObject({
      outcome: 'stays-pinned',
      drift: { status: 'behind', minorVersionsBehind: 0, releasesBehind: 2 },
      reboots: 0,
      builds: { count: 0, estimatedMinutes: null },
    });
    expect(result.reason).toContain('MachineConfig os-layer-custom');
  });

  it('a pool pinned to an older minor is behind by minors after the update', () => {
    const result = forecastPool(
      pool({
        layering: { mode: 'out-of-cluster', source: 'gpu' },
        image: { target: PINNED, baseRhcosVersion: '416.94.202509010000-0' },
      }),
      context,
    );
    expect(result.drift).toMatchObject({ status: 'behind', minorVersionsBehind: 2 });
  });

  it("a paused pool is held: its nodes' oldest RHCOS against the new release, no reboot", () => {
    const result = forecastPool(
      pool({
        paused: true,
        // its target is already the current default, but one node still boots 4.18.17's RHCOS
        nodeRhcosVersions: [
          { rhcosVersion: '418.94.202507221249-0', count: 2 },
          { rhcosVersion: '418.94.202506121335-0', count: 1 },
        ],
      }),
      context,
    );
    expect(result).toMatchObject({
      outcome: 'held',
      drift: { status: 'behind', releasesBehind: 2 },
      reboots: 0,
      builds: { count: 0 },
    });
    expect(result.drift.reason).toContain('418.94.202506121335-0');
    expect(result.drift.reason).toContain('until the pool is resumed');
  });

  it('a paused on-cluster pool is held but still builds', () => {
    const result = forecastPool(
      pool({ paused: true, layering: { mode: 'on-cluster', source: 'infra' } }),
      { ...context, buildDurationsMs: [5 * 60_000] },
    );
    expect(result.outcome).toBe('held');
    expect(result.builds).toEqual({ count: 1, estimatedMinutes: 5 });
    expect(result.reason).toContain('still built');
  });

  it('a held pool without nodes uses its target base', () => {
    const result = forecastPool(
      pool({ paused: true, machineCount: 0, nodeRhcosVersions: [], image: { target: PINNED, baseRhcosVersion: '417.94.202504010000-0' } }),
      context,
    );
    expect(result.drift).toMatchObject({ status: 'behind', minorVersionsBehind: 1 });
  });

  it('never predicts in sync on stale data', () => {
    const stale = { ...context, stale: true };
    expect(forecastPool(pool({}), stale).drift.status).toBe('unknown');
    expect(forecastPool(pool({ layering: { mode: 'on-cluster' } }), stale).drift.status).toBe('unknown');
    expect(
      forecastPool(pool({ layering: { mode: 'out-of-cluster' }, image: { target: PINNED, baseRhcosVersion: '418.94.202506121335-0' } }), stale).drift.status,
    ).toBe('unknown');
  });

  it('a pinned pool whose base is unknown has unknown drift', () => {
    const result = forecastPool(
      pool({ layering: { mode: 'out-of-cluster' }, image: { target: PINNED, baseRhcosVersion: null } }),
      context,
    );
    expect(result.drift.status).toBe('unknown');
  });
});

describe('helpers', () => {
  it('oldestRhcosVersion picks the oldest parseable build', () => {
    expect(
      oldestRhcosVersion([
        { rhcosVersion: '418.94.202507221249-0' },
        { rhcosVersion: null },
        { rhcosVersion: '416.94.202509010000-0' },
        { rhcosVersion: 'not a build' },
      ]),
    ).toBe('416.94.202509010000-0');
    expect(oldestRhcosVersion([{ rhcosVersion: null }])).toBeNull();
  });

  it('buildDurationsMs keeps successful builds with both times only', () => {
    expect(
      buildDurationsMs([
        { state: 'Succeeded', start: '2025-07-29T10:00:00Z', end: '2025-07-29T10:12:00Z' },
        { state: 'Failed', start: '2025-07-29T10:00:00Z', end: '2025-07-29T10:02:00Z' },
        { state: 'Building', start: '2025-07-29T10:00:00Z', end: null },
        { state: 'Succeeded', start: '2025-07-29T10:00:00Z', end: '2025-07-29T09:00:00Z' },
      ]),
    ).toEqual([12 * 60_000]);
  });

  it('medianMinutes: odd, even, empty', () => {
    expect(medianMinutes([3, 1, 2].map(m => m * 60_000))).toBe(2);
    expect(medianMinutes([10, 20].map(m => m * 60_000))).toBe(15);
    expect(medianMinutes([])).toBeNull();
  });
});

describe('sentences', () => {
  const follows = forecastPool(pool({ name: 'a', machineCount: 2 }), context);
  const rebuilds = forecastPool(pool({ name: 'b', machineCount: 2, layering: { mode: 'on-cluster' } }), {
    ...context,
    buildDurationsMs: [14 * 60_000],
  });
  const pinned = forecastPool(
    pool({ name: 'c', layering: { mode: 'out-of-cluster' }, image: { target: PINNED, baseRhcosVersion: '416.94.202509010000-0' } }),
    context,
  );

  it('summarises a cluster in one sentence', () => {
    expect(
      forecastSentence({
        to: '4.18.24',
        pools: [follows, { ...follows, name: 'd' }, { ...follows, name: 'e' }, rebuilds, pinned],
      }),
    ).toBe(
      'If you update to 4.18.24: 3 pools follow (6 reboots), 1 rebuilds (about 14 min, 2 reboots), 1 stays pinned and will be 2 minors behind.',
    );
  });

  it('says "up to" when pinned pools differ', () => {
    const other = { ...pinned, name: 'f', drift: { ...pinned.drift, minorVersionsBehind: 1 } };
    expect(forecastSentence({ to: '4.18.24', pools: [pinned, other] })).toBe(
      'If you update to 4.18.24: 2 stay pinned and will be up to 2 minors behind.',
    );
  });

  it('describes one pool', () => {
    expect(forecastPoolSentence('4.18.24', rebuilds)).toBe(
      'If you update to 4.18.24, this pool rebuilds (about 14 min, 2 reboots).',
    );
    expect(forecastPoolSentence('4.18.24', pinned)).toBe(
      'If you update to 4.18.24, this pool stays pinned and will be 2 minors behind.',
    );
  });

  it('says so when no pool is readable', () => {
    expect(forecastSentence({ to: '4.18.24', pools: [] })).toContain('no pool');
  });
});
