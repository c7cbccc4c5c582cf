/**
 * Pre-flight rules for applying a layered image (create or modify): the pool,
 * the MachineOSConfig or MachineConfig, the secrets and the Containerfiles.
 */
import { issue } from './issue';
import { ENTITLEMENT_SECRET, MCO_NAMESPACE } from './annotations';
import {
  analyzeContainerfile,
  validateContainerfileEntries,
  type EntitlementNeed,
} from './containerfileAnalysis';
import {
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
import type { PreflightInput, PreflightPool } from './preflight';
import { checkSecret, degradedReason } from './preflightShared';

/** Rules about the pool a layered image is applied to. @internal */
export function applyPoolIssues(
  input: PreflightInput,
  pool: PreflightPool,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
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
  return issues;
}

/**
 * The MCO builds only the `NoArch` Containerfile of a MachineOSConfig; an entry for one
 * architecture is kept but never built. A warning, not an error: the cluster accepts it.
 */
function archIssues(
  entries: Array<{ arch?: string | null; content: string }>,
): ValidationIssue[] {
  const archs = entries.map(e => normalizeContainerfileArch(e.arch) ?? e.arch);
  const hasNoArch = archs.includes('NoArch');
  const issues: ValidationIssue[] = [];
  archs.forEach((arch, index) => {
    if (arch === 'NoArch' || !arch) return;
    issues.push(
      issue(
        entries.length > 1 ? `containerfile[${index}]` : 'containerfileArch',
        hasNoArch
          ? `The MCO builds only the NoArch Containerfile and ignores this ${arch} one.`
          : `The MCO builds only the NoArch Containerfile and ignores this ${arch} one, so nothing of it is built: give it as NoArch.`,
        'warning',
      ),
    );
  });
  return issues;
}

/**
 * Rules about what a create or modify writes: the MachineOSConfig (on-cluster) or the
 * MachineConfig (out-of-cluster), their secrets, and the Containerfiles.
 * @internal
 */
export function applyIssues(
  input: PreflightInput,
  operation: 'create' | 'modify',
): { issues: ValidationIssue[]; entitlement: EntitlementNeed } {
  const issues: ValidationIssue[] = [];
  const secrets = new Set(input.secrets);
  const apiVersion = input.cluster.machineOSConfigApiVersion ?? null;
  let entitlement: EntitlementNeed = 'none';

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
    if (input.mode === 'on-cluster') {
      issues.push(...archIssues(entries));
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
    const source = input.entitlementSecret;
    const entitled = source
      ? source.exists !== false
      : secrets.has(ENTITLEMENT_SECRET);
    if (entitlement !== 'none' && !entitled) {
      const remedy = source
        ? `the MCO takes the ${source.name} secret from ${source.namespace}, which this cluster does not have (the Insights Operator keeps it there under Simple Content Access)`
        : `copy the ${ENTITLEMENT_SECRET} secret into ${MCO_NAMESPACE}`;
      const message =
        entitlement === 'required'
          ? `The Containerfile installs RHEL packages, which needs an entitled build: ${remedy}${
              source ? '' : ' first'
            }.`
          : `The Containerfile installs third-party RPMs that may depend on RHEL packages; if the build fails to resolve them, ${remedy}.`;
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

  return { issues, entitlement };
}
