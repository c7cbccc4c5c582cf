import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import type { UserInfoService } from '@backstage/backend-plugin-api';

/** Name of the permission that gates direct cluster writes (defined in layering-common). */
const DIRECT_APPLY_PERMISSION = 'layering.cluster.apply';

/**
 * The portal's policy: everything a signed-in user can read stays open, and writing to a
 * cluster directly (bypassing pull-request review) is allowed only to the users and groups
 * listed in `layering.directApply.allowed`.
 */
export class LayeringPortalPolicy implements PermissionPolicy {
  constructor(
    private readonly allowed: ReadonlySet<string>,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (request.permission.name !== DIRECT_APPLY_PERMISSION) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const info = await this.userInfo.getUserInfo(user.credentials);
    const refs = [info.userEntityRef, ...info.ownershipEntityRefs];
    return refs.some(ref => this.allowed.has(ref.toLocaleLowerCase('en-US')))
      ? { result: AuthorizeResult.ALLOW }
      : { result: AuthorizeResult.DENY };
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
        const allowed = new Set(
          (config.getOptionalStringArray('layering.directApply.allowed') ?? []).map(
            ref => ref.toLocaleLowerCase('en-US'),
          ),
        );
        policy.setPolicy(new LayeringPortalPolicy(allowed, userInfo));
      },
    });
  },
});
