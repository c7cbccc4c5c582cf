/**
 * Pre-flight rules run before a layering change, by the scaffolder actions
 * (authoritative) and by the template form fields (early feedback). Inputs are
 * plain data the backend already has; outputs are field-level issues.
 */
import { issue } from './issue';
import type { PoolCondition, PoolView } from './types';
import { ENTITLEMENT_SECRET, MCO_NAMESPACE } from './annotations';
import {
  analyzeContainerfile,
  validateContainerfileEntries,
  type EntitlementNeed,
} from './containerfileAnalysis';
import {
  type LayeringPolicy,
  type MachineOSConfigApiVersion,
  validateDigestImage,
  validateDns1123Subdomain,
  validatePushSpec,
  type ValidationIssue,
} from './validation';
import {
  containerfileArchForVersion,
  GLOBAL_PULL_SECRET_COPY,
  normalizeContainerfileArch,
} from './machineOSConfig';

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

const DEGRADED_CONDITIONS = [
  'Degraded',
  'NodeDegraded',
  'RenderDegraded',
  'ImageBuildDegraded',
  'PinnedImageSetsDegraded',
];

function degradedReason(pool: PreflightPool): string | null {
  const conditions: PoolCondition[] = pool.conditions ?? [];
  const bad =
    conditions.find(
      c =>
        DEGRADED_CONDITIONS.includes(c.type) &&
        c.status === 'True' &&
        c.type !== 'Degraded',
    ) ?? conditions.find(c => c.type === 'Degraded' && c.status === 'True');
  if (bad) return bad.type;
  if ((pool.degradedMachineCount ?? 0) > 0)
    return `${pool.degradedMachineCount} degraded node(s)`;
  return null;
}

function checkSecret(
  issues: ValidationIssue[],
  secrets: Set<string>,
  name: string | null | undefined,
  field: string,
  what: string,
  required: boolean,
) {
  if (!name) {
    if (required) issues.push(issue(field, `The ${what} is required.`));
    return;
  }
  const nameIssues = validateDns1123Subdomain(name, field, `${what} name`);
  if (nameIssues.length) {
    issues.push(...nameIssues);
    return;
  }
  if (!secrets.has(name)) {
    issues.push(
      issue(
        field,
        `Secret ${name} does not exist in ${MCO_NAMESPACE}; create it there first.`,
      ),
    );
  }
}

const BUILT_IN_POOLS = ['master', 'worker', 'arbiter'];
const RUNNING_BUILD_STATES = ['Prepared', 'Building'];

/** `a` or `a, b` with the verb agreeing: `pool a inherits` / `pools a, b inherit`. */
function poolsPhrase(
  names: string[],
  singular: string,
  plural: string,
): string {
  return names.length === 1
    ? `Custom pool ${names[0]} ${singular}`
    : `Custom pools ${names.join(', ')} ${plural}`;
}

/**
 * Rules for removing a pool's layered image: its MachineOSConfig (on-cluster, which takes
 * its builds with it) or the MachineConfig that sets osImageURL (out-of-cluster). The nodes
 * reboot into the image of the pool's render without it, which is the release's default
 * RHCOS unless a worker osImageURL override still reaches the pool.
 */
function revertIssues(
  input: PreflightInput,
  pool: PreflightPool,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const actual = pool.layering?.mode;
  const source = pool.layering?.source;
  if (actual === 'none') {
    return [
      issue(
        'pool',
        `Pool ${pool.name} has no layered image: there is nothing to revert, and no node reboots.`,
        'warning',
      ),
    ];
  }
  const mode = actual ?? input.mode;
  if (actual && actual !== input.mode) {
    const object =
      actual === 'on-cluster' ? 'MachineOSConfig' : 'MachineConfig';
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is layered ${actual}${
          source ? ` (${object} ${source})` : ''
        }, not ${
          input.mode
        }: choose ${actual} so the request removes the right object.`,
        'warning',
      ),
    );
  }

  const worker = input.pools.find(p => p.name === 'worker');
  const workerSource =
    worker?.layering?.mode === 'out-of-cluster'
      ? worker.layering.source
      : undefined;
  const custom = !BUILT_IN_POOLS.includes(pool.name);
  const inheritsWorker =
    custom && (pool.selectedRoles ?? []).includes('worker');
  // An out-of-cluster custom pool whose image is worker's MachineConfig has nothing of its own
  // to remove; the action refuses it too.
  const inheritedImage =
    mode === 'out-of-cluster' &&
    custom &&
    workerSource !== undefined &&
    source === workerSource;

  if (inheritedImage) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} gets its image from MachineConfig ${workerSource} of pool worker (role worker): revert pool worker instead, which reverts every pool that inherits it.`,
      ),
    );
  } else if (inheritsWorker && workerSource) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} inherits the worker osImageURL override (MachineConfig ${workerSource}): after the revert its nodes run that image, not the release's default RHCOS.`,
        'warning',
      ),
    );
  }

  if (mode === 'on-cluster') {
    const forPool = input.machineOSConfigs.filter(m => m.pool === pool.name);
    if (!actual && forPool.length === 0) {
      issues.push(
        issue(
          'pool',
          `Pool ${pool.name} has no MachineOSConfig to remove.`,
          'warning',
        ),
      );
    }
    if (pool.build && RUNNING_BUILD_STATES.includes(pool.build.state)) {
      issues.push(
        issue(
          'pool',
          `Image build ${pool.build.name} of pool ${pool.name} has not finished: removing the MachineOSConfig deletes it with the other builds.`,
          'warning',
        ),
      );
    }
  }

  if (pool.name === 'worker' && mode === 'out-of-cluster') {
    const inheriting = input.pools.filter(
      p =>
        !BUILT_IN_POOLS.includes(p.name) &&
        (p.selectedRoles ?? []).includes('worker'),
    );
    const buildsOnCluster = inheriting
      .filter(p => p.layering?.mode === 'on-cluster')
      .map(p => p.name);
    // A custom pool's own-role override sorts after worker's, so it keeps winning.
    // Without worker's own MachineConfig name, an inherited image cannot be told apart.
    const ownImage = inheriting.filter(
      p =>
        source !== undefined &&
        p.layering?.mode === 'out-of-cluster' &&
        p.layering.source !== undefined &&
        p.layering.source !== source,
    );
    const follow = inheriting
      .map(p => p.name)
      .filter(
        name =>
          !buildsOnCluster.includes(name) &&
          !ownImage.some(p => p.name === name),
      );
    if (follow.length) {
      issues.push(
        issue(
          'pool',
          `${poolsPhrase(
            follow,
            'inherits worker MachineConfigs and goes',
            'inherit worker MachineConfigs and go',
          )} back to the base image too.`,
          'warning',
        ),
      );
    }
    if (buildsOnCluster.length) {
      issues.push(
        issue(
          'pool',
          `${poolsPhrase(
            buildsOnCluster,
            'builds its on-cluster image',
            'build their on-cluster images',
          )} FROM the worker osImageURL: the MCO rebuilds ${
            buildsOnCluster.length === 1 ? 'it' : 'them'
          } FROM the release's default RHCOS, and the nodes reboot into the new build.`,
          'warning',
        ),
      );
    }
    for (const p of ownImage) {
      issues.push(
        issue(
          'pool',
          `Custom pool ${p.name} keeps its own image (MachineConfig ${p.layering?.source}), which wins over worker's.`,
          'warning',
        ),
      );
    }
  }

  const degraded = degradedReason(pool);
  if (degraded) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is degraded (${degraded}): the revert is allowed, and going back to the base image is the fix when the layered image is the cause.`,
        'warning',
      ),
    );
  }
  if (pool.paused) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is paused: no node goes back to the base image until the pool is resumed.`,
        'warning',
      ),
    );
  }
  if (input.cluster.singleNode && pool.name === 'master') {
    issues.push(
      issue(
        'pool',
        'Single-node cluster: the revert reboots the only control plane node.',
        'warning',
      ),
    );
  }
  return issues;
}

/**
 * Rules for pausing or resuming a pool. While `spec.paused` is true the MCO still renders the
 * pool's configuration and runs its on-cluster builds, but tells no node to update; resuming
 * lets the node controller move every node to the pool's target, which waits for the newest
 * build when the pool is layered on-cluster.
 */
function pauseResumeIssues(
  input: PreflightInput,
  pool: PreflightPool,
  operation: 'pause' | 'resume',
): ValidationIssue[] {
  if (operation === 'pause' && pool.paused) {
    return [
      issue(
        'pool',
        `Pool ${pool.name} is already paused: the request changes nothing.`,
        'warning',
      ),
    ];
  }
  if (operation === 'resume' && !pool.paused) {
    return [
      issue(
        'pool',
        `Pool ${pool.name} is not paused: the request changes nothing.`,
        'warning',
      ),
    ];
  }
  const issues: ValidationIssue[] = [];
  const onCluster = pool.layering?.mode === 'on-cluster';

  if (operation === 'pause') {
    issues.push(
      issue(
        'pool',
        `While pool ${
          pool.name
        } is paused the MCO still renders its configuration${
          onCluster ? ' and builds its image' : ''
        }, but tells none of its nodes to update: new MachineConfigs, and the new configuration and OS image of a cluster upgrade, wait until the pool is resumed.`,
        'warning',
      ),
    );
    if (pool.name === 'master') {
      issues.push(
        issue(
          'pool',
          'Pool master holds the control plane nodes: keep the pause short, since no cluster upgrade updates them while it lasts.',
          'warning',
        ),
      );
    }
    if (pool.name === 'worker') {
      // Custom pools have a spec.paused of their own: worker MachineConfigs keep reaching them.
      const inheriting = input.pools
        .filter(
          p =>
            !BUILT_IN_POOLS.includes(p.name) &&
            !p.paused &&
            (p.selectedRoles ?? []).includes('worker'),
        )
        .map(p => p.name);
      if (inheriting.length) {
        issues.push(
          issue(
            'pool',
            poolsPhrase(
              inheriting,
              'inherits worker MachineConfigs but is not paused with worker: they still roll out to its nodes.',
              'inherit worker MachineConfigs but are not paused with worker: they still roll out to their nodes.',
            ),
            'warning',
          ),
        );
      }
    }
    return issues;
  }

  const build = onCluster ? pool.build : undefined;
  let buildFailed = false;
  if (build && RUNNING_BUILD_STATES.includes(build.state)) {
    issues.push(
      issue(
        'pool',
        `Image build ${build.name} of pool ${pool.name} has not finished: no node is updated before it succeeds, then every node of the pool reboots into its image.`,
        'warning',
      ),
    );
  } else if (
    build &&
    (build.state === 'Failed' || build.state === 'Interrupted')
  ) {
    buildFailed = true;
    issues.push(
      issue(
        'pool',
        `The newest image build ${build.name} of pool ${pool.name} ${
          build.state === 'Failed' ? 'failed' : 'was interrupted'
        }: what waits for its image does not roll out until a build succeeds.`,
        'warning',
      ),
    );
  }
  const degraded = degradedReason(pool);
  // A failed build already explains ImageBuildDegraded.
  if (degraded && !(buildFailed && degraded === 'ImageBuildDegraded')) {
    issues.push(
      issue(
        'pool',
        `Pool ${pool.name} is degraded (${degraded}): fix that first; a degraded node counts as unavailable, so the roll-out can stall at it.`,
        'warning',
      ),
    );
  }
  const pending =
    (build !== undefined &&
      build !== null &&
      RUNNING_BUILD_STATES.includes(build.state)) ||
    (pool.machineCount !== undefined &&
      pool.updatedMachineCount !== undefined &&
      pool.updatedMachineCount < pool.machineCount);
  if (input.cluster.singleNode && pool.name === 'master' && pending) {
    issues.push(
      issue(
        'pool',
        'Single-node cluster: resuming pool master with changes pending reboots the only control plane node.',
        'warning',
      ),
    );
  }
  return issues;
}

/**
 * Runs every pre-flight rule for a layering change and collects the issues.
 * @public
 */
export function runPreflight(input: PreflightInput): PreflightResult {
  const issues: ValidationIssue[] = [];
  const operation = input.operation ?? 'create';
  const secrets = new Set(input.secrets);
  const apiVersion = input.cluster.machineOSConfigApiVersion ?? null;
  let entitlement: EntitlementNeed = 'none';

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
    const degraded = degradedReason(pool);
    if (degraded) {
      issues.push(
        issue(
          'pool',
          input.allowDegraded
            ? `Pool ${pool.name} is degraded (${degraded}); proceeding because the override is set.`
            : `Pool ${pool.name} is degraded (${degraded}): fix it first, or set the override to proceed anyway.`,
          input.allowDegraded ? 'warning' : 'error',
        ),
      );
    }
    if (pool.paused) {
      issues.push(
        issue(
          'pool',
          input.mode === 'on-cluster'
            ? `Pool ${pool.name} is paused: the image will be built, but no node gets it until the pool is resumed.`
            : `Pool ${pool.name} is paused: no node gets the new image until the pool is resumed.`,
          'warning',
        ),
      );
    }
    const roles = pool.selectedRoles ?? [];
    if (
      pool.name !== 'worker' &&
      pool.name !== 'master' &&
      roles.includes('worker')
    ) {
      issues.push(
        issue(
          'pool',
          input.mode === 'on-cluster'
            ? `Pool ${pool.name} inherits every worker MachineConfig: a worker osImageURL override becomes the base of its on-cluster builds.`
            : `Pool ${pool.name} inherits every worker MachineConfig: a worker osImageURL override would compete with this one (the pool's own role wins).`,
          'warning',
        ),
      );
    }
    if (pool.name === 'worker' && input.mode === 'out-of-cluster') {
      const inheriting = input.pools.filter(
        p =>
          p.name !== 'worker' &&
          p.name !== 'master' &&
          (p.selectedRoles ?? []).includes('worker'),
      );
      if (inheriting.length) {
        issues.push(
          issue(
            'pool',
            `Custom pool${inheriting.length > 1 ? 's' : ''} ${inheriting
              .map(p => p.name)
              .join(', ')} inherit${
              inheriting.length > 1 ? '' : 's'
            } worker MachineConfigs and will get this image too, including on-cluster builds, which use it as their base.`,
            'warning',
          ),
        );
      }
    }
  }

  if (
    operation === 'revert' ||
    operation === 'pause' ||
    operation === 'resume'
  ) {
    return {
      issues,
      entitlement,
      ok: !issues.some(i => i.severity === 'error'),
    };
  }

  if (input.mode === 'on-cluster') {
    if (!apiVersion) {
      issues.push(
        issue(
          'cluster',
          'This cluster serves no MachineOSConfig API (on-cluster layering is not enabled on this release).',
        ),
      );
    }
    if (input.cluster.singleNode) {
      issues.push(
        input.pool === 'master'
          ? issue(
              'pool',
              'Single-node cluster: on-cluster layering there is documented for the control plane pool only, and every change reboots the only node.',
              'warning',
            )
          : issue(
              'pool',
              'Single-node cluster: on-cluster layering can only target the control plane pool (master).',
            ),
      );
    }
    const archs = (input.cluster.architectures ?? []).filter(
      a => a !== 'amd64',
    );
    if (archs.length) {
      issues.push(
        issue(
          'cluster',
          `On-cluster layering is documented for AMD64 clusters only; this cluster has ${[
            ...new Set(archs),
          ].join(', ')} nodes.`,
          'warning',
        ),
      );
    }

    // One MachineOSConfig per pool, named after the pool.
    const forPool = input.machineOSConfigs.filter(m => m.pool === input.pool);
    const sameName = input.machineOSConfigs.find(
      m => m.name === input.pool && m.pool !== input.pool,
    );
    if (operation === 'create' && forPool.length) {
      issues.push(
        issue(
          'pool',
          `Pool ${input.pool} already has MachineOSConfig ${forPool
            .map(m => m.name)
            .join(', ')}; modify it instead (one MachineOSConfig per pool).`,
        ),
      );
    }
    if (operation === 'modify') {
      if (!forPool.length)
        issues.push(
          issue('pool', `Pool ${input.pool} has no MachineOSConfig to modify.`),
        );
      const misnamed = forPool.find(m => m.name !== input.pool);
      if (misnamed) {
        issues.push(
          issue(
            'pool',
            `MachineOSConfig ${misnamed.name} is not named after its pool; v1 requires the name to equal the pool, so re-create it as ${input.pool} when the cluster moves to v1.`,
            'warning',
          ),
        );
      }
    }
    if (forPool.length > 1) {
      issues.push(
        issue(
          'pool',
          `Pool ${input.pool} has ${forPool.length} MachineOSConfigs; only one per pool is supported.`,
        ),
      );
    }
    if (sameName) {
      issues.push(
        issue(
          'pool',
          `A MachineOSConfig named ${input.pool} already exists for pool ${sameName.pool}.`,
        ),
      );
    }

    issues.push(
      ...validatePushSpec(input.pushSpec, {
        field: 'pushSpec',
        apiVersion: apiVersion ?? 'v1',
      }),
    );
    checkSecret(
      issues,
      secrets,
      input.pushSecret,
      'pushSecret',
      'push secret',
      true,
    );
    checkSecret(
      issues,
      secrets,
      input.baseImagePullSecret ||
        (apiVersion === 'v1alpha1' ? GLOBAL_PULL_SECRET_COPY : null),
      'baseImagePullSecret',
      'base image pull secret',
      false,
    );
    if (apiVersion === 'v1alpha1') {
      checkSecret(
        issues,
        secrets,
        input.currentImagePullSecret,
        'currentImagePullSecret',
        'image pull secret',
        false,
      );
    }
  } else {
    issues.push(
      ...validateDigestImage(input.osImageURL, 'osImageURL', 'layered image'),
    );
    if (input.machineConfigName !== undefined) {
      issues.push(
        ...validateDns1123Subdomain(
          input.machineConfigName,
          'machineConfigName',
          'MachineConfig name',
        ),
      );
    }
  }

  // Containerfile(s).
  if (input.containerfile !== undefined && input.containerfile !== null) {
    const entries =
      typeof input.containerfile === 'string'
        ? [{ arch: null, content: input.containerfile }]
        : input.containerfile;
    if (input.mode === 'on-cluster' && apiVersion) {
      issues.push(
        ...validateContainerfileEntries(
          entries.map(e => {
            const arch = normalizeContainerfileArch(e.arch);
            return {
              containerfileArch:
                arch === null
                  ? e.arch ?? null
                  : containerfileArchForVersion(arch, apiVersion),
              content: e.content,
            };
          }),
          apiVersion,
        ),
      );
    }
    const order: EntitlementNeed[] = ['none', 'possible', 'required'];
    entries.forEach((entry, index) => {
      const analysis = analyzeContainerfile(entry.content, {
        mode: input.mode,
        field: entries.length > 1 ? `containerfile[${index}]` : 'containerfile',
        policy: input.policy,
        expectedBaseImage: input.releaseImage,
      });
      issues.push(...analysis.issues);
      if (order.indexOf(analysis.entitlement) > order.indexOf(entitlement))
        entitlement = analysis.entitlement;
    });
    if (entitlement !== 'none' && !secrets.has(ENTITLEMENT_SECRET)) {
      const message =
        entitlement === 'required'
          ? `The Containerfile installs RHEL packages, which needs an entitled build: copy the ${ENTITLEMENT_SECRET} secret into ${MCO_NAMESPACE} first.`
          : `The Containerfile installs third-party RPMs that may depend on RHEL packages; if the build fails to resolve them, copy the ${ENTITLEMENT_SECRET} secret into ${MCO_NAMESPACE}.`;
      if (input.mode === 'on-cluster') {
        issues.push(
          issue(
            'containerfile',
            message,
            entitlement === 'required' ? 'error' : 'warning',
          ),
        );
      } else {
        issues.push(
          issue(
            'containerfile',
            entitlement === 'required'
              ? 'The Containerfile installs RHEL packages: build it on an entitled RHEL host.'
              : 'The Containerfile installs third-party RPMs that may need RHEL packages: build it on an entitled RHEL host if they do.',
            'warning',
          ),
        );
      }
    }
  }

  return { issues, entitlement, ok: !issues.some(i => i.severity === 'error') };
}
