import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../server/auth';
import { ApiError } from '../server/status';
import { sendJson } from '../server/httpIo';
import type { EmbeddedOAuthServer } from './OAuthServer';

const OWN_USER = '/apis/user.openshift.io/v1/users/~';
const TOKENS = '/apis/oauth.openshift.io/v1/oauthaccesstokens/';

/** The name a caller's audit and RBAC identity carries, for the fixed test tokens too. */
function username(caller: Caller): string {
  if (caller.user) return caller.user.username;
  return caller.role === 'admin' ? 'system:admin' : 'embedded:read-only';
}

/**
 * The two OpenShift user APIs an OAuth client uses: `GET users/~` (who am I; every authenticated
 * caller may, as OpenShift's `basic-user` role allows) and `DELETE oauthaccesstokens/<name>` (a
 * person logs out by deleting their own token). True when the request was one of them.
 */
export function handleOpenShiftUser(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  caller: Caller,
  oauth: EmbeddedOAuthServer | undefined,
): boolean {
  const method = req.method ?? 'GET';
  if (path === OWN_USER && method === 'GET') {
    const scopes = caller.scopes;
    if (caller.role === 'user' && !scopes?.some(s => s === 'user:full' || s === 'user:info')) {
      throw new ApiError(
        403,
        'Forbidden',
        `users.user.openshift.io "~" is forbidden: scopes [${(scopes ?? []).join(' ')}] prevent this action`,
      );
    }
    const name = username(caller);
    sendJson(res, 200, {
      kind: 'User',
      apiVersion: 'user.openshift.io/v1',
      metadata: { name },
      identities: caller.role === 'user' ? [`embedded_htpasswd:${name}`] : [],
      groups: caller.user?.groups ?? [],
    });
    return true;
  }
  if (oauth && path.startsWith(TOKENS) && method === 'DELETE') {
    const name = decodeURIComponent(path.slice(TOKENS.length));
    if (caller.role !== 'user' || !oauth.revoke(name, username(caller))) {
      throw new ApiError(
        404,
        'NotFound',
        `oauthaccesstokens.oauth.openshift.io "${name}" not found`,
        { name, group: 'oauth.openshift.io', kind: 'oauthaccesstokens' },
      );
    }
    sendJson(res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: 'oauth.openshift.io', kind: 'oauthaccesstokens' },
    });
    return true;
  }
  return false;
}
