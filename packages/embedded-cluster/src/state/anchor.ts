import type { K8sObject } from '../store/types';

/**
 * How the times of a state are placed on the clock when it is loaded.
 *
 * - a `Date` (or ISO string): the state's anchor becomes this moment;
 * - `false`: the state keeps the times its files carry.
 *
 * @public
 */
export type StateClock = Date | string | false;

/** An RFC 3339 time as Kubernetes writes them: whole seconds or a fraction, `Z` or an offset. */
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parse the `anchor` of a `state.yaml`: the moment the state's files describe as "now".
 *
 * @public
 */
export function parseAnchor(value: unknown, where = 'state.yaml'): number {
  const text = value instanceof Date ? value.toISOString() : value;
  if (typeof text !== 'string' || !TIME.test(text)) {
    throw new Error(
      `${where}: "anchor" must be an RFC 3339 time such as 2025-07-31T08:46:00Z`,
    );
  }
  return Date.parse(text);
}

/**
 * Move every timestamp of the loaded objects by `now - anchor`, so a state written at one moment
 * reads as if it had been captured just now: a build that started five minutes before the anchor
 * started five minutes before `now`. Each object is changed in place.
 *
 * @remarks
 * Every string value that is a whole RFC 3339 time moves (creation times, build start and end,
 * condition transitions, update history, node heartbeats, annotations holding a time). Times inside
 * longer text (messages) and the build dates encoded in RHCOS build IDs and image labels do not:
 * those name when a release was built, not when something happened on this cluster. The shift is
 * rounded to whole seconds and a time keeps its written form (fraction or not, always UTC `Z`).
 *
 * @returns the shift in milliseconds
 * @public
 */
export function shiftStateTimes(
  objects: K8sObject[],
  anchor: number,
  now: Date | string,
): number {
  const nowMs = now instanceof Date ? now.getTime() : Date.parse(now);
  if (!Number.isFinite(nowMs)) {
    throw new Error(`the state clock must be a valid time, got ${String(now)}`);
  }
  const shift = Math.round((nowMs - anchor) / 1000) * 1000;
  if (shift === 0) return 0;
  for (const object of objects) shiftIn(object, shift);
  return shift;
}

function shiftIn(value: unknown, shift: number): unknown {
  if (typeof value === 'string') return shiftTime(value, shift);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shiftIn(value[i], shift);
    return value;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      record[key] = shiftIn(record[key], shift);
    }
  }
  return value;
}

function shiftTime(text: string, shift: number): string {
  const m = TIME.exec(text);
  if (!m) return text;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return text;
  const iso = new Date(ms + shift).toISOString();
  // The shift is whole seconds, so the written fraction (or none) stays as it was.
  return `${iso.slice(0, 19)}${m[1] ?? ''}Z`;
}
