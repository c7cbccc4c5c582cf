import type { K8sObject } from '../store/types';
import { KEYS, MCO_V1, RENDERED_IGNITION_VERSION, WORKER_POOL } from './constants';
import { LabelSelector, canonicalJson, compareStrings, saltedMd5, selectorMatches } from './util';

/** The release defaults a render starts from (ConfigMap `machine-config-osimageurl`, FACTS §4). */
export interface RenderDefaults {
  baseOSContainerImage: string;
  baseOSExtensionsContainerImage: string;
  releaseVersion: string;
}

/** ObjectReference to a component MachineConfig. */
export interface ConfigSource {
  apiVersion: string;
  kind: 'MachineConfig';
  name: string;
}

/** The spec of a rendered MachineConfig (fields in the order the MCO writes them). */
export interface RenderedSpec {
  config: Record<string, unknown>;
  extensions: string[];
  fips: boolean;
  kernelArguments: string[];
  kernelType: string;
  osImageURL: string;
  baseOSExtensionsContainerImage: string;
}

/** What the render controller produces for a pool. */
export interface RenderResult {
  /** `rendered-<pool>-<32 hex>` */
  name: string;
  spec: RenderedSpec;
  /** Component MachineConfigs, sorted by name (as `spec.configuration.source`). */
  sources: ConfigSource[];
  /** The merged osImageURL differs from the release default. */
  osImageOverridden: boolean;
}

/** A pool's configuration cannot be rendered (RenderDegraded). */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

const KERNEL_TYPES = new Set(['', 'default', 'realtime', '64k-pages']);
/** Ignition spec versions the simulated controller can translate (3.0.0 … 3.5.0, and 2.2.0). */
const IGNITION_VERSION = /^(3\.[0-5]\.0|2\.2\.0)$/;

/** Whether a MachineConfig is a rendered config (owned by a pool). */
export function isRenderedConfig(mc: K8sObject): boolean {
  return (
    (mc.metadata.ownerReferences ?? []).some(
      r => r.kind === 'MachineConfigPool' && r.controller,
    ) || /^rendered-/.test(mc.metadata.name)
  );
}

/** Whether the MCO generated this MachineConfig (FACTS §5.1: such configs never set the image). */
export function isGeneratedConfig(mc: K8sObject): boolean {
  return Boolean(mc.metadata.annotations?.[KEYS.generatedBy]);
}

/**
 * The MachineConfigs a pool selects, in merge order: role `worker` first, then every other, each
 * group by name (FACTS §5.1 step 2).
 */
export function selectMachineConfigs(
  pool: K8sObject,
  machineConfigs: K8sObject[],
): K8sObject[] {
  const selector = (pool.spec as { machineConfigSelector?: LabelSelector })
    ?.machineConfigSelector;
  const selected = machineConfigs.filter(
    mc =>
      !isRenderedConfig(mc) &&
      !mc.metadata.deletionTimestamp &&
      selectorMatches(selector, mc.metadata.labels),
  );
  const byName = (a: K8sObject, b: K8sObject) => compareStrings(a.metadata.name, b.metadata.name);
  const isWorker = (mc: K8sObject) => mc.metadata.labels?.[KEYS.role] === WORKER_POOL;
  return [
    ...selected.filter(isWorker).sort(byName),
    ...selected.filter(mc => !isWorker(mc)).sort(byName),
  ];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/** Identity of an Ignition list entry: later entries with the same identity replace earlier ones. */
function entryKey(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  for (const k of ['path', 'name', 'device', 'label']) {
    if (typeof v[k] === 'string') return `${k}=${v[k]}`;
  }
  return undefined;
}

/**
 * Merge two Ignition configs: objects field by field, lists of named entries (files by path,
 * units and users by name) by replacing same-named entries, other lists by appending.
 */
function mergeIgnition(base: Json, overlay: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const old = out[k];
    if (isObject(old) && isObject(v)) {
      out[k] = mergeIgnition(old, v);
    } else if (Array.isArray(old) && Array.isArray(v)) {
      const merged = [...old];
      for (const item of v) {
        const key = entryKey(item);
        const i = key === undefined ? -1 : merged.findIndex(m => entryKey(m) === key);
        if (i >= 0) {
          merged[i] = isObject(merged[i]) && isObject(item) ? mergeIgnition(merged[i] as Json, item) : item;
        } else if (!merged.some(m => canonicalJson(m) === canonicalJson(item))) {
          merged.push(item);
        }
      }
      out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Render a pool: merge the selected MachineConfigs onto the release defaults.
 *
 * @throws RenderError when a component cannot be merged (unknown Ignition version, bad kernel
 *   type, osImageURL override together with `spec.osImageStream`).
 */
export function renderPool(
  pool: K8sObject,
  machineConfigs: K8sObject[],
  defaults: RenderDefaults,
): RenderResult {
  const poolName = pool.metadata.name;
  const selected = selectMachineConfigs(pool, machineConfigs);
  let config: Json = {};
  const extensions: string[] = [];
  const kernelArguments: string[] = [];
  let fips = false;
  let kernelType = 'default';
  let osImageURL = defaults.baseOSContainerImage;
  let extensionsImage = defaults.baseOSExtensionsContainerImage;
  let overriddenBy: string | undefined;
  for (const mc of selected) {
    const spec = (mc.spec ?? {}) as Json;
    const name = mc.metadata.name;
    const cfg = spec.config;
    if (cfg !== undefined && cfg !== null) {
      if (!isObject(cfg)) {
        throw new RenderError(`MachineConfig ${name}: spec.config is not an Ignition object`);
      }
      const version = (cfg.ignition as Json | undefined)?.version;
      if (version !== undefined && (typeof version !== 'string' || !IGNITION_VERSION.test(version))) {
        throw new RenderError(
          `parsing Ignition config failed: MachineConfig ${name} has unknown Ignition version ${String(version)}`,
        );
      }
      const { ignition: _ignition, ...rest } = cfg;
      config = mergeIgnition(config, rest);
    }
    // Extensions and kernel arguments are concatenated in config order, repeats kept: the MCO's
    // MergeMachineConfigs (pkg/controller/common/helpers.go) appends each config's lists as they
    // are. A karg given twice reaches the node twice; the daemon's diff decides what changes.
    extensions.push(...((spec.extensions as string[] | undefined) ?? []));
    kernelArguments.push(...((spec.kernelArguments as string[] | undefined) ?? []));
    if (spec.fips === true) fips = true;
    const kt = spec.kernelType;
    if (typeof kt === 'string') {
      if (!KERNEL_TYPES.has(kt)) {
        throw new RenderError(`MachineConfig ${name}: invalid kernelType ${kt}`);
      }
      if (kt !== '' && kt !== 'default') kernelType = kt;
    }
    if (!isGeneratedConfig(mc)) {
      if (typeof spec.osImageURL === 'string' && spec.osImageURL !== '') {
        osImageURL = spec.osImageURL;
        overriddenBy = name;
      }
      if (
        typeof spec.baseOSExtensionsContainerImage === 'string' &&
        spec.baseOSExtensionsContainerImage !== ''
      ) {
        extensionsImage = spec.baseOSExtensionsContainerImage;
      }
    }
  }
  const stream = (pool.spec as { osImageStream?: { name?: string } })?.osImageStream?.name;
  if (stream && overriddenBy) {
    throw new RenderError(
      `MachineConfig ${overriddenBy} overrides osImageURL while the pool selects OS image stream ${stream}`,
    );
  }
  const spec: RenderedSpec = {
    config: { ignition: { version: RENDERED_IGNITION_VERSION }, ...config },
    extensions,
    fips,
    kernelArguments,
    kernelType,
    osImageURL,
    baseOSExtensionsContainerImage: extensionsImage,
  };
  const sources: ConfigSource[] = selected
    .map(mc => ({ apiVersion: MCO_V1, kind: 'MachineConfig' as const, name: mc.metadata.name }))
    .sort((a, b) => compareStrings(a.name, b.name));
  return {
    name: renderedConfigName(poolName, spec),
    spec,
    sources,
    osImageOverridden: osImageURL !== defaults.baseOSContainerImage,
  };
}

/** `rendered-<pool>-<md5(salt + canonical spec)>`: identical content gives an identical name. */
export function renderedConfigName(pool: string, spec: RenderedSpec): string {
  return `rendered-${pool}-${saltedMd5(canonicalJson(spec))}`;
}

/**
 * Fingerprint of everything a pool's render depends on: its selector, the selected configs and
 * the release defaults. The render controller renders only when this changes.
 */
export function renderInputsFingerprint(
  pool: K8sObject,
  machineConfigs: K8sObject[],
  defaults: RenderDefaults | undefined,
): string {
  const selected = selectMachineConfigs(pool, machineConfigs).map(mc => ({
    name: mc.metadata.name,
    role: mc.metadata.labels?.[KEYS.role],
    generated: isGeneratedConfig(mc),
    spec: mc.spec,
  }));
  const spec = pool.spec as Json | undefined;
  return saltedMd5(
    canonicalJson({
      uid: pool.metadata.uid,
      selector: spec?.machineConfigSelector,
      stream: (spec?.osImageStream as Json | undefined)?.name,
      selected,
      defaults,
    }),
  );
}
