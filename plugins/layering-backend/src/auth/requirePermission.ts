import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/**
 * Authenticates the caller (user or service) and checks that every given
 * permission is allowed; throws `NotAllowedError` (403) otherwise.
 *
 * @returns the caller's credentials
 */
export async function requirePermission(
  options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    request: Request;
  },
  ...required: BasicPermission[]
): Promise<BackstageCredentials> {
  const credentials = await options.httpAuth.credentials(options.request, {
    allow: ['user', 'service'],
  });
  const decisions = await options.permissions.authorize(
    required.map(permission => ({ permission })),
    { credentials },
  );
  const denied = decisions.findIndex(d => d.result !== AuthorizeResult.ALLOW);
  if (denied >= 0) {
    throw new NotAllowedError(`Not allowed: ${required[denied].name}`);
  }
  return credentials;
}
