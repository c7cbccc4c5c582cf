import { ConflictError, InputError } from '@backstage/errors';
import {
  isBuiltInPool,
  labelSelectorMatches,
  MCO_ANNOTATIONS,
} from '@rhcos-layering/plugin-layering-common';
import type { ClusterClient } from './ClusterClient';
import {
  MCO_GROUP,
  MCO_NAMESPACE,
  MachineConfigPool,
  MachineOSConfig,
  NodeObject,
  KubeObject,
  LabelSelector,
} from './types';

/** Reference to a MachineConfigPool. */
export function poolRef(pool: string) {
  return { apiVersion: `${MCO_GROUP}/v1`, kind: 'MachineConfigPool', name: pool };
}

/** The MachineOSConfig of a pool (one per pool), with the API version the cluster serves. */
export async function findMachineOSConfig(
  client: ClusterClient,
  pool: string,
): Promise<{ apiVersion: 'v1' | 'v1alpha1' | null; object?: MachineOSConfig }> {
  const apiVersion = await client.machineOSConfigApiVersion();
  if (!apiVersion) {
    return { apiVersion };
  }
  const all = await client.list<MachineOSConfig>(`${MCO_GROUP}/${apiVersion}`, 'MachineOSConfig');
  const forPool = all.filter(m => m.spec?.machineConfigPool?.name === pool);
  if (forPool.length > 1) {
    throw new ConflictError(
      `Pool ${pool} on cluster ${client.name} has ${forPool.length} MachineOSConfigs (${forPool
        .map(m => m.metadata.name)
        .join(', ')}); the MCO supports one per pool. Remove the extra ones first.`,
    );
  }
  return { apiVersion, object: forPool[0] };
}

/** The release's default RHCOS image, as `oc adm release info --image-for rhel-coreos` gives it. */
export async function readReleaseBase(client: ClusterClient): Promise<
  { baseImage: string; extensionsImage?: string; releaseVersion?: string } | undefined
> {
  const configMap = await client.get<KubeObject & { data?: Record<string, string> }>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'machine-config-osimageurl',
    namespace: MCO_NAMESPACE,
  });
  const baseImage = configMap?.data?.baseOSContainerImage;
  if (!baseImage) {
    return undefined;
  }
  return {
    baseImage,
    extensionsImage: configMap?.data?.baseOSExtensionsContainerImage || undefined,
    releaseVersion: configMap?.data?.releaseVersion || undefined,
  };
}

/** Whether a label set satisfies a selector (matchLabels and the four operators). */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) {
    return false;
  }
  const { matchLabels = {}, matchExpressions = [] } = selector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    // An empty selector selects everything; pools never use it, so treat it as no match.
    return false;
  }
  return labelSelectorMatches(selector, labels);
}

/** Nodes a pool selects. */
export async function nodesOfPool(
  client: ClusterClient,
  pool: MachineConfigPool,
): Promise<NodeObject[]> {
  const nodes = await client.list<NodeObject>('v1', 'Node');
  return nodes.filter(n => selectorMatches(pool.spec?.nodeSelector, n.metadata.labels));
}

/** Custom pools (not master/worker/arbiter) that select role `worker` MachineConfigs. */
export function poolsInheritingWorker(pools: MachineConfigPool[]): string[] {
  return pools
    .filter(p => !isBuiltInPool(p.metadata.name))
    .filter(p =>
      selectorMatches(p.spec?.machineConfigSelector, {
        [MCO_ANNOTATIONS.role]: 'worker',
      }),
    )
    .map(p => p.metadata.name);
}

/** Fails with a field-level error when the pool is one the action may not target. */
export function assertCustomPool(field: string, pool: string): void {
  if (isBuiltInPool(pool)) {
    throw new InputError(
      `${field}: "${pool}" is a built-in pool; nodes are assigned to custom pools only`,
    );
  }
}

/** The release base a request is made against. */
export interface ReleaseBase {
  baseImage: string;
  releaseVersion: string | null;
  /** Where the answer came from. */
  source: 'cluster' | 'backend';
}

/**
 * Looks up the release's rhel-coreos image by digest, like
 * `oc adm release info --image-for rhel-coreos`: from the cluster's `machine-config-osimageurl`
 * ConfigMap, or from the layering backend's release route when the ConfigMap cannot be read.
 */
export async function lookupReleaseBase(
  client: ClusterClient,
  backend: { getRelease(cluster: string): Promise<{ baseImage: string | null; version: string | null } | undefined> },
): Promise<ReleaseBase | undefined> {
  let fromCluster: Awaited<ReturnType<typeof readReleaseBase>>;
  try {
    fromCluster = await readReleaseBase(client);
  } catch {
    fromCluster = undefined;
  }
  if (fromCluster) {
    return {
      baseImage: fromCluster.baseImage,
      releaseVersion: fromCluster.releaseVersion ?? null,
      source: 'cluster',
    };
  }
  const release = await backend.getRelease(client.name).catch(() => undefined);
  if (release?.baseImage) {
    return { baseImage: release.baseImage, releaseVersion: release.version, source: 'backend' };
  }
  return undefined;
}
