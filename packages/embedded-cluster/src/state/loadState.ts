import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { K8sObject, ReleaseRecord } from '../store/types';
import type { ImageInput } from '../registry/ImageCatalog';
import { parseAnchor } from './anchor';

/**
 * What a state directory holds.
 *
 * @public
 */
export interface LoadedState {
  objects: Array<{ object: K8sObject; source: string }>;
  images: ImageInput[];
  releases: ReleaseRecord[];
  /**
   * The moment the state's files describe as "now" (`state.yaml` `anchor:`, in milliseconds), if
   * it names one; a state without an anchor of its own takes its base's.
   */
  anchor?: number;
}

const SPECIAL = new Set([
  'images.yaml',
  'images.yml',
  'releases.yaml',
  'releases.yml',
  'state.yaml',
]);

/**
 * Read a state directory: every `*.yaml` / `*.yml` file of Kubernetes objects (multi-document,
 * `List` kinds unwrapped) and every `*.json` file (one object, or a JSON array of objects, each
 * read like one YAML document), plus `images.yaml` and `releases.yaml`.
 * Sub-folders are read only when named in `include` (e.g. `['v1alpha1']`).
 *
 * @remarks
 * A `state.yaml` with `base: <folder>` (relative to the state directory) builds on another
 * state: the base is read first (without its sub-folders), then this directory adds its own
 * objects, images and releases. The packaged `ocp-418` state adds to the shared `sample` this way.
 * `anchor: <RFC 3339 time>` names the moment the state's times were written for; the cluster
 * moves every time by (start time - anchor) when it loads the state (see `shiftStateTimes`).
 *
 * @public
 */
export function loadStateDir(dir: string, include: string[] = []): LoadedState {
  return loadStateDirFrom(dir, include, []);
}

function loadStateDirFrom(
  dir: string,
  include: string[],
  seen: string[],
): LoadedState {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`State directory ${dir} does not exist`);
  }
  const resolved = path.resolve(dir);
  if (seen.includes(resolved)) {
    throw new Error(
      `State directory ${dir} is its own base (${[...seen, resolved].join(' -> ')})`,
    );
  }
  const state: LoadedState = { objects: [], images: [], releases: [] };
  const { base: baseDir, anchor } = readStateFile(dir);
  if (baseDir !== undefined) {
    const inherited = loadStateDirFrom(path.resolve(dir, baseDir), [], [
      ...seen,
      resolved,
    ]);
    const prefix = (source: string) => path.join(baseDir, source);
    state.objects.push(
      ...inherited.objects.map(o => ({ ...o, source: prefix(o.source) })),
    );
    state.images.push(...inherited.images);
    state.releases.push(...inherited.releases);
    if (inherited.anchor !== undefined) state.anchor = inherited.anchor;
  }
  if (anchor !== undefined) state.anchor = anchor;
  const files: string[] = [];
  const collect = (folder: string) => {
    for (const entry of fs
      .readdirSync(folder, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (include.includes(path.relative(dir, full))) collect(full);
      } else if (/\.(ya?ml|json)$/.test(entry.name)) {
        files.push(full);
      }
    }
  };
  collect(dir);
  for (const file of files) {
    const base = path.basename(file);
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(dir, file);
    if (folderIsRoot(dir, file) && SPECIAL.has(base)) {
      if (base === 'state.yaml') continue;
      let doc: { images?: ImageInput[]; releases?: ReleaseRecord[] };
      try {
        doc = (parseYaml(text, { schema: 'core' }) ?? {}) as typeof doc;
      } catch (error) {
        throw new Error(
          `${rel}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (base.startsWith('images'))
        state.images.push(...parseImages(doc.images, rel));
      else state.releases.push(...parseReleases(doc.releases, rel));
      continue;
    }
    // Bulk state (the benchmark's 5,000 nodes) is written as JSON: `yaml` parses 14.5 MB of
    // YAML about 9x slower than JSON.parse reads the same objects, too slow for the 5 s load
    // target (README, Benchmarks).
    let docs: unknown[];
    try {
      docs = base.endsWith('.json') ? parseJsonState(text) : parseYamlState(text);
    } catch (error) {
      throw new Error(
        `${rel}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    docs.forEach((value, i) => {
      if (value === null || value === undefined) return;
      for (const object of unwrap(value, `${rel} (document ${i + 1})`)) {
        state.objects.push({ object, source: `${rel} (document ${i + 1})` });
      }
    });
  }
  return state;
}

/** The `base` and `anchor` a state directory's `state.yaml` names, if it has them. */
function readStateFile(dir: string): { base?: string; anchor?: number } {
  const file = path.join(dir, 'state.yaml');
  if (!fs.existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'), { schema: 'core' });
  } catch (error) {
    throw new Error(
      `state.yaml: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const fields = (doc ?? {}) as { base?: unknown; anchor?: unknown };
  const { base } = fields;
  if (
    base !== undefined &&
    (typeof base !== 'string' || base.trim() === '')
  ) {
    throw new Error('state.yaml: "base" must be the path of a state directory');
  }
  return {
    ...(base !== undefined ? { base: base as string } : {}),
    ...(fields.anchor !== undefined
      ? { anchor: parseAnchor(fields.anchor) }
      : {}),
  };
}

/** The documents of a YAML state file; the first syntax error of any document is thrown. */
function parseYamlState(text: string): unknown[] {
  return parseAllDocuments(text, { schema: 'core' }).map(doc => {
    if (doc.errors.length > 0) {
      throw doc.errors[0];
    }
    return doc.toJS();
  });
}

/** The documents of a JSON state file: a JSON array holds several, anything else is one. */
function parseJsonState(text: string): unknown[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : [value];
}

function folderIsRoot(dir: string, file: string) {
  return path.resolve(path.dirname(file)) === path.resolve(dir);
}

function unwrap(value: unknown, where: string): K8sObject[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: not a Kubernetes object`);
  }
  const obj = value as K8sObject;
  if (
    typeof obj.kind === 'string' &&
    obj.kind.endsWith('List') &&
    Array.isArray(obj.items)
  ) {
    return (obj.items as unknown[]).flatMap(item => unwrap(item, where));
  }
  if (
    typeof obj.apiVersion !== 'string' ||
    typeof obj.kind !== 'string' ||
    typeof obj.metadata?.name !== 'string'
  ) {
    throw new Error(
      `${where}: every object needs apiVersion, kind and metadata.name`,
    );
  }
  return [obj];
}

/**
 * Validate the entries of an `images.yaml`.
 *
 * @public
 */
export function parseImages(
  images: unknown,
  where = 'images.yaml',
): ImageInput[] {
  if (images === undefined) return [];
  if (!Array.isArray(images))
    throw new Error(`${where}: "images" must be a list`);
  return images.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    if (typeof e?.image !== 'string')
      throw new Error(`${where}: images[${i}].image must be a string`);
    const labels = e.labels ?? {};
    if (
      typeof labels !== 'object' ||
      labels === null ||
      Object.values(labels).some(v => typeof v !== 'string')
    ) {
      throw new Error(`${where}: images[${i}].labels must be a map of strings`);
    }
    const references = e.references;
    if (
      references !== undefined &&
      (typeof references !== 'object' ||
        references === null ||
        Array.isArray(references) ||
        Object.values(references).some(v => typeof v !== 'string'))
    ) {
      throw new Error(
        `${where}: images[${i}].references must be a map of image references`,
      );
    }
    return {
      image: e.image,
      labels: labels as Record<string, string>,
      ...(typeof e.base === 'string' ? { base: e.base } : {}),
      ...(e.broken === true ? { broken: true } : {}),
      ...(Array.isArray(e.tags) ? { tags: e.tags.map(String) } : {}),
      ...(references !== undefined
        ? { references: references as Record<string, string> }
        : {}),
    };
  });
}

/**
 * Validate the entries of a `releases.yaml`.
 *
 * @public
 */
export function parseReleases(
  releases: unknown,
  where = 'releases.yaml',
): ReleaseRecord[] {
  if (releases === undefined) return [];
  if (!Array.isArray(releases))
    throw new Error(`${where}: "releases" must be a list`);
  return releases.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    for (const k of ['version', 'image', 'rhcosImage'] as const) {
      if (typeof e?.[k] !== 'string')
        throw new Error(`${where}: releases[${i}].${k} must be a string`);
    }
    return {
      version: String(e.version),
      image: String(e.image),
      rhcosImage: String(e.rhcosImage),
      ...(typeof e.extensionsImage === 'string'
        ? { extensionsImage: e.extensionsImage }
        : {}),
    };
  });
}

/**
 * The MachineOSConfig / MachineOSBuild API version a cluster of this state serves: from the
 * ClusterVersion (4.16, 4.17 and 4.18.0–4.18.16 serve `v1alpha1`, later releases `v1`), else from
 * the MachineOSConfig objects present, else `v1`.
 *
 * @remarks
 * Which 4.18.z first switched to `v1` is not confirmed; the embedded cluster takes 4.18.17.
 *
 * @public
 */
export function machineOSApiVersionFor(
  objects: K8sObject[],
): 'v1' | 'v1alpha1' {
  const cv = objects.find(o => o.kind === 'ClusterVersion');
  const version = cv ? clusterVersionOf(cv) : undefined;
  if (version) return machineOSApiVersionForRelease(version);
  const mos = objects.find(
    o => o.kind === 'MachineOSConfig' || o.kind === 'MachineOSBuild',
  );
  if (mos?.apiVersion.endsWith('/v1alpha1')) return 'v1alpha1';
  return 'v1';
}

/**
 * `v1alpha1` for 4.16, 4.17 and 4.18.0–4.18.16; `v1` otherwise.
 *
 * @public
 */
export function machineOSApiVersionForRelease(
  version: string,
): 'v1' | 'v1alpha1' {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return 'v1';
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (major === 4 && minor <= 17) return 'v1alpha1';
  if (major === 4 && minor === 18 && patch < 17) return 'v1alpha1';
  return 'v1';
}

/**
 * The version a ClusterVersion object says the cluster runs.
 *
 * @public
 */
export function clusterVersionOf(cv: K8sObject): string | undefined {
  const status = cv.status as
    | {
        desired?: { version?: string };
        history?: Array<{ state?: string; version?: string }>;
      }
    | undefined;
  const spec = cv.spec as { desiredUpdate?: { version?: string } } | undefined;
  return (
    status?.desired?.version ??
    status?.history?.find(h => h.state === 'Completed')?.version ??
    spec?.desiredUpdate?.version
  );
}

/**
 * Kubernetes version of an OpenShift release (4.16 → 1.29, …).
 *
 * @public
 */
export function kubernetesVersionFor(ocpVersion: string | undefined): string {
  const m = /^4\.(\d+)/.exec(ocpVersion ?? '');
  const minor = m ? Number(m[1]) + 13 : 31;
  return `v1.${minor}.0`;
}
