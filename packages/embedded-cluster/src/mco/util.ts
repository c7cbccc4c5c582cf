import { createHash } from 'node:crypto';
import type { K8sObject } from '../store/types';

/** A Kubernetes LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: string[];
  }>;
}

/**
 * Whether labels match a LabelSelector. An absent selector matches nothing (as the MCO treats a
 * pool without selector); an empty selector `{}` matches everything.
 */
export function selectorMatches(
  selector: LabelSelector | undefined | null,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter(k => (value as Record<string, unknown>)[k] !== undefined)
        .map(k => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Deep equality of JSON-like values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * A fixed 80-byte salt for the name hashes. The MCO salts its md5 the same way; this salt is
 * our own, so names differ from a real cluster's but follow the same rule.
 */
const NAME_SALT =
  'embedded-openshift/mco-simulation: salt for rendered config and build names 0001';

/** `md5(salt + text)` as 32 lower-case hex digits. */
export function saltedMd5(text: string): string {
  return createHash('md5').update(NAME_SALT).update(text).digest('hex');
}

/** RFC 3339 timestamp with second precision, as Kubernetes writes them. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
}

/** A deep copy of a JSON-like value. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** `metadata.annotations`, created when missing. */
export function annotationsOf(object: K8sObject): Record<string, string> {
  object.metadata.annotations = object.metadata.annotations ?? {};
  return object.metadata.annotations;
}

/** A standard status condition as the MCO kinds carry them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [key: string]: unknown;
}

/**
 * Merge wanted conditions into an existing list: keeps the list order, appends new types, and
 * keeps `lastTransitionTime` when the status did not change.
 */
export function mergeConditions(
  existing: Condition[] | undefined,
  wanted: Condition[],
  now: string,
): Condition[] {
  const out = (existing ?? []).map(c => ({ ...c }));
  for (const w of wanted) {
    const i = out.findIndex(c => c.type === w.type);
    if (i < 0) {
      out.push({ ...w, lastTransitionTime: now });
      continue;
    }
    const old = out[i];
    out[i] = {
      ...old,
      ...w,
      lastTransitionTime:
        old.status === w.status && old.lastTransitionTime
          ? old.lastTransitionTime
          : now,
    };
  }
  return out;
}

/** Text of an unknown error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Byte-order string comparison (as Go's sort of names), for `Array.prototype.sort`. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Parse `4.18.21` → [4, 18, 21]. */
export function versionParts(version: string | undefined): number[] {
  return (version ?? '').split(/[.-]/).slice(0, 3).map(x => Number(x) || 0);
}
