import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
  type BasicPermission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/** A permission a route requires: a basic one, or a resource one on a given resource. */
export type RequiredPermission =
  | BasicPermission
  | { permission: ResourcePermission; resourceRef: string };

function toRequest(required: RequiredPermission): AuthorizePermissionRequest {
  return 'permission' in required
    ? { permission: required.permission, resourceRef: required.resourceRef }
    : { permission: required };
}

function nameOf(required: RequiredPermission): string {
  return 'permission' in required ? required.permission.name : required.name;
}

/**
 * Authenticates the caller (user or service) and checks that every given
 * permission is allowed (resource permissions on the given resource); throws
 * `NotAllowedError` (403) otherwise.
 *
 * @returns the caller's credentials
 */
export async function requirePermission(
  options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    request: Request;
  },
  ...required: RequiredPermission[]
): Promise<BackstageCredentials> {
  const credentials = await options.httpAuth.credentials(options.request, {
    allow: ['user', 'service'],
  });
  const decisions = await options.permissions.authorize(required.map(toRequest), {
    credentials,
  });
  const denied = decisions.findIndex(d => d.result !== AuthorizeResult.ALLOW);
  if (denied >= 0) {
    throw new NotAllowedError(`Not allowed: ${nameOf(required[denied])}`);
  }
  return credentials;
}

/**
 * The policy's decision on a resource permission for every resource at once (for list routes):
 * ALLOW, DENY, or CONDITIONAL with the conditions the listed resources must meet.
 */
export async function conditionalDecision(
  options: { permissions: PermissionsService; credentials: BackstageCredentials },
  permission: ResourcePermission,
): Promise<PolicyDecision> {
  const [decision] = await options.permissions.authorizeConditional([{ permission }], {
    credentials: options.credentials,
  });
  return decision;
}
