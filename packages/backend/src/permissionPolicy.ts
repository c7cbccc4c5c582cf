import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createScaffolderTemplateConditionalDecision,
  scaffolderTemplateConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { layeringClusterApplyPermission } from '@rhcos-layering/plugin-layering-common';

/** Tag the layering templates put on the form page and steps of direct delivery. */
export const DIRECT_APPLY_TEMPLATE_TAG = 'layering-direct-apply';

/**
 * The portal's policy: everything a signed-in user can read stays open, and writing to a
 * cluster directly (bypassing pull-request review) is allowed only to the users and groups
 * listed in `layering.directApply.allowed`. For everyone else the templates' direct-apply page
 * is hidden (the actions refuse a forged direct request on their own).
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
    const { permission } = request;
    const hidesDirectApply =
      isPermission(permission, templateParameterReadPermission) ||
      isPermission(permission, templateStepReadPermission);
    if (
      !hidesDirectApply &&
      permission.name !== layeringClusterApplyPermission.name
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (await this.mayApplyDirectly(user)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (hidesDirectApply) {
      return createScaffolderTemplateConditionalDecision(
        permission as typeof templateParameterReadPermission,
        {
          not: scaffolderTemplateConditions.hasTag({
            tag: DIRECT_APPLY_TEMPLATE_TAG,
          }),
        },
      );
    }
    return { result: AuthorizeResult.DENY };
  }

  private async mayApplyDirectly(user?: PolicyQueryUser): Promise<boolean> {
    if (!user) return false;
    const info = await this.userInfo.getUserInfo(user.credentials);
    const refs = [info.userEntityRef, ...info.ownershipEntityRefs];
    return refs.some(ref => this.allowed.has(ref.toLocaleLowerCase('en-US')));
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
          (
            config.getOptionalStringArray('layering.directApply.allowed') ?? []
          ).map(ref => ref.toLocaleLowerCase('en-US')),
        );
        policy.setPolicy(new LayeringPortalPolicy(allowed, userInfo));
      },
    });
  },
});
