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
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { ConfigReader } from '@backstage/config';
import {
  layeringClusterApplyPermission,
  layeringPoolRequestPermission,
} from '@rhcos-layering/plugin-layering-common';
import { LayeringPortalPolicy, readLayeringPolicyOptions } from './permissionPolicy';

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
  const memberships = userInfo({
    'user:default/ada': ['group:default/platform-admins'],
    'user:default/bob': ['group:default/app-team'],
    'user:default/cat': ['group:default/catalog-admins'],
  });
  const policyWith = (layering: object) =>
    new LayeringPortalPolicy(
      readLayeringPolicyOptions(new ConfigReader({ layering })),
      memberships,
    );
  const policy = policyWith({
    directApply: { allowed: ['group:default/Platform-Admins'] },
  });
  const ada = {
    credentials: mockCredentials.user('user:default/ada'),
    info: { userEntityRef: 'user:default/ada', ownershipEntityRefs: [] },
  };
  const bob = {
    credentials: mockCredentials.user('user:default/bob'),
    info: { userEntityRef: 'user:default/bob', ownershipEntityRefs: [] },
  };
  const cat = {
    credentials: mockCredentials.user('user:default/cat'),
    info: {
      userEntityRef: 'user:default/cat',
      ownershipEntityRefs: ['group:default/catalog-admins'],
    },
  };

  it('allows direct apply to members of an allowed group only', async () => {
    const request = {
      permission: layeringClusterApplyPermission,
      resourceRef: 'resource:default/ocp-418-worker',
    };
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

  it('narrows direct apply to the configured clusters and owned pools with pool conditions', async () => {
    const narrow = policyWith({
      directApply: {
        allowed: ['group:default/platform-admins'],
        clusters: ['prod-east'],
        ownedPoolsOnly: true,
      },
    });
    const adaOwning = {
      ...ada,
      info: {
        userEntityRef: 'user:default/ada',
        ownershipEntityRefs: ['group:default/platform-admins'],
      },
    };
    const request = { permission: layeringClusterApplyPermission };
    expect(await narrow.handle(request, adaOwning)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'layering',
      resourceType: 'layering-pool',
      conditions: {
        allOf: [
          {
            rule: 'IS_IN_CLUSTER',
            resourceType: 'layering-pool',
            params: { clusters: ['prod-east'] },
          },
          {
            rule: 'IS_POOL_OWNER',
            resourceType: 'layering-pool',
            params: {
              claims: ['user:default/ada', 'group:default/platform-admins'],
            },
          },
        ],
      },
    });
    expect((await narrow.handle(request, bob)).result).toBe(AuthorizeResult.DENY);
  });

  it('denies the Kubernetes proxy to anyone not allowed direct apply', async () => {
    const request = { permission: kubernetesProxyPermission };
    expect((await policy.handle(request, ada)).result).toBe(AuthorizeResult.ALLOW);
    expect((await policy.handle(request, bob)).result).toBe(AuthorizeResult.DENY);
    expect((await policy.handle(request)).result).toBe(AuthorizeResult.DENY);
  });

  it('lets only admins register catalog locations (the direct-apply list by default)', async () => {
    const request = { permission: catalogLocationCreatePermission };
    expect((await policy.handle(request, ada)).result).toBe(AuthorizeResult.ALLOW);
    expect((await policy.handle(request, bob)).result).toBe(AuthorizeResult.DENY);
    const withAdmins = policyWith({
      directApply: { allowed: ['group:default/platform-admins'] },
      admins: ['group:default/catalog-admins'],
    });
    expect((await withAdmins.handle(request, cat)).result).toBe(AuthorizeResult.ALLOW);
    expect((await withAdmins.handle(request, ada)).result).toBe(AuthorizeResult.DENY);
  });

  it('lets signed-in users ask for changes by pull request', async () => {
    const request = {
      permission: layeringPoolRequestPermission,
      resourceRef: 'resource:default/ocp-418-worker',
    };
    expect((await policy.handle(request, bob)).result).toBe(AuthorizeResult.ALLOW);
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
