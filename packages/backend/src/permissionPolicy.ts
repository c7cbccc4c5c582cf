import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  createScaffolderTemplateConditionalDecision,
  scaffolderTemplateConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { layeringClusterApplyPermission } from '@rhcos-layering/plugin-layering-common';
import {
  createLayeringPoolConditionalDecision,
  layeringPoolConditions,
} from '@rhcos-layering/plugin-layering-backend';

/** Tag the layering templates put on the form page and steps of direct delivery. */
export const DIRECT_APPLY_TEMPLATE_TAG = 'layering-direct-apply';

/** What the portal's policy reads from `layering.directApply` and `layering.admins`. */
export interface LayeringPolicyOptions {
  /** Users and groups (lower-case entity refs) who may apply directly. */
  allowed: ReadonlySet<string>;
  /** When set, direct apply only to the pools of these clusters. */
  clusters?: string[];
  /** When true, direct apply only to the pools the user or one of its groups owns. */
  ownedPoolsOnly?: boolean;
  /** Users and groups (lower-case entity refs) who may register catalog locations. */
  admins: ReadonlySet<string>;
}

const lowerRefs = (refs: string[] | undefined) =>
  new Set((refs ?? []).map(ref => ref.toLocaleLowerCase('en-US')));

/** Reads {@link LayeringPolicyOptions} from the root config. */
export function readLayeringPolicyOptions(config: Config): LayeringPolicyOptions {
  const direct = config.getOptionalConfig('layering.directApply');
  const allowed = lowerRefs(direct?.getOptionalStringArray('allowed'));
  const admins = config.getOptionalStringArray('layering.admins');
  return {
    allowed,
    clusters: direct?.getOptionalStringArray('clusters'),
    ownedPoolsOnly: direct?.getOptionalBoolean('ownedPoolsOnly') ?? false,
    // Without a list of its own, the people who may change clusters directly administer the portal.
    admins: admins ? lowerRefs(admins) : allowed,
  };
}

/**
 * The portal's policy, an example built on the layering pool rules:
 *
 * - `layering.cluster.apply` (direct apply, and every action that writes to a cluster) only for
 *   the users and groups of `layering.directApply.allowed`, narrowed to the pools of
 *   `layering.directApply.clusters` and, with `ownedPoolsOnly`, to the pools they own;
 * - the Kubernetes plugin's proxy (`kubernetes.proxy`) only for those same people: it writes with
 *   the cluster credentials, so for anyone else it would be a side door around review;
 * - registering catalog locations only for `layering.admins` (else the direct-apply list), so
 *   nobody can add a User or Group of their own through a location;
 * - the templates' direct-apply page and steps hidden from everyone else;
 * - everything else, reading and asking for changes by pull request, open to signed-in users.
 */
export class LayeringPortalPolicy implements PermissionPolicy {
  constructor(
    private readonly options: LayeringPolicyOptions,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, catalogLocationCreatePermission)) {
      return this.decide(await this.isIn(this.options.admins, user));
    }
    if (isPermission(permission, kubernetesProxyPermission)) {
      return this.decide(await this.isIn(this.options.allowed, user));
    }
    if (isPermission(permission, layeringClusterApplyPermission)) {
      if (!(await this.isIn(this.options.allowed, user))) {
        return { result: AuthorizeResult.DENY };
      }
      return this.directApplyScope(permission, user);
    }
    const hidesDirectApply =
      isPermission(permission, templateParameterReadPermission) ||
      isPermission(permission, templateStepReadPermission);
    if (!hidesDirectApply || (await this.isIn(this.options.allowed, user))) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createScaffolderTemplateConditionalDecision(
      permission as typeof templateParameterReadPermission,
      {
        not: scaffolderTemplateConditions.hasTag({
          tag: DIRECT_APPLY_TEMPLATE_TAG,
        }),
      },
    );
  }

  private decide(allowed: boolean): PolicyDecision {
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }

  /** Direct apply for an allowed user: every pool, or the pools the config narrows it to. */
  private directApplyScope(
    permission: ResourcePermission<'layering-pool'>,
    user?: PolicyQueryUser,
  ): PolicyDecision {
    const { clusters, ownedPoolsOnly } = this.options;
    const conditions = [
      ...(clusters ? [layeringPoolConditions.isInCluster({ clusters })] : []),
      ...(ownedPoolsOnly && user
        ? [
            layeringPoolConditions.isPoolOwner({
              claims: [user.info.userEntityRef, ...user.info.ownershipEntityRefs],
            }),
          ]
        : []),
    ];
    const [first, ...rest] = conditions;
    if (!first) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createLayeringPoolConditionalDecision(
      permission,
      rest.length > 0 ? { allOf: [first, ...rest] } : first,
    );
  }

  private async isIn(refs: ReadonlySet<string>, user?: PolicyQueryUser): Promise<boolean> {
    if (!user || refs.size === 0) return false;
    const info = await this.userInfo.getUserInfo(user.credentials);
    return [info.userEntityRef, ...info.ownershipEntityRefs].some(ref =>
      refs.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'layering-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new LayeringPortalPolicy(readLayeringPolicyOptions(config), userInfo),
        );
      },
    });
  },
});
