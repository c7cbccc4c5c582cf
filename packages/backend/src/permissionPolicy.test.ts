import { mockCredentials } from '@backstage/backend-test-utils';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { layeringClusterApplyPermission } from '@rhcos-layering/plugin-layering-common';
import { LayeringPortalPolicy } from './permissionPolicy';

function userInfo(memberships: Record<string, string[]>): UserInfoService {
  return {
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: memberships[ref] ?? [],
      };
    },
  };
}

describe('LayeringPortalPolicy', () => {
  const policy = new LayeringPortalPolicy(
    new Set(['group:default/platform-admins']),
    userInfo({
      'user:default/ada': ['group:default/platform-admins'],
      'user:default/bob': ['group:default/app-team'],
    }),
  );
  const ada = {
    credentials: mockCredentials.user('user:default/ada'),
    info: { userEntityRef: 'user:default/ada', ownershipEntityRefs: [] },
  };
  const bob = {
    credentials: mockCredentials.user('user:default/bob'),
    info: { userEntityRef: 'user:default/bob', ownershipEntityRefs: [] },
  };

  it('allows direct apply to members of an allowed group only', async () => {
    const request = { permission: layeringClusterApplyPermission };
    expect((await policy.handle(request, ada)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await policy.handle(request, bob)).result).toBe(
      AuthorizeResult.DENY,
    );
    expect((await policy.handle(request)).result).toBe(AuthorizeResult.DENY);
  });

  it('hides the direct-apply page and steps of templates from everyone else', async () => {
    for (const permission of [
      templateParameterReadPermission,
      templateStepReadPermission,
    ]) {
      expect((await policy.handle({ permission }, ada)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      const decision = await policy.handle({ permission }, bob);
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-template',
        conditions: {
          not: {
            rule: 'HAS_TAG',
            resourceType: 'scaffolder-template',
            params: { tag: 'layering-direct-apply' },
          },
        },
      });
    }
  });

  it('leaves every other permission open', async () => {
    const read = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect((await policy.handle({ permission: read }, bob)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
