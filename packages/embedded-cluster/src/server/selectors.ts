import type { K8sObject } from '../store/types';
import { ApiError } from './status';

type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** A parsed label selector (`a=b,c!=d,e in (f,g),!h,i`). */
export type LabelSelector = Requirement[];

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

/** Parse a label selector string; throws a 400 on a syntax error. */
export function parseLabelSelector(text: string): LabelSelector {
  const out: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    const not = /^!\s*([\w./-]+)$/.exec(part);
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    const exists = /^([\w./-]+)$/.exec(part);
    if (not) {
      out.push({ key: not[1], op: 'notexists' });
    } else if (set) {
      out.push({
        key: set[1],
        op: set[2] as 'in' | 'notin',
        values: set[3].split(',').map(v => v.trim()),
      });
    } else if (equality) {
      out.push({
        key: equality[1],
        op: equality[2] === '!=' ? 'notin' : 'in',
        values: [equality[3]],
      });
    } else if (exists) {
      out.push({ key: exists[1], op: 'exists' });
    } else {
      throw new ApiError(
        400,
        'BadRequest',
        `unable to parse requirement: found '${part}', expected: key, '!', 'in', 'notin', '=', '==', '!='`,
      );
    }
  }
  return out;
}

/** Whether a label set matches a selector. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> = {},
): boolean {
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      default:
        return false;
    }
  });
}

/** A parsed field selector. */
export type FieldSelector = Array<{
  field: string;
  op: '=' | '!=';
  value: string;
}>;

const FIELDS: Record<string, (o: K8sObject) => string> = {
  'metadata.name': o => o.metadata.name,
  'metadata.namespace': o => o.metadata.namespace ?? '',
  'spec.unschedulable': o =>
    String(
      (o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ??
        false,
    ),
  'spec.nodeName': o =>
    String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? ''),
  'status.phase': o =>
    String((o.status as { phase?: string } | undefined)?.phase ?? ''),
  type: o => String(o.type ?? ''),
};

/** Parse a field selector; only the fields the real API supports for our kinds are accepted. */
export function parseFieldSelector(text: string, kind: string): FieldSelector {
  const out: FieldSelector = [];
  for (const part of splitTopLevel(text)) {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) {
      throw new ApiError(
        400,
        'BadRequest',
        `invalid selector: '${text}'; can't understand '${part}'`,
      );
    }
    if (!FIELDS[m[1]]) {
      throw new ApiError(
        400,
        'BadRequest',
        `field label not supported: ${m[1]}`,
        { kind },
      );
    }
    out.push({
      field: m[1],
      op: m[2] === '!=' ? '!=' : '=',
      value: m[3].trim(),
    });
  }
  return out;
}

/** Whether an object matches a field selector. */
export function matchesFields(
  selector: FieldSelector,
  object: K8sObject,
): boolean {
  return selector.every(r => {
    const value = FIELDS[r.field](object);
    return r.op === '=' ? value === r.value : value !== r.value;
  });
}
