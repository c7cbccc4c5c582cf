import {
  labelSelectorMatches,
  MACHINECONFIGURATION_GROUP,
} from '@rhcos-layering/plugin-layering-common';
import type { PoolCondition } from '@rhcos-layering/plugin-layering-common';
import type { RawObject } from './Informer';
import { projectProvenance, type ObjectProvenance } from '../provenance/objectProvenance';
import { projectUpdates, type ClusterUpdateProjection } from './updateProjections';

/**
 * Projections: the few fields of each kind that the views use. The informers
 * keep only these, so memory grows with the number of objects, not with their
 * size (rendered MachineConfigs carry whole Ignition configs, nodes carry
 * images, volumes and conditions we never read).
 */

const MCO = MACHINECONFIGURATION_GROUP;

type Dict = Record<string, unknown>;

/**
 * Shares one copy of strings that many objects repeat (rendered config names, image references,
 * OS image names, states): JSON parsing makes a new string for every occurrence, which on
 * thousands of nodes costs more than the projections themselves.
 */
class Interner {
  #strings = new Map<string, string>();
  constructor(private readonly max: number) {}
  get(value: string | null): string | null {
    if (value === null) return null;
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    if (this.#strings.size >= this.max) {
      // Bounded: values churn (e.g. after upgrades); start over rather than grow.
      this.#strings.clear();
    }
    this.#strings.set(value, value);
    return value;
  }
}

const shared = new Interner(20_000);

function obj(value: unknown): Dict {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Dict) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(obj(value))) {
    if (typeof entry === 'string') {
      out[key] = entry;
    }
  }
  return out;
}

/** A label selector, kept to evaluate pool membership of nodes. */
export interface SelectorProjection {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{ key: string; operator: string; values: string[] }>;
}

function selector(value: unknown): SelectorProjection {
  const raw = obj(value);
  const expressions = Array.isArray(raw.matchExpressions) ? raw.matchExpressions : [];
  return {
    matchLabels: stringMap(raw.matchLabels),
    matchExpressions: expressions.map(entry => {
      const e = obj(entry);
      return {
        key: String(e.key ?? ''),
        operator: String(e.operator ?? ''),
        values: Array.isArray(e.values) ? e.values.map(String) : [],
      };
    }),
  };
}

/** Whether `labels` satisfy `sel` (Kubernetes LabelSelector semantics). */
export function selectorMatches(sel: SelectorProjection, labels: Record<string, string>): boolean {
  return labelSelectorMatches(sel, labels);
}

/** MachineConfigPool. */
export interface PoolProjection {
  name: string;
  paused: boolean;
  nodeSelector: SelectorProjection;
  /** Target rendered config (`spec.configuration.name`). */
  targetConfig: string | null;
  /** Last rendered config every node completed (`status.configuration.name`). */
  currentConfig: string | null;
  machineCount: number;
  readyMachineCount: number;
  updatedMachineCount: number;
  unavailableMachineCount: number;
  degradedMachineCount: number;
  conditions: PoolCondition[];
  builtIn: boolean;
}

export function projectPool(object: RawObject): PoolProjection | undefined {
  const metadata = obj(object.metadata);
  const name = str(metadata.name);
  if (!name) return undefined;
  const spec = obj(object.spec);
  const status = obj(object.status);
  const labels = stringMap(metadata.labels);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return {
    name,
    paused: spec.paused === true,
    nodeSelector: selector(spec.nodeSelector),
    targetConfig: str(obj(spec.configuration).name),
    currentConfig: str(obj(status.configuration).name),
    machineCount: num(status.machineCount),
    readyMachineCount: num(status.readyMachineCount),
    updatedMachineCount: num(status.updatedMachineCount),
    unavailableMachineCount: num(status.unavailableMachineCount),
    degradedMachineCount: num(status.degradedMachineCount),
    conditions: conditions.map(entry => {
      const c = obj(entry);
      const condition: PoolCondition = { type: String(c.type ?? ''), status: String(c.status ?? '') };
      if (str(c.reason)) condition.reason = str(c.reason)!;
      if (str(c.message)) condition.message = str(c.message)!.slice(0, 2000);
      if (str(c.lastTransitionTime)) condition.lastTransitionTime = str(c.lastTransitionTime)!;
      return condition;
    }),
    builtIn: `${MCO}/mco-built-in` in labels,
  };
}

/** MachineConfig, without `spec.config` (the Ignition body). */
export interface MachineConfigProjection {
  name: string;
  /** `machineconfiguration.openshift.io/role` label. */
  role: string | null;
  /** The pool owning a rendered config (controller owner reference). */
  ownerPool: string | null;
  osImageURL: string | null;
  /** `release-image-version` annotation of rendered configs. */
  releaseImageVersion: string | null;
  osImageUrlOverridden: boolean;
  /** Generated by the MCO (`generated-by-controller-version` annotation). */
  generated: boolean;
  created: string | null;
  /** The request that rendered it (provenance annotations), when it names one. */
  provenance?: ObjectProvenance;
}

export function projectMachineConfig(object: RawObject): MachineConfigProjection | undefined {
  const metadata = obj(object.metadata);
  const name = str(metadata.name);
  if (!name) return undefined;
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  const owners = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  const owner = owners.map(obj).find(ref => ref.kind === 'MachineConfigPool');
  const spec = obj(object.spec);
  return {
    name,
    role: labels[`${MCO}/role`] ?? null,
    ownerPool: str(owner?.name),
    osImageURL: str(spec.osImageURL),
    releaseImageVersion: annotations[`${MCO}/release-image-version`] ?? null,
    osImageUrlOverridden: annotations[`${MCO}/os-image-url-overridden`] === 'true',
    generated: `${MCO}/generated-by-controller-version` in annotations,
    created: str(metadata.creationTimestamp),
    provenance: projectProvenance({ apiVersion: `${MCO}/v1`, kind: 'MachineConfig', ...object }),
  };
}

/** Node: only the MCO annotations, role labels, readiness and OS image. */
export interface NodeProjection {
  name: string;
  /** Labels under `node-role.kubernetes.io/` (the ones pool selectors use). */
  roleLabels: Record<string, string>;
  currentConfig: string | null;
  desiredConfig: string | null;
  state: string | null;
  reason: string | null;
  currentImage: string | null;
  desiredImage: string | null;
  /** `status.nodeInfo.osImage`, e.g. `Red Hat Enterprise Linux CoreOS 418.94.202507221249-0`. */
  osImage: string | null;
  ready: boolean;
  unschedulable: boolean;
  controlPlaneTopology: string | null;
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function projectNode(object: RawObject): NodeProjection | undefined {
  const metadata = obj(object.metadata);
  const name = str(metadata.name);
  if (!name) return undefined;
  const annotations = stringMap(metadata.annotations);
  const labels = stringMap(metadata.labels);
  const roleLabels: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(ROLE_PREFIX)) {
      roleLabels[shared.get(key)!] = shared.get(value) ?? '';
    }
  }
  const status = obj(object.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(obj) : [];
  const ready = conditions.some(c => c.type === 'Ready' && c.status === 'True');
  const a = (key: string) => shared.get(str(annotations[`${MCO}/${key}`]));
  return {
    name,
    roleLabels,
    currentConfig: a('currentConfig'),
    desiredConfig: a('desiredConfig'),
    state: a('state'),
    reason: str(annotations[`${MCO}/reason`])?.slice(0, 2000) ?? null,
    currentImage: a('currentImage'),
    desiredImage: a('desiredImage'),
    osImage: shared.get(str(obj(status.nodeInfo).osImage)),
    ready,
    unschedulable: obj(object.spec).unschedulable === true,
    controlPlaneTopology: a('controlPlaneTopology'),
  };
}

/** ClusterVersion `version`. */
export interface ClusterVersionProjection {
  desiredVersion: string | null;
  desiredImage: string | null;
  /** Newest first, at most {@link MAX_HISTORY} entries. */
  history: Array<{ version: string; image: string | null; state: string | null; completionTime: string | null }>;
  /** `status.availableUpdates` then `status.conditionalUpdates` (with risks and conditions), for the forecast. */
  updates?: ClusterUpdateProjection[];
}

/** How many history entries are kept (the CVO keeps a limited number too). */
export const MAX_HISTORY = 20;

export function projectClusterVersion(object: RawObject): ClusterVersionProjection | undefined {
  const status = obj(object.status);
  const desired = obj(status.desired);
  const history = Array.isArray(status.history) ? status.history.map(obj) : [];
  return {
    desiredVersion: str(desired.version),
    desiredImage: str(desired.image),
    history: history
      .filter(entry => str(entry.version))
      .slice(0, MAX_HISTORY)
      .map(entry => ({
        version: str(entry.version)!,
        image: str(entry.image),
        state: str(entry.state),
        completionTime: str(entry.completionTime),
      })),
    updates: projectUpdates(status),
  };
}

/** ConfigMap `openshift-machine-config-operator/machine-config-osimageurl`. */
export interface OsImageUrlProjection {
  baseOSContainerImage: string | null;
  baseOSExtensionsContainerImage: string | null;
  releaseVersion: string | null;
}

/** Namespace and name of the ConfigMap with the release's default OS image. */
export const OS_IMAGE_URL_CONFIGMAP = {
  namespace: 'openshift-machine-config-operator',
  name: 'machine-config-osimageurl',
} as const;

export function projectOsImageUrl(object: RawObject): OsImageUrlProjection | undefined {
  if (object.metadata?.name !== OS_IMAGE_URL_CONFIGMAP.name) {
    // A server that ignores fieldSelector would send every ConfigMap of the namespace.
    return undefined;
  }
  const data = stringMap(object.data);
  return {
    baseOSContainerImage: str(data.baseOSContainerImage),
    baseOSExtensionsContainerImage: str(data.baseOSExtensionsContainerImage),
    releaseVersion: str(data.releaseVersion),
  };
}
