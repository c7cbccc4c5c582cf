import { NotAllowedError } from '@backstage/errors';
import {
  ENTITLEMENT_SECRET,
  ENTITLEMENT_SOURCE_NAMESPACE,
  GLOBAL_PULL_SECRET_COPY,
  MCO_ANNOTATIONS,
  isBuiltInPool,
  MCO_NAMESPACE,
  runPreflight as runPreflightRules,
  normalizeMachineOSBuild,
  normalizeMachineOSConfig,
  parseOcpVersion,
  pinnedBaseIssue,
  type PinnedBase,
  type MachineOSConfigModel,
  type PoolDetail,
  type PreflightPool,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';
import type { ClusterClient } from '../kubernetes/ClusterClient';
import {
  KubeObject,
  LabelSelector,
  MCO_GROUP,
  MachineConfig,
  MachineConfigPool,
  MachineOSBuild,
  MachineOSConfig,
  NodeObject,
} from '../kubernetes/types';
import {
  lookupReleaseBase,
  ReleaseBase,
  selectorMatches,
} from '../kubernetes/lookups';
import type { LayeringActionOptions } from './actionOptions';
import { findPinnedBase } from './pinnedBase';
import {
  policyFromConfig,
  throwIfErrors,
  warningsOf,
} from './validation';

/** What a request asks for, as far as the pre-flight rules are concerned. */
export interface PreflightRequest {
  pool: string;
  mode: 'on-cluster' | 'out-of-cluster';
  allowDegradedPool?: boolean;
  containerfile?: string;
  /** Architecture the Containerfile is written for (default `NoArch`, the only one the MCO builds). */
  containerfileArch?: string;
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
  /**
   * The client that checks which secrets exist (by name, metadata only): the cluster's writer,
   * since the reader has no access to Secrets. `null` when no writer is at hand (for example a
   * writer that acts as the person, in a run without the person's token): the secrets are then
   * not checked, and a warning says so. Default: the client the pre-flight reads with.
   */
  secretsClient?: ClusterClient | null;
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
  /** On-cluster: the `osImageURL` MachineConfig the build starts FROM, when one pins the pool. */
  pinnedBase?: PinnedBase;
}

/** Form fields of the actions for the rule fields that are named differently. */
const FIELD_NAMES: Record<string, string> = { osImageURL: 'image' };

function rename(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map(i =>
    FIELD_NAMES[i.field] ? { ...i, field: FIELD_NAMES[i.field] } : i,
  );
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

/**
 * A pool as the rules read it. `layering` says only whether a MachineOSConfig targets the pool
 * (out-of-cluster layering is not read here); `build` is given by the caller when it read one.
 */
function toPreflightPool(
  pool: MachineConfigPool,
  moscs: MachineOSConfigModel[],
  build?: PreflightPool['build'],
): PreflightPool {
  const mosc = moscs.find(m => m.pool === pool.metadata.name);
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
    updatedMachineCount: pool.status?.updatedMachineCount,
    degradedMachineCount: pool.status?.degradedMachineCount ?? 0,
    selectedRoles: selectedRoles(pool.spec?.machineConfigSelector),
    ...(mosc
      ? { layering: { mode: 'on-cluster' as const, source: mosc.name } }
      : {}),
    ...(build !== undefined ? { build } : {}),
  };
}

/**
 * True on 4.18 and later, where the MCO takes the entitlement from
 * `openshift-config-managed/etc-pki-entitlement` and copies it per pool into its namespace
 * (`etc-pki-entitlement-<pool>`) for each build. A cluster that serves MachineOSConfig `v1` is
 * 4.18 or later; otherwise the release version decides, and an unknown one keeps the older rule.
 */
function entitlementFromConfigManaged(
  apiVersion: 'v1' | 'v1alpha1' | null,
  release: ReleaseBase | undefined,
): boolean {
  if (apiVersion === 'v1') return true;
  const version = parseOcpVersion(release?.releaseVersion);
  return !!version && (version.major > 4 || (version.major === 4 && version.minor >= 18));
}

/**
 * Whether `openshift-config-managed/etc-pki-entitlement` exists (metadata only). Null when the
 * credential may not look there: the rule then claims nothing.
 */
async function entitlementExists(client: ClusterClient): Promise<boolean | null> {
  try {
    const found = await client.existingSecretNames(ENTITLEMENT_SOURCE_NAMESPACE, [
      ENTITLEMENT_SECRET,
    ]);
    return found.has(ENTITLEMENT_SECRET);
  } catch (error) {
    if (NotAllowedError.is(error)) return null;
    throw error;
  }
}

/** What every pre-flight check reads from the cluster. */
interface ClusterState {
  apiVersion: 'v1' | 'v1alpha1' | null;
  pools: MachineConfigPool[];
  nodes: NodeObject[];
  /** The MachineOSConfigs the model reads (both API versions). */
  moscs: MachineOSConfigModel[];
  singleNode: boolean;
}

async function readClusterState(client: ClusterClient): Promise<ClusterState> {
  const apiVersion = await client.machineOSConfigApiVersion();
  const [pools, nodes, moscs] = await Promise.all([
    client.list<MachineConfigPool>(`${MCO_GROUP}/v1`, 'MachineConfigPool'),
    client.list<NodeObject>('v1', 'Node'),
    apiVersion
      ? client.list<MachineOSConfig>(
          `${MCO_GROUP}/${apiVersion}`,
          'MachineOSConfig',
        )
      : Promise.resolve([] as MachineOSConfig[]),
  ]);
  const topologies = nodes.map(
    n => n.metadata.annotations?.[MCO_ANNOTATIONS.controlPlaneTopology],
  );
  return {
    apiVersion,
    pools,
    nodes,
    moscs: moscs
      .map(m => normalizeMachineOSConfig(m))
      .filter((m): m is MachineOSConfigModel => m !== null),
    singleNode: topologies.includes('SingleReplica') || nodes.length === 1,
  };
}

/**
 * The newest build of a MachineOSConfig, as the layering backend names it: the
 * current-machine-os-build annotation (a build in progress), else `status.machineOSBuild`.
 * Null when it names none or the build is gone.
 */
async function newestBuild(
  client: ClusterClient,
  apiVersion: 'v1' | 'v1alpha1',
  mosc: MachineOSConfigModel,
): Promise<PreflightPool['build']> {
  const name = mosc.currentBuild ?? mosc.status.machineOSBuild;
  if (!name) return null;
  const object = await client.get<MachineOSBuild>({
    apiVersion: `${MCO_GROUP}/${apiVersion}`,
    kind: 'MachineOSBuild',
    name,
  });
  const build = object ? normalizeMachineOSBuild(object) : null;
  return build ? { name: build.name, state: build.state } : null;
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
  const [state, release] = await Promise.all([
    readClusterState(client),
    lookupReleaseBase(client, options.backend),
  ]);
  const { apiVersion, pools, nodes, moscs: modelled, singleNode } = state;

  // Fill the request from objects about to be applied.
  const fromMosc = request.machineOSConfig
    ? normalizeMachineOSConfig(request.machineOSConfig)
    : null;
  const pushSpec = request.pushSpec ?? fromMosc?.renderedImagePushSpec;
  const pushSecret = request.pushSecret ?? fromMosc?.renderedImagePushSecret;
  const baseImagePullSecret =
    request.baseImagePullSecret ?? fromMosc?.baseImagePullSecret ?? undefined;
  const currentImagePullSecret =
    request.currentImagePullSecret ??
    fromMosc?.currentImagePullSecret ??
    undefined;
  const containerfile =
    (request.containerfile !== undefined
      ? [{ arch: request.containerfileArch ?? 'NoArch', content: request.containerfile }]
      : undefined) ??
    (fromMosc
      ? fromMosc.containerFiles.map(e => ({ arch: e.arch, content: e.content }))
      : undefined);
  const mcSpec = request.machineConfig?.spec as
    | { osImageURL?: string }
    | undefined;
  const osImageURL = request.osImageURL ?? mcSpec?.osImageURL;
  const machineConfigName =
    request.machineConfigName ?? request.machineConfig?.metadata.name;

  const secretCandidates = [
    pushSecret,
    baseImagePullSecret,
    currentImagePullSecret,
    apiVersion === 'v1alpha1' && !baseImagePullSecret
      ? GLOBAL_PULL_SECRET_COPY
      : undefined,
    entitlementFromConfigManaged(apiVersion, release) ? undefined : ENTITLEMENT_SECRET,
  ].filter(
    (n): n is string =>
      !!n && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n) && n.length <= 253,
  );
  const secretsClient =
    request.secretsClient === undefined ? client : request.secretsClient;
  const checksSecrets = request.mode === 'on-cluster' || !!request.containerfile;
  const uncheckedSecrets = checksSecrets && secretsClient === null;
  let secrets = new Set<string>();
  if (checksSecrets && secretsClient) {
    secrets = await secretsClient.existingSecretNames(MCO_NAMESPACE, secretCandidates);
  } else if (uncheckedSecrets) {
    // Nothing is known, so nothing is claimed missing; the cluster checks them on apply.
    secrets = new Set(secretCandidates);
  }
  const entitlementSecret = entitlementFromConfigManaged(apiVersion, release)
    ? {
        namespace: ENTITLEMENT_SOURCE_NAMESPACE,
        name: ENTITLEMENT_SECRET,
        exists:
          checksSecrets && secretsClient
            ? await entitlementExists(secretsClient)
            : null,
      }
    : undefined;

  const existing = modelled.find(m => m.pool === request.pool);
  const architectures = [
    ...new Set(
      nodes
        .map(
          n =>
            n.status?.nodeInfo?.architecture ??
            n.metadata.labels?.['kubernetes.io/arch'],
        )
        .filter((a): a is string => !!a),
    ),
  ];

  const result = runPreflightRules({
    mode: request.mode,
    operation: existing ? 'modify' : 'create',
    pool: request.pool,
    cluster: {
      machineOSConfigApiVersion: apiVersion,
      singleNode,
      architectures,
    },
    pools: pools.map(p => toPreflightPool(p, modelled)),
    machineOSConfigs: modelled.map(m => ({ name: m.name, pool: m.pool })),
    secrets: [...secrets, ...(request.secretsToCreate ?? [])],
    entitlementSecret,
    pushSpec,
    pushSecret,
    baseImagePullSecret,
    currentImagePullSecret,
    containerfile,
    osImageURL: request.mode === 'out-of-cluster' ? osImageURL : undefined,
    machineConfigName:
      request.mode === 'out-of-cluster' ? machineConfigName : undefined,
    releaseImage: release?.baseImage,
    allowDegraded:
      (request.allowDegradedPool ?? false) &&
      options.config.allowDegradedOverride,
    policy: policyFromConfig(options.config),
  });
  const issues = rename(result.issues);
  throwIfErrors(issues, 'Pre-flight checks failed');
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
          .filter(p => !isBuiltInPool(p.metadata.name))
          .filter(p =>
            selectedRoles(p.spec?.machineConfigSelector).includes('worker'),
          )
          .map(p => ({ name: p.metadata.name, nodes: nodesOf(p) }))
      : [];
  // Nodes matching a custom pool leave worker; master wins over any other pool. `arbiter` is
  // deliberately among the "custom" pools here: the MCO's ListPools sorts pools into master,
  // worker and everything else, so a node that also matches arbiter leaves worker the same way.
  const customSelectors = pools.filter(
    p => !['master', 'worker'].includes(p.metadata.name),
  );
  const poolNodes = nodes
    .filter(n =>
      selectorMatches(poolObject.spec?.nodeSelector, n.metadata.labels),
    )
    .filter(n =>
      request.pool === 'worker'
        ? !customSelectors.some(p =>
            selectorMatches(p.spec?.nodeSelector, n.metadata.labels),
          ) && !('node-role.kubernetes.io/master' in (n.metadata.labels ?? {}))
        : true,
    )
    .map(n => n.metadata.name);
  const poolDetail = await options.backend
    .getPool(client.name, request.pool)
    .catch(() => undefined);
  const pinnedBase =
    request.mode === 'on-cluster'
      ? findPinnedBase(
          poolObject,
          await client.list<MachineConfig>(`${MCO_GROUP}/v1`, 'MachineConfig'),
        )
      : null;
  const warnings = [...new Set(warningsOf(issues))];
  if (pinnedBase) {
    // The pinned image is the pool's target (or, layered on-cluster, the base of its builds).
    const drift =
      poolDetail && poolDetail.layering.mode !== 'none'
        ? poolDetail.drift.target ?? poolDetail.drift
        : null;
    warnings.unshift(
      pinnedBaseIssue({ pool: request.pool, pinned: pinnedBase, drift }).message,
    );
  }
  if (uncheckedSecrets && secretCandidates.length > 0) {
    warnings.push(
      `The secrets ${secretCandidates.join(', ')} in ${MCO_NAMESPACE} were not checked: only the cluster's writer credential may look Secrets up, and none is available in this run; the cluster checks them when the change is applied.`,
    );
  }
  return {
    warnings,
    pool: poolObject,
    poolNodes,
    inheritingPools,
    apiVersion,
    existingMachineOSConfig: existing?.name,
    release,
    singleNode,
    poolDetail,
    ...(pinnedBase ? { pinnedBase } : {}),
  };
}

/** What the pause and resume checks found. */
export interface PausePreflightFacts {
  /** The warnings, in the order the rules give them. */
  warnings: string[];
  pool: MachineConfigPool;
}

/**
 * Runs the pause or resume rules of layering-common on the cluster as it is: the pools (with
 * their counters, conditions and selected roles), which pools are layered on-cluster, the
 * newest build of the target pool, and whether the cluster is single-node. Throws an
 * `InputError` listing every error by form field; returns the warnings and the pool.
 */
export async function runPausePreflight(
  client: ClusterClient,
  request: { pool: string; operation: 'pause' | 'resume' },
): Promise<PausePreflightFacts> {
  const { apiVersion, pools, moscs, singleNode } = await readClusterState(
    client,
  );
  const target = pools.find(p => p.metadata.name === request.pool);
  const mosc = moscs.find(m => m.pool === request.pool);
  const build =
    target && mosc && apiVersion
      ? await newestBuild(client, apiVersion, mosc)
      : undefined;
  const result = runPreflightRules({
    // The pause and resume rules do not read the mode.
    mode: mosc ? 'on-cluster' : 'out-of-cluster',
    operation: request.operation,
    pool: request.pool,
    cluster: { machineOSConfigApiVersion: apiVersion, singleNode },
    pools: pools.map(p =>
      toPreflightPool(p, moscs, p === target ? build : undefined),
    ),
    machineOSConfigs: moscs.map(m => ({ name: m.name, pool: m.pool })),
    secrets: [],
  });
  throwIfErrors(result.issues, 'Pre-flight checks failed');
  return {
    warnings: [...new Set(warningsOf(result.issues))],
    pool: target!,
  };
}
