import type { JSONSchemaProps } from '../schema/crds';
import { ApiError } from './status';

type Obj = Record<string, unknown>;
/** A field path as FieldsV1 tokens, e.g. `['f:spec', 'f:paused']` or `['f:status', 'f:conditions', 'k:{"type":"Updated"}']`. */
type Path = string[];

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const METADATA_TRACKED = new Set([
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
]);

function childSchema(
  schema: JSONSchemaProps | undefined,
  name: string,
): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[name]) return schema.properties[name];
  if (typeof schema.additionalProperties === 'object')
    return schema.additionalProperties;
  return undefined;
}

/** Keys of a list that is merged by key (`x-kubernetes-list-type: map`), or well-known core ones. */
function listKeys(
  schema: JSONSchemaProps | undefined,
  name: string,
): string[] | undefined {
  if (schema?.['x-kubernetes-list-type'] === 'map')
    return schema['x-kubernetes-list-map-keys'];
  if (!schema && (name === 'conditions' || name === 'addresses'))
    return ['type'];
  if (!schema && name === 'ownerReferences') return ['uid'];
  return undefined;
}

/** Leaf field paths set in an object (what a manager owns after writing it). */
export function fieldPaths(
  object: Obj,
  schema: JSONSchemaProps | undefined,
  scope: 'main' | 'status',
): Path[] {
  const out: Path[] = [];
  function walkObj(value: Obj, s: JSONSchemaProps | undefined, path: Path) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      walk(v, childSchema(s, k), [...path, `f:${k}`], k);
    }
  }
  function walk(
    value: unknown,
    s: JSONSchemaProps | undefined,
    path: Path,
    name: string,
  ) {
    if (Array.isArray(value)) {
      const keys = listKeys(s, name);
      if (keys && keys.length > 0) {
        for (const item of value) {
          if (!isObj(item)) continue;
          const key = `k:${JSON.stringify(
            Object.fromEntries(keys.map(k => [k, item[k]])),
          )}`;
          const itemPath = [...path, key];
          const before = out.length;
          walkObj(item, s?.items, itemPath);
          if (out.length === before) out.push(itemPath);
        }
        return;
      }
      out.push(path);
      return;
    }
    if (
      isObj(value) &&
      (!s || s.properties || typeof s.additionalProperties === 'object')
    ) {
      const before = out.length;
      walkObj(value, s, path);
      if (out.length === before) out.push(path);
      return;
    }
    out.push(path);
  }
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (scope === 'status' ? k !== 'status' : k === 'status') continue;
    if (k === 'metadata') {
      if (!isObj(v)) continue;
      for (const [mk, mv] of Object.entries(v)) {
        if (!METADATA_TRACKED.has(mk) || mv === undefined) continue;
        walk(mv, undefined, ['f:metadata', `f:${mk}`], mk);
      }
      continue;
    }
    walk(v, childSchema(schema, k), [`f:${k}`], k);
  }
  return out;
}

/** Build the FieldsV1 tree of a set of paths. */
export function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const path of paths) {
    let node = root;
    path.forEach(token => {
      if (!isObj(node[token])) node[token] = {};
      node = node[token] as Obj;
    });
  }
  return root;
}

/** Leaf paths of a FieldsV1 tree. */
export function fromFieldsV1(tree: unknown): Path[] {
  const out: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    if (!isObj(node)) return;
    const children = Object.keys(node).filter(k => k !== '.');
    if (children.length === 0) {
      if (path.length > 0) out.push(path);
      return;
    }
    for (const k of children) walk(node[k], [...path, k]);
  };
  walk(tree, []);
  return out;
}

/** Value at a path (undefined when absent). */
export function valueAt(object: unknown, path: Path): unknown {
  let current: unknown = object;
  for (const token of path) {
    if (token.startsWith('f:')) {
      if (!isObj(current)) return undefined;
      current = current[token.slice(2)];
    } else if (token.startsWith('k:')) {
      if (!Array.isArray(current)) return undefined;
      const key = JSON.parse(token.slice(2)) as Obj;
      current = current.find(
        item =>
          isObj(item) && Object.entries(key).every(([k, v]) => item[k] === v),
      );
    } else {
      return undefined;
    }
  }
  return current;
}

function removeAt(object: Obj, path: Path): void {
  const parent = valueAt(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.startsWith('f:') && isObj(parent)) {
    delete parent[last.slice(2)];
  } else if (last.startsWith('k:') && Array.isArray(parent)) {
    const key = JSON.parse(last.slice(2)) as Obj;
    const i = parent.findIndex(
      item =>
        isObj(item) && Object.entries(key).every(([k, v]) => item[k] === v),
    );
    if (i >= 0) parent.splice(i, 1);
  }
}

/** `.spec.paused`, `.status.conditions[type="Updated"]` */
export function displayPath(path: Path): string {
  return path
    .map(t => {
      if (t.startsWith('f:')) return `.${t.slice(2)}`;
      const key = JSON.parse(t.slice(2)) as Obj;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** Merge an applied configuration into a live object (maps merge, keyed lists merge by key, the rest is replaced). */
export function applyMerge(
  live: unknown,
  applied: unknown,
  schema: JSONSchemaProps | undefined,
  name = '',
): unknown {
  if (isObj(applied)) {
    const out: Obj = isObj(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      const s =
        name === '' && k === 'metadata' ? undefined : childSchema(schema, k);
      out[k] = applyMerge(out[k], v, s ?? (schema ? undefined : undefined), k);
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const keys = listKeys(schema, name);
    if (keys && keys.length > 0 && Array.isArray(live)) {
      const out = [...live];
      for (const item of applied) {
        const i = out.findIndex(
          l => isObj(l) && isObj(item) && keys.every(k => l[k] === item[k]),
        );
        if (i >= 0) out[i] = applyMerge(out[i], item, schema?.items);
        else out.push(item);
      }
      return out;
    }
    return structuredClone(applied);
  }
  return applied;
}

function readEntries(object: Obj | undefined): ManagedFieldsEntry[] {
  const meta = object?.metadata;
  const raw =
    isObj(meta) && Array.isArray(meta.managedFields) ? meta.managedFields : [];
  return raw
    .filter(isObj)
    .map(e => structuredClone(e) as unknown as ManagedFieldsEntry);
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const pathKey = (p: Path) => JSON.stringify(p);

function sameScope(e: ManagedFieldsEntry, subresource: string | undefined) {
  return (e.subresource ?? '') === (subresource ?? '');
}

/**
 * Record an ordinary write (create, update, patch) of `manager`: it takes over the fields it
 * changed, as on a real API server.
 */
export function trackUpdate(
  old: Obj | undefined,
  next: Obj,
  manager: string,
  apiVersion: string,
  schema: JSONSchemaProps | undefined,
  subresource?: 'status',
): void {
  const scope = subresource === 'status' ? 'status' : 'main';
  const entries = readEntries(old);
  const nextPaths = fieldPaths(next, schema, scope);
  const oldPaths = old ? fieldPaths(old, schema, scope) : [];
  const nextKeys = new Set(nextPaths.map(pathKey));
  const changed = nextPaths.filter(
    p =>
      !old ||
      JSON.stringify(valueAt(old, p)) !== JSON.stringify(valueAt(next, p)),
  );
  const removed = new Set(
    oldPaths.filter(p => !nextKeys.has(pathKey(p))).map(pathKey),
  );
  const changedKeys = new Set(changed.map(pathKey));
  let mine = entries.find(
    e =>
      e.manager === manager &&
      e.operation === 'Update' &&
      sameScope(e, subresource),
  );
  for (const e of entries) {
    if (e === mine) continue;
    const kept = fromFieldsV1(e.fieldsV1).filter(
      p => !changedKeys.has(pathKey(p)) && !removed.has(pathKey(p)),
    );
    e.fieldsV1 = toFieldsV1(kept);
  }
  if (changed.length > 0 || mine) {
    if (!mine) {
      mine = {
        manager,
        operation: 'Update',
        apiVersion,
        time: now(),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(subresource ? { subresource } : {}),
      };
      entries.push(mine);
    }
    const owned = fromFieldsV1(mine.fieldsV1).filter(
      p => !removed.has(pathKey(p)) && nextKeys.has(pathKey(p)),
    );
    const ownedKeys = new Set(owned.map(pathKey));
    mine.fieldsV1 = toFieldsV1([
      ...owned,
      ...changed.filter(p => !ownedKeys.has(pathKey(p))),
    ]);
    if (changed.length > 0) mine.time = now();
    mine.apiVersion = apiVersion;
  }
  setEntries(next, entries);
}

function setEntries(object: Obj, entries: ManagedFieldsEntry[]) {
  const kept = entries.filter(e => Object.keys(e.fieldsV1).length > 0);
  const meta = (object.metadata ?? {}) as Obj;
  if (kept.length > 0) meta.managedFields = kept;
  else delete meta.managedFields;
  object.metadata = meta;
}

/**
 * Server-side apply: merge `applied` into `live` for `manager`, with conflict detection against
 * the other managers. Returns the new object (with managedFields); throws a 409 on conflicts
 * unless `force`.
 */
export function serverSideApply(
  live: Obj | undefined,
  applied: Obj,
  manager: string,
  apiVersion: string,
  schema: JSONSchemaProps | undefined,
  force: boolean,
  subresource?: 'status',
): Obj {
  const scope = subresource === 'status' ? 'status' : 'main';
  const entries = readEntries(live);
  const appliedPaths = fieldPaths(applied, schema, scope);
  const appliedKeys = new Set(appliedPaths.map(pathKey));
  const conflicts: Array<{ entry: ManagedFieldsEntry; path: Path }> = [];
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    if (!sameScope(e, subresource)) continue;
    for (const p of fromFieldsV1(e.fieldsV1)) {
      if (!appliedKeys.has(pathKey(p))) continue;
      if (
        JSON.stringify(valueAt(live, p)) !== JSON.stringify(valueAt(applied, p))
      ) {
        conflicts.push({ entry: e, path: p });
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const describe = (c: { entry: ManagedFieldsEntry; path: Path }) =>
      `conflict with "${c.entry.manager}"${
        c.entry.operation === 'Update' ? ` using ${c.entry.apiVersion}` : ''
      }`;
    const lines = conflicts.map(c => `${describe(c)}: ${displayPath(c.path)}`);
    throw new ApiError(
      409,
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${
        conflicts.length === 1 ? '' : 's'
      }: ${lines.join('\n')}`,
      {
        causes: conflicts.map(c => ({
          reason: 'FieldManagerConflict',
          message: describe(c),
          field: displayPath(c.path),
        })),
      },
    );
  }
  const conflictKeys = new Set(conflicts.map(c => pathKey(c.path)));
  let mine = entries.find(
    e =>
      e.manager === manager &&
      e.operation === 'Apply' &&
      sameScope(e, subresource),
  );
  const othersOwn = new Set<string>();
  for (const e of entries) {
    if (e === mine) continue;
    let paths = fromFieldsV1(e.fieldsV1);
    if (force) paths = paths.filter(p => !conflictKeys.has(pathKey(p)));
    // Applying a value equal to the live one shares ownership; the others keep theirs.
    e.fieldsV1 = toFieldsV1(paths);
    for (const p of paths) othersOwn.add(pathKey(p));
  }
  const result = (live ? structuredClone(live) : {}) as Obj;
  for (const p of mine ? fromFieldsV1(mine.fieldsV1) : []) {
    if (!appliedKeys.has(pathKey(p)) && !othersOwn.has(pathKey(p)))
      removeAt(result, p);
  }
  const appliedBody = { ...applied };
  delete appliedBody.apiVersion;
  delete appliedBody.kind;
  const appliedMeta = isObj(applied.metadata) ? { ...applied.metadata } : {};
  delete appliedMeta.managedFields;
  delete appliedMeta.resourceVersion;
  appliedBody.metadata = appliedMeta;
  const merged = applyMerge(result, appliedBody, schema) as Obj;
  if (!mine) {
    mine = {
      manager,
      operation: 'Apply',
      apiVersion,
      time: now(),
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(subresource ? { subresource } : {}),
    };
    entries.push(mine);
  }
  mine.fieldsV1 = toFieldsV1(appliedPaths);
  mine.time = now();
  mine.apiVersion = apiVersion;
  setEntries(merged, entries);
  return merged;
}
