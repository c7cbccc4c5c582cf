/*
 * Drift from what runs and release-aware ordering (issue #13): each rule of docs/DRIFT.md, on
 * cluster states written for it.
 */
import { computeDrift, type DriftInput, type DriftNodeInput } from './drift';
import { compareBuildsInContext } from './driftRelease';

const digest = (c: string) => `@sha256:${c.repeat(64)}`;
const ART = 'quay.io/openshift-release-dev/ocp-v4.0-art-dev';
const DEFAULT_418 = `${ART}${digest('a')}`;
const CUSTOM = `registry.example.com/os/custom${digest('b')}`;

const RHCOS_418_21 = '418.94.202507221249-0';
const RHCOS_418_17 = '418.94.202506121335-0';
const RHCOS_416_45 = '416.94.202507011200-0';
/** A 4.16.z build dated after 4.18.21's: still two minors behind. */
const RHCOS_416_LATE = '416.94.202508150900-0';

const os = (build: string) => `Red Hat Enterprise Linux CoreOS ${build}`;
const node = (name: string, build: string, onTarget: boolean): DriftNodeInput => ({
  name,
  osImage: os(build),
  onTarget,
});

/** A 4.18.21 cluster updated EUS-to-EUS from 4.16.45 through 4.17.30. */
const eus: DriftInput = {
  release: { version: '4.18.21', rhcosVersion: RHCOS_418_21, defaultImage: DEFAULT_418 },
  targetImage: DEFAULT_418,
  targetSource: { kind: 'default' },
  baseRhcosVersion: RHCOS_418_21,
  baseRhcosSource: 'labels',
  history: [
    { version: '4.18.21', rhcosVersion: RHCOS_418_21, state: 'Completed' },
    { version: '4.17.30', rhcosVersion: '417.94.202504010000-0', state: 'Completed' },
    { version: '4.16.45', rhcosVersion: RHCOS_416_45, state: 'Completed' },
  ],
  stale: false,
};

describe('drift from what runs', () => {
  it('a custom pool paused after an EUS 4.16 to 4.18 update is behind by 2 minors, saying since when', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [node('gpu-0', RHCOS_416_45, false), node('gpu-1', RHCOS_416_45, false)],
      pool: { paused: true, pausedSince: '2026-11-30T22:10:00Z' },
    });
    expect(drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      releasesBehind: 2,
      matchedRelease: '4.16.45',
      target: { status: 'in-sync', minorVersionsBehind: 0 },
    });
    expect(drift.reason).toBe(
      "Paused since 2026-11-30T22:10:00Z: 0 of 2 updated; 2 of 2 nodes still boot 4.16.45's RHCOS (416.94.202507011200-0), 2 minor versions and 2 releases behind 4.18.21; once resumed, it goes to its target, which is in sync.",
    );
  });

  it('says "Paused" without a time when the pool reports none', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [node('gpu-0', RHCOS_416_45, false)],
      pool: { paused: true },
    });
    expect(drift.reason).toMatch(/^Paused: 0 of 1 updated;/);
  });

  it('a pool mid-rollout is behind while one node still boots the older build', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [
        node('w-0', RHCOS_418_21, true),
        node('w-1', RHCOS_418_17, false),
        node('w-2', RHCOS_418_17, false),
        node('w-3', RHCOS_418_17, false),
      ],
      history: [
        { version: '4.18.21', rhcosVersion: RHCOS_418_21, state: 'Completed' },
        { version: '4.18.17', rhcosVersion: RHCOS_418_17, state: 'Completed' },
      ],
      pool: { paused: false },
    });
    expect(drift).toMatchObject({
      status: 'behind',
      releasesBehind: 1,
      minorVersionsBehind: 0,
      target: { status: 'in-sync' },
    });
    expect(drift.reason).toMatch(
      /^Rolling out: 1 of 4 updated; 3 of 4 nodes still boot 4\.18\.17's RHCOS \(418\.94\.202506121335-0\), 1 release behind 4\.18\.21;/,
    );
  });

  it('is the target once every node is done on it', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [node('w-0', RHCOS_418_21, true), node('w-1', RHCOS_418_21, true)],
    });
    expect(drift.status).toBe('in-sync');
    expect(drift.reason).toBe(drift.target!.reason);
  });

  it('a pool without nodes uses its target', () => {
    const pinned = computeDrift({
      ...eus,
      targetImage: CUSTOM,
      targetSource: { kind: 'machine-config', name: 'os-layer-custom' },
      baseRhcosVersion: RHCOS_416_45,
      nodes: [],
    });
    expect(pinned.status).toBe('behind');
    expect(pinned.minorVersionsBehind).toBe(2);
    expect({ ...pinned, target: undefined }).toEqual({ ...pinned.target, target: undefined });
  });

  it('before the pool has a target image, the nodes still say what runs', () => {
    const drift = computeDrift({
      ...eus,
      targetImage: null,
      baseRhcosVersion: null,
      nodes: [node('infra-0', RHCOS_418_17, false)],
    });
    expect(drift).toMatchObject({ status: 'behind', target: { status: 'unknown' } });
    expect(drift.reason).toMatch(/^No target image yet; 1 of 1 nodes still boot RHCOS 418\.94\.202506121335-0/);
  });

  it('a node that boots another OS makes the drift unknown, naming it', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [
        node('w-0', RHCOS_418_21, false),
        { name: 'w-1', osImage: 'Fedora CoreOS 42.20250901.3.0', onTarget: false },
      ],
    });
    expect(drift.status).toBe('unknown');
    expect(drift.reason).toContain('1 node of 2 boot Fedora CoreOS (w-1 reports');
  });

  it('stale data makes both the status and the target unknown', () => {
    const drift = computeDrift({
      ...eus,
      nodes: [node('gpu-0', RHCOS_416_45, false)],
      pool: { paused: true },
      stale: true,
    });
    expect(drift.status).toBe('unknown');
    expect(drift.target?.status).toBe('unknown');
    expect(drift.reason).toContain('The last known state was behind');
  });
});

describe('release-aware ordering', () => {
  const pinned = (base: string, extra: Partial<DriftInput> = {}) =>
    computeDrift({
      ...eus,
      targetImage: CUSTOM,
      targetSource: { kind: 'machine-config', name: 'os-layer-custom' },
      baseRhcosVersion: base,
      ...extra,
    });

  it('a later-dated 4.16.z build on a 4.18 cluster is behind by 2 minors, not ahead', () => {
    const drift = pinned(RHCOS_416_LATE);
    expect(drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 2,
      releasesBehind: null,
    });
    // Its build date is later than the release's: the age is negative, the status still behind.
    expect(drift.ageDays).toBeLessThan(0);
    expect(drift.reason).toContain('2 minor versions behind 4.18.21');
  });

  it('is ahead only for a base of a newer release than the cluster', () => {
    expect(pinned('419.96.202505011200-0')).toMatchObject({
      status: 'ahead',
      minorVersionsBehind: -1,
    });
    // Within the minor, a newer build of the same minor is ahead too.
    expect(pinned('418.94.202508011200-0').status).toBe('ahead');
  });

  it('orders z-streams by their release when both match one, whatever the build dates', () => {
    // A respin of 4.18.17 dated after 4.18.21's build: the z-stream still decides.
    const respin = '418.94.202508020000-1';
    const drift = pinned(respin, {
      history: [
        { version: '4.18.21', rhcosVersion: RHCOS_418_21, state: 'Completed' },
        { version: '4.18.17', rhcosVersion: respin, state: 'Completed' },
      ],
    });
    expect(drift).toMatchObject({ status: 'behind', releasesBehind: 1, matchedRelease: '4.18.17' });
  });

  it('a minor gap is known even when the release build cannot be read', () => {
    const drift = pinned(RHCOS_416_45, {
      release: { version: '4.18.21', rhcosVersion: null, defaultImage: DEFAULT_418 },
    });
    expect(drift).toMatchObject({ status: 'behind', minorVersionsBehind: 2, ageDays: null });
  });

  it('compareBuildsInContext puts an older minor first whatever its date', () => {
    const context = { version: '4.18.21', rhcosVersion: RHCOS_418_21, history: eus.history, updates: [] };
    expect(compareBuildsInContext(RHCOS_416_LATE, RHCOS_418_17, context)).toBeLessThan(0);
    expect(compareBuildsInContext(RHCOS_418_17, RHCOS_418_21, context)).toBeLessThan(0);
    expect(compareBuildsInContext(RHCOS_418_21, RHCOS_418_21, context)).toBe(0);
  });
});

describe('RHEL-style build IDs across minors', () => {
  /** A 4.20 cluster whose builds carry no OCP part: the minor comes from payloads and labels. */
  const rhel: DriftInput = {
    release: { version: '4.20.5', rhcosVersion: '9.6.20251023-0', defaultImage: `${ART}${digest('c')}` },
    targetImage: CUSTOM,
    targetSource: { kind: 'machine-config', name: 'os-layer-custom' },
    baseRhcosVersion: '9.6.20251110-0',
    history: [
      { version: '4.20.5', rhcosVersion: '9.6.20251023-0', state: 'Completed' },
      { version: '4.19.20', rhcosVersion: '9.6.20251001-0', state: 'Completed' },
    ],
    stale: false,
  };

  it('takes the minor from the release payload of the update history that names the build', () => {
    const drift = computeDrift({ ...rhel, baseRhcosVersion: '9.6.20251001-0' });
    expect(drift).toMatchObject({
      status: 'behind',
      minorVersionsBehind: 1,
      releasesBehind: 1,
      matchedRelease: '4.19.20',
    });
  });

  it('takes the minor from the image labels: a later-dated 4.19 build is behind, not ahead', () => {
    const drift = computeDrift({ ...rhel, baseOcpVersion: '4.19.22' });
    expect(drift).toMatchObject({ status: 'behind', minorVersionsBehind: 1 });
    expect(drift.reason).toContain('RHCOS 9.6.20251110-0 (OCP 4.19)');
  });

  it('takes the minor from the update graph: a build of an offered 4.21 release is ahead', () => {
    const drift = computeDrift({
      ...rhel,
      baseRhcosVersion: '9.6.20251001-0',
      history: [{ version: '4.20.5', rhcosVersion: '9.6.20251023-0', state: 'Completed' }],
      updates: [{ version: '4.21.1', rhcosVersion: '9.6.20251001-0' }],
    });
    expect(drift).toMatchObject({ status: 'ahead', minorVersionsBehind: -1, matchedRelease: '4.21.1' });
  });

  it('falls back to the build date, and says so, when no source names the minor', () => {
    const drift = computeDrift({ ...rhel, baseRhcosVersion: '9.6.20250901-0' });
    expect(drift).toMatchObject({ status: 'behind', minorVersionsBehind: null, releasesBehind: null });
    expect(drift.reason).toContain('ordered by build date');
  });
});

describe('a cluster mid-update', () => {
  const midUpdate: DriftInput = {
    ...eus,
    release: { version: '4.18.24', rhcosVersion: '418.94.202508201000-0', defaultImage: `${ART}${digest('d')}` },
    history: [
      { version: '4.18.24', rhcosVersion: '418.94.202508201000-0', state: 'Partial' },
      { version: '4.18.21', rhcosVersion: RHCOS_418_21, state: 'Completed' },
      { version: '4.18.17', rhcosVersion: RHCOS_418_17, state: 'Completed' },
    ],
  };

  it('does not count the Partial entry in releasesBehind', () => {
    const drift = computeDrift({ ...midUpdate, targetImage: CUSTOM, baseRhcosVersion: RHCOS_418_17 });
    expect(drift).toMatchObject({ status: 'behind', releasesBehind: 1, matchedRelease: '4.18.17' });
  });

  it("a base of the last completed release is behind the new one, with no completed release between", () => {
    const drift = computeDrift({ ...midUpdate, targetImage: CUSTOM, baseRhcosVersion: RHCOS_418_21 });
    expect(drift).toMatchObject({ status: 'behind', releasesBehind: 0, matchedRelease: '4.18.21' });
    expect(drift.reason).toContain('behind 4.18.24, whose update has not completed yet');
  });
});

describe('bases that are not RHCOS, and multi-arch images', () => {
  it('a base labelled with another osname is unknown, with the reason', () => {
    const drift = computeDrift({
      ...eus,
      targetImage: CUSTOM,
      baseRhcosVersion: null,
      baseOsName: 'fedora-coreos',
    });
    expect(drift.status).toBe('unknown');
    expect(drift.reason).toContain('built from fedora-coreos (label com.coreos.osname), not RHCOS');
  });

  it("a manifest-list target whose digest differs from the default's is in sync by its labels' build", () => {
    // The default is the amd64 manifest; the pool pins the multi-arch index of the same build.
    const index = `${ART}${digest('e')}`;
    const drift = computeDrift({
      ...eus,
      targetImage: index,
      targetSource: { kind: 'machine-config', name: 'os-multiarch' },
      baseRhcosVersion: RHCOS_418_21,
    });
    expect(drift).toMatchObject({ status: 'in-sync', matchedRelease: '4.18.21', releasesBehind: 0 });
  });
});
