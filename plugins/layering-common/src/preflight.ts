/**
 * Pre-flight rules run before a layering change, by the scaffolder actions
 * (authoritative) and by the template form fields (early feedback). Inputs are
 * plain data the backend already has; outputs are field-level issues.
 */
import { issue } from './issue';
import type { PoolView } from './types';
import type { EntitlementNeed } from './containerfileAnalysis';
import {
  type LayeringPolicy,
  type MachineOSConfigApiVersion,
  validateDns1123Subdomain,
  type ValidationIssue,
} from './validation';
import { applyIssues, applyPoolIssues } from './preflightApply';
import { pauseResumeIssues } from './preflightPauseResume';
import { revertIssues } from './preflightRevert';

/** The parts of a pool the pre-flight rules read. @public */
export type PreflightPool = Pick<PoolView, 'name' | 'paused' | 'conditions'> &
  Partial<
    Pick<
      PoolView,
      | 'machineCount'
      | 'updatedMachineCount'
      | 'degradedMachineCount'
      | 'selectedRoles'
      | 'layering'
      | 'build'
    >
  >;

/** Input of {@link runPreflight}. @public */
export interface PreflightInput {
  /**
   * `on-cluster` creates or edits a MachineOSConfig; `out-of-cluster` a MachineConfig with
   * osImageURL. For `revert`, what the request means to remove; the pool's own `layering`
   * wins when the pool reports it. Not read for `pause` and `resume`.
   */
  mode: 'on-cluster' | 'out-of-cluster';
  /**
   * `create` refuses an existing MachineOSConfig for the pool; `modify` requires one;
   * `revert` removes the pool's layered image and runs only the rules about the pool and
   * the cluster (nothing is built or pushed); `pause` and `resume` set the pool's
   * `spec.paused` and run only their own rules about the pool and the cluster.
   */
  operation?: 'create' | 'modify' | 'revert' | 'pause' | 'resume';
  /** The pool to change. */
  pool: string;
  cluster: {
    /** API version of MachineOSConfig served, null when the cluster serves none. */
    machineOSConfigApiVersion?: MachineOSConfigApiVersion | null;
    /** Control plane topology SingleReplica. */
    singleNode?: boolean;
    /** Node architectures (`kubernetes.io/arch`), e.g. `['amd64']`. */
    architectures?: string[];
    /** The backend's data for this cluster is stale. */
    stale?: boolean;
  };
  pools: PreflightPool[];
  /** Existing MachineOSConfigs: name and the pool they target. */
  machineOSConfigs: Array<{ name: string; pool: string }>;
  /** Names of the secrets in `openshift-machine-config-operator`. */
  secrets: string[];
  /**
   * Where the build's entitlement comes from, when it is not `etc-pki-entitlement` in the MCO
   * namespace (looked up in `secrets`): on 4.18 and later, `openshift-config-managed`. `exists`
   * null when it could not be looked up, which gives no finding.
   */
  entitlementSecret?: { namespace: string; name: string; exists: boolean | null };
  pushSpec?: string | null;
  pushSecret?: string | null;
  baseImagePullSecret?: string | null;
  /** v1alpha1 only. */
  currentImagePullSecret?: string | null;
  /** One Containerfile (NoArch) or several per architecture. */
  containerfile?:
    | string
    | Array<{ arch?: string | null; content: string }>
    | null;
  /** Out-of-cluster: the layered image by digest, and the MachineConfig name. */
  osImageURL?: string | null;
  machineConfigName?: string | null;
  /** The release's rhel-coreos image, to warn when an out-of-cluster base differs. */
  releaseImage?: string | null;
  /** Allow changes to a degraded pool (turns that error into a warning). */
  allowDegraded?: boolean;
  policy?: LayeringPolicy;
}

/** Result of {@link runPreflight}. @public */
export interface PreflightResult {
  issues: ValidationIssue[];
  /** Whether the build needs the entitlement secret. */
  entitlement: EntitlementNeed;
  /** True when no issue is an error. */
  ok: boolean;
}

/**
 * Runs every pre-flight rule for a layering change and collects the issues.
 * @public
 */
export function runPreflight(input: PreflightInput): PreflightResult {
  const issues: ValidationIssue[] = [];
  const operation = input.operation ?? 'create';

  if (input.cluster.stale) {
    issues.push(
      issue(
        'cluster',
        "The portal's data for this cluster is stale; these checks may not reflect the cluster as it is now.",
        'warning',
      ),
    );
  }

  // The pool.
  issues.push(...validateDns1123Subdomain(input.pool, 'pool', 'pool name'));
  const pool = input.pools.find(p => p.name === input.pool);
  if (!pool) {
    issues.push(
      issue('pool', `Pool ${input.pool} does not exist in this cluster.`),
    );
  } else if (operation === 'revert') {
    issues.push(...revertIssues(input, pool));
  } else if (operation === 'pause' || operation === 'resume') {
    issues.push(...pauseResumeIssues(input, pool, operation));
  } else {
    issues.push(...applyPoolIssues(input, pool));
  }

  if (
    operation === 'revert' ||
    operation === 'pause' ||
    operation === 'resume'
  ) {
    return {
      issues,
      entitlement: 'none',
      ok: !issues.some(i => i.severity === 'error'),
    };
  }

  const applied = applyIssues(input, operation);
  issues.push(...applied.issues);
  return {
    issues,
    entitlement: applied.entitlement,
    ok: !issues.some(i => i.severity === 'error'),
  };
}
