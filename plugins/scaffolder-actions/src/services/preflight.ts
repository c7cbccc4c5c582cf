import { InputError } from '@backstage/errors';
import {
  ENTITLEMENT_SECRET,
  GLOBAL_PULL_SECRET_COPY,
  MCO_ANNOTATIONS,
  MCO_NAMESPACE,
  runPreflight as runPreflightRules,
  normalizeMachineOSConfig,
  type PoolDetail,
  type PreflightPool,
  type ValidationIssue,
} from '@internal/plugin-layering-common';
import type { ClusterClient } from '../kubernetes/ClusterClient';
import {
  KubeObject,
  LabelSelector,
  MCO_GROUP,
  MachineConfigPool,
  MachineOSConfig,
  NodeObject,
} from '../kubernetes/types';
import { lookupReleaseBase, ReleaseBase, selectorMatches } from '../actions/lookups';
import type { LayeringActionOptions } from '../actions/types';
import { policyFromConfig } from '../actions/validation';

/** What a request asks for, as far as the pre-flight rules are concerned. */
export interface PreflightRequest {
  pool: string;
  mode: 'on-cluster' | 'out-of-cluster';
  allowDegradedPool?: boolean;
  containerfile?: string;
  pushSpec?: string;
  pushSecret?: string;
  baseImagePullSecret?: string;
  currentImagePullSecret?: string;
  osImageURL?: string;
  machineConfigName?: string;
  /** Objects about to be applied (cluster:apply); their fields fill the ones above. */
  machineOSConfig?: KubeObject;
  machineConfig?: KubeObject;
  /** Secrets the action itself creates before it applies the objects. */
  secretsToCreate?: string[];
}

/** A pool and the nodes it selects. */
export interface PoolNodes {
  name: string;
  nodes: string[];
}

/** What the checks found, for the action's output and the pull request summary. */
export interface PreflightFacts {
  warnings: string[];
  pool: MachineConfigPool;
  poolNodes: string[];
  /** Custom pools that inherit worker MachineConfigs, with their nodes. */
  inheritingPools: PoolNodes[];
  apiVersion: 'v1' | 'v1alpha1' | null;
  existingMachineOSConfig?: string;
  release?: ReleaseBase;
  singleNode: boolean;
  /** The backend's view of the pool (drift before the change), when the backend answered. */
  poolDetail?: PoolDetail;
}

/** Form fields of the actions for the rule fields that are named differently. */
const FIELD_NAMES: Record<string, string> = { osImageURL: 'image' };

function rename(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map(i => (FIELD_NAMES[i.field] ? { ...i, field: FIELD_NAMES[i.field] } : i));
}

/** Roles a pool's machineConfigSelector selects (matchLabels or an `In` expression). */
export function selectedRoles(selector: LabelSelector | undefined): string[] {
  const roles = new Set<string>();
  const role = selector?.matchLabels?.[MCO_ANNOTATIONS.role];
  if (role) roles.add(role);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.key === MCO_ANNOTATIONS.role && e.operator === 'In') {
      (e.values ?? []).forEach(v => roles.add(v));
    }
  }
  return [...roles];
}

function toPreflightPool(pool: MachineConfigPool): PreflightPool {
  return {
    name: pool.metadata.name,
    paused: pool.spec?.paused ?? false,
    conditions: (pool.status?.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
    })),
    machineCount: pool.status?.machineCount ?? 0,
    degradedMachineCount: pool.status?.degradedMachineCount ?? 0,
    selectedRoles: selectedRoles(pool.spec?.machineConfigSelector),
  };
}

/**
 * Reads what the pre-flight rules of layering-common need from the cluster (pools, nodes,
 * MachineOSConfigs, which referenced secrets exist, the release base) and runs them. Throws an
 * `InputError` listing every error by form field; returns the warnings and the facts.
 */
export async function runPreflight(
  client: ClusterClient,
  options: Pick<LayeringActionOptions, 'backend' | 'config'>,
  request: PreflightRequest,
): Promise<PreflightFacts> {
  const apiVersion = await client.machineOSConfigApiVersion();
  const [pools, nodes, moscs, release] = await Promise.all([
    client.list<MachineConfigPool>(`${MCO_GROUP}/v1`, 'MachineConfigPool'),
    client.list<NodeObject>('v1', 'Node'),
    apiVersion
      ? client.list<MachineOSConfig>(`${MCO_GROUP}/${apiVersion}`, 'MachineOSConfig')
      : Promise.resolve([] as MachineOSConfig[]),
    lookupReleaseBase(client, options.backend),
  ]);

  // Fill the request from objects about to be applied.
  const fromMosc = request.machineOSConfig
    ? normalizeMachineOSConfig(request.machineOSConfig)
    : null;
  const pushSpec = request.pushSpec ?? fromMosc?.renderedImagePushSpec;
  const pushSecret = request.pushSecret ?? fromMosc?.renderedImagePushSecret;
  const baseImagePullSecret = request.baseImagePullSecret ?? fromMosc?.baseImagePullSecret ?? undefined;
  const currentImagePullSecret =
    request.currentImagePullSecret ?? fromMosc?.currentImagePullSecret ?? undefined;
  const containerfile =
    request.containerfile ??
    (fromMosc ? fromMosc.containerFiles.map(e => ({ arch: e.arch, content: e.content })) : undefined);
  const mcSpec = request.machineConfig?.spec as { osImageURL?: string } | undefined;
  const osImageURL = request.osImageURL ?? mcSpec?.osImageURL;
  const machineConfigName = request.machineConfigName ?? request.machineConfig?.metadata.name;

  const secretCandidates = [
    pushSecret,
    baseImagePullSecret,
    currentImagePullSecret,
    apiVersion === 'v1alpha1' && !baseImagePullSecret ? GLOBAL_PULL_SECRET_COPY : undefined,
    ENTITLEMENT_SECRET,
  ].filter((n): n is string => !!n && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n) && n.length <= 253);
  const secrets =
    request.mode === 'on-cluster' || request.containerfile
      ? await client.existingSecretNames(MCO_NAMESPACE, secretCandidates)
      : new Set<string>();

  const modelled = moscs
    .map(m => normalizeMachineOSConfig(m))
    .filter((m): m is NonNullable<typeof m> => m !== null);
  const existing = modelled.find(m => m.pool === request.pool);
  const topologies = nodes.map(
    n => n.metadata.annotations?.[MCO_ANNOTATIONS.controlPlaneTopology],
  );
  const singleNode = topologies.includes('SingleReplica') || nodes.length === 1;
  const architectures = [
    ...new Set(
      nodes
        .map(n => n.status?.nodeInfo?.architecture ?? n.metadata.labels?.['kubernetes.io/arch'])
        .filter((a): a is string => !!a),
    ),
  ];

  const result = runPreflightRules({
    mode: request.mode,
    operation: existing ? 'modify' : 'create',
    pool: request.pool,
    cluster: { machineOSConfigApiVersion: apiVersion, singleNode, architectures },
    pools: pools.map(toPreflightPool),
    machineOSConfigs: modelled.map(m => ({ name: m.name, pool: m.pool })),
    secrets: [...secrets, ...(request.secretsToCreate ?? [])],
    pushSpec,
    pushSecret,
    baseImagePullSecret,
    currentImagePullSecret,
    containerfile,
    osImageURL: request.mode === 'out-of-cluster' ? osImageURL : undefined,
    machineConfigName: request.mode === 'out-of-cluster' ? machineConfigName : undefined,
    releaseImage: release?.baseImage,
    allowDegraded:
      (request.allowDegradedPool ?? false) && options.config.allowDegradedOverride,
    policy: policyFromConfig(options.config),
  });
  const issues = rename(result.issues);
  const errors = issues.filter(i => i.severity === 'error');
  if (errors.length > 0) {
    throw new InputError(
      `Pre-flight checks failed:\n${errors.map(i => `${i.field}: ${i.message}`).join('\n')}`,
    );
  }
  const poolObject = pools.find(p => p.metadata.name === request.pool)!;
  const nodesOf = (pool: MachineConfigPool) =>
    nodes
      .filter(n => selectorMatches(pool.spec?.nodeSelector, n.metadata.labels))
      .map(n => n.metadata.name);
  // Only MachineConfigs are inherited: a worker osImageURL override reaches custom pools, a
  // worker MachineOSConfig does not.
  const inheritingPools =
    request.pool === 'worker' && request.mode === 'out-of-cluster'
      ? pools
          .filter(p => !['master', 'worker', 'arbiter'].includes(p.metadata.name))
          .filter(p => selectedRoles(p.spec?.machineConfigSelector).includes('worker'))
          .map(p => ({ name: p.metadata.name, nodes: nodesOf(p) }))
      : [];
  // Nodes matching a custom pool leave worker; master wins over any other pool.
  const customSelectors = pools.filter(p => !['master', 'worker'].includes(p.metadata.name));
  const poolNodes = nodes
    .filter(n => selectorMatches(poolObject.spec?.nodeSelector, n.metadata.labels))
    .filter(n =>
      request.pool === 'worker'
        ? !customSelectors.some(p => selectorMatches(p.spec?.nodeSelector, n.metadata.labels)) &&
          !('node-role.kubernetes.io/master' in (n.metadata.labels ?? {}))
        : true,
    )
    .map(n => n.metadata.name);
  const poolDetail = await options.backend
    .getPool(client.name, request.pool)
    .catch(() => undefined);
  return {
    warnings: [...new Set(issues.filter(i => i.severity === 'warning').map(i => i.message))],
    pool: poolObject,
    poolNodes,
    inheritingPools,
    apiVersion,
    existingMachineOSConfig: existing?.name,
    release,
    singleNode,
    poolDetail,
  };
}
