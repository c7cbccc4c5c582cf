import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assembleCluster } from '../assemble';
import type { K8sObject } from '../store/types';
import { shiftStateTimes } from './anchor';
import { loadStateDir } from './loadState';

const STATES = path.resolve(__dirname, '../../states');
const OCP_418 = path.join(STATES, 'ocp-418');
/** Start of the running infra build of the sample scenario, as its file writes it. */
const RUNNING_BUILD_START = '2025-07-31T07:50:33Z';
/** The anchor of ocp-418's state.yaml. */
const OCP_418_ANCHOR = '2025-07-31T08:46:00Z';

jest.setTimeout(60_000);

function buildStart(object: K8sObject | undefined): string | undefined {
  return (object?.status as { buildStart?: string } | undefined)?.buildStart;
}

describe('shiftStateTimes', () => {
  it('moves every whole RFC 3339 time by now - anchor and leaves other strings alone', () => {
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'a',
          creationTimestamp: '2025-01-01T00:00:00Z',
          annotations: { 'example.com/at': '2025-01-01T00:00:30.25Z' },
        },
        data: {
          message: 'paused since 2025-01-01T00:00:00Z',
          build: '418.94.202507221249-0',
          offset: '2025-01-01T02:00:00+02:00',
        },
        status: {
          conditions: [{ lastTransitionTime: '2024-12-31T23:59:00Z' }],
        },
      },
    ] as unknown as K8sObject[];
    const shift = shiftStateTimes(
      objects,
      Date.parse('2025-01-01T00:01:00Z'),
      new Date('2026-12-05T06:40:00.400Z'),
    );
    expect(shift).toBe(
      Date.parse('2026-12-05T06:40:00Z') - Date.parse('2025-01-01T00:01:00Z'),
    );
    const [o] = objects as unknown as Array<Record<string, any>>;
    expect(o.metadata.creationTimestamp).toBe('2026-12-05T06:39:00Z');
    expect(o.metadata.annotations['example.com/at']).toBe(
      '2026-12-05T06:39:30.25Z',
    );
    expect(o.status.conditions[0].lastTransitionTime).toBe(
      '2026-12-05T06:38:00Z',
    );
    expect(o.data.offset).toBe('2026-12-05T06:39:00Z');
    // Text that only contains a time, and RHCOS build IDs, keep what they say.
    expect(o.data.message).toBe('paused since 2025-01-01T00:00:00Z');
    expect(o.data.build).toBe('418.94.202507221249-0');
  });

  it('refuses a clock that is not a time', () => {
    expect(() => shiftStateTimes([], 0, 'yesterday')).toThrow(
      'the state clock must be a valid time, got yesterday',
    );
  });
});

describe('state.yaml anchor', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'state-anchor-test-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is read from state.yaml, and a directory without one takes its base anchor', () => {
    fs.mkdirSync(path.join(root, 'base'));
    fs.mkdirSync(path.join(root, 'top'));
    fs.mkdirSync(path.join(root, 'own'));
    fs.writeFileSync(
      path.join(root, 'base', 'state.yaml'),
      'anchor: "2025-01-01T00:00:00Z"\n',
    );
    fs.writeFileSync(path.join(root, 'top', 'state.yaml'), 'base: ../base\n');
    fs.writeFileSync(
      path.join(root, 'own', 'state.yaml'),
      'base: ../base\nanchor: 2025-02-01T00:00:00Z\n',
    );
    expect(loadStateDir(path.join(root, 'base')).anchor).toBe(
      Date.parse('2025-01-01T00:00:00Z'),
    );
    expect(loadStateDir(path.join(root, 'top')).anchor).toBe(
      Date.parse('2025-01-01T00:00:00Z'),
    );
    expect(loadStateDir(path.join(root, 'own')).anchor).toBe(
      Date.parse('2025-02-01T00:00:00Z'),
    );
    expect(loadStateDir(path.join(STATES, 'sample')).anchor).toBeUndefined();
  });

  it('refuses an anchor that is not a time', () => {
    fs.writeFileSync(path.join(root, 'state.yaml'), 'anchor: last tuesday\n');
    expect(() => loadStateDir(root)).toThrow(
      'state.yaml: "anchor" must be an RFC 3339 time such as 2025-07-31T08:46:00Z',
    );
  });

  it.each(['ocp-417', 'ocp-418', 'ocp-419', 'sno-419'])(
    '%s has an anchor no time of its state is later than (except certificate expiries)',
    state => {
      const loaded = loadStateDir(path.join(STATES, state));
      expect(loaded.anchor).toBeDefined();
      const times: number[] = [];
      const walk = (value: unknown, key: string) => {
        if (typeof value === 'string') {
          if (key !== 'expiry' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value)) {
            times.push(Date.parse(value));
          }
        } else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) walk(v, k);
        }
      };
      for (const { object } of loaded.objects) walk(object, '');
      expect(times.length).toBeGreaterThan(10);
      expect(Math.max(...times)).toBeLessThanOrEqual(loaded.anchor!);
    },
  );
});

describe('a cluster started from an anchored state', () => {
  it('reads as captured at a pinned `now`: the running build started 55 minutes before it', async () => {
    const now = new Date('2026-12-05T06:40:00Z');
    const c = await assembleCluster({ stateDir: OCP_418, now });
    try {
      const running = c.store
        .list('machineosbuilds')
        .find(b => buildStart(b) && !(b.status as any).buildEnd);
      const offset =
        Date.parse(OCP_418_ANCHOR) - Date.parse(RUNNING_BUILD_START);
      expect(buildStart(running)).toBe(
        new Date(now.getTime() - offset).toISOString().replace('.000', ''),
      );
      // Nothing of the state lies in the future of its clock.
      const history = (c.store.list('clusterversions')[0].status as any)
        .history as Array<{ startedTime: string; completionTime?: string }>;
      for (const entry of history) {
        expect(Date.parse(entry.startedTime)).toBeLessThanOrEqual(
          now.getTime(),
        );
      }
    } finally {
      await c.stop();
    }
  });

  it('keeps the times of its files with now: false, and states without an anchor keep theirs', async () => {
    const kept = await assembleCluster({ stateDir: OCP_418, now: false });
    const sample = await assembleCluster({
      stateDir: path.join(STATES, 'sample'),
    });
    try {
      for (const c of [kept, sample]) {
        expect(c.store.list('machineosbuilds').map(buildStart)).toContain(
          RUNNING_BUILD_START,
        );
      }
    } finally {
      await kept.stop();
      await sample.stop();
    }
  });

  it('by default lands the anchor on the start time', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const c = await assembleCluster({ stateDir: OCP_418 });
    const after = Math.ceil(Date.now() / 1000) * 1000;
    try {
      const offset =
        Date.parse(OCP_418_ANCHOR) - Date.parse(RUNNING_BUILD_START);
      const starts = c.store
        .list('machineosbuilds')
        .map(b => Date.parse(buildStart(b) ?? ''))
        .filter(t => t >= before - offset && t <= after - offset);
      expect(starts).toHaveLength(1);
    } finally {
      await c.stop();
    }
  });

  it('shifts a state once: a persisted snapshot reloads with the times it was saved with', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-anchor-data-'));
    try {
      const first = await assembleCluster({
        stateDir: OCP_418,
        dataDir,
        now: new Date('2026-01-01T00:00:00Z'),
      });
      const saved = first.store.list('machineosbuilds').map(buildStart);
      await first.stop();
      const again = await assembleCluster({
        stateDir: OCP_418,
        dataDir,
        now: new Date('2027-01-01T00:00:00Z'),
      });
      try {
        expect(again.store.list('machineosbuilds').map(buildStart)).toEqual(
          saved,
        );
      } finally {
        await again.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
