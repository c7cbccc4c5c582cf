import { ApiError } from './status';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  const result: Record<string, Json> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete result[k];
    } else {
      result[k] = mergePatch(result[k], v);
    }
  }
  return result;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new ApiError(422, 'Invalid', `invalid JSON pointer "${pointer}"`);
  }
  return pointer.slice(1).split('/').map(unescape);
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let current: Json | undefined = doc;
  for (const token of path) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else return undefined;
  }
  return current;
}

function container(doc: Json, path: string[], op: string): [Json, string] {
  const parent = getAt(doc, path.slice(0, -1));
  if (parent === undefined || typeof parent !== 'object' || parent === null) {
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join(
        '/',
      )}"`,
    );
  }
  return [parent, path[path.length - 1]];
}

function missing(op: string, p: string[]): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `${op} operation does not apply: doc is missing path: "/${p.join('/')}"`,
  );
}

/** A document being patched (the root itself may be replaced by an operation). */
interface Holder {
  doc: Json;
}

function removeAt(holder: Holder, p: string[], op: string): Json {
  const [parent, key] = container(holder.doc, p, op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw missing(op, p);
    return parent.splice(i, 1)[0];
  }
  const obj = parent as Record<string, Json>;
  if (!(key in obj)) throw missing(op, p);
  const v = obj[key];
  delete obj[key];
  return v;
}

function addAt(holder: Holder, p: string[], value: Json, op: string): void {
  if (p.length === 0) {
    holder.doc = value;
    return;
  }
  const [parent, key] = container(holder.doc, p, op);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length)) {
      throw new ApiError(
        422,
        'Invalid',
        `${op} operation does not apply: index out of range: "/${p.join('/')}"`,
      );
    }
    parent.splice(i, 0, value);
  } else {
    (parent as Record<string, Json>)[key] = value;
  }
}

/** RFC 6902 JSON patch. */
export function jsonPatch(document: unknown, operations: unknown): Json {
  if (!Array.isArray(operations)) {
    throw new ApiError(
      400,
      'BadRequest',
      'a JSON patch must be a list of operations',
    );
  }
  const holder: Holder = { doc: clone(document as Json) };
  for (const raw of operations) {
    if (
      !isObject(raw) ||
      typeof raw.op !== 'string' ||
      typeof raw.path !== 'string'
    ) {
      throw new ApiError(
        400,
        'BadRequest',
        'every JSON patch operation needs "op" and "path"',
      );
    }
    const op = raw.op;
    const path = parsePointer(raw.path);
    switch (op) {
      case 'add':
        addAt(holder, path, clone(raw.value as Json), op);
        break;
      case 'remove':
        removeAt(holder, path, op);
        break;
      case 'replace':
        removeAt(holder, path, op);
        addAt(holder, path, clone(raw.value as Json), op);
        break;
      case 'move':
        addAt(
          holder,
          path,
          removeAt(holder, parsePointer(String(raw.from)), op),
          op,
        );
        break;
      case 'copy': {
        const value = getAt(holder.doc, parsePointer(String(raw.from)));
        if (value === undefined) {
          throw new ApiError(
            422,
            'Invalid',
            `copy operation does not apply: doc is missing from path: "${String(
              raw.from,
            )}"`,
          );
        }
        addAt(holder, path, clone(value), op);
        break;
      }
      case 'test':
        if (
          JSON.stringify(getAt(holder.doc, path)) !== JSON.stringify(raw.value)
        ) {
          throw new ApiError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: testing value /${path.join(
              '/',
            )} failed`,
          );
        }
        break;
      default:
        throw new ApiError(
          400,
          'BadRequest',
          `unknown JSON patch operation "${op}"`,
        );
    }
  }
  return holder.doc;
}

/** Merge keys of lists that strategic merge patch merges (instead of replacing), by field name. */
const MERGE_KEYS: Record<string, string> = {
  conditions: 'type',
  addresses: 'type',
  ownerReferences: 'uid',
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
};

/**
 * Strategic merge patch for the core kinds: a merge patch that merges the lists Kubernetes marks
 * with a merge key (conditions, addresses, ownerReferences, containers, …) and honours the
 * `$patch: delete|replace` and `$deleteFromPrimitiveList` directives. `$setElementOrder` and
 * `$retainKeys` are accepted and ignored.
 */
export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const result: Record<string, Json> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (
      k.startsWith('$setElementOrder/') ||
      k === '$retainKeys' ||
      k === '$patch'
    )
      continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const name = k.slice('$deleteFromPrimitiveList/'.length);
      const list = result[name];
      if (Array.isArray(list) && Array.isArray(v)) {
        result[name] = list.filter(
          x => !v.some(d => JSON.stringify(d) === JSON.stringify(x)),
        );
      }
      continue;
    }
    if (v === null) {
      delete result[k];
      continue;
    }
    const mergeKey = MERGE_KEYS[k];
    const current = result[k];
    if (Array.isArray(v) && mergeKey && Array.isArray(current)) {
      const merged = clone(current);
      for (const item of v) {
        if (!isObject(item)) continue;
        const idx = merged.findIndex(
          m => isObject(m) && m[mergeKey] === item[mergeKey],
        );
        if (item.$patch === 'delete') {
          if (idx >= 0) merged.splice(idx, 1);
        } else if (idx >= 0) {
          merged[idx] = strategicMergePatch(merged[idx], item);
        } else {
          merged.push(strategicMergePatch(undefined, item));
        }
      }
      result[k] = merged;
    } else {
      result[k] = strategicMergePatch(current, v);
    }
  }
  return result;
}
