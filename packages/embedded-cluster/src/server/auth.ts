import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { ObjectStore } from '../store/types';
import {
  UserInfo,
  authorize,
  forbidden,
  serviceAccountUser,
} from '../rbac/RbacAuthorizer';
import { requestAttributes } from '../rbac/requestInfo';
import type { Role } from './context';
import type { OAuthIdentity } from '../oauth/OAuthServer';
import type { RequestAttributes } from '../rbac/requestInfo';
import { ApiError } from './status';

/**
 * A service account the API server accepts a bearer token for.
 *
 * @public
 */
export interface ServiceAccountToken {
  namespace: string;
  name: string;
  token: string;
}

/**
 * An authenticated caller: its role and, for service accounts and people, the user RBAC decides
 * on; for people also the scopes their OAuth token was granted.
 */
export interface Caller {
  role: Role;
  user?: UserInfo;
  scopes?: string[];
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Bearer-token authentication: the admin token, the read-only token, or a service account's
 * token. Every known token is compared (in constant time each), so timing does not reveal which
 * kind of token came close.
 */
export function authenticate(
  req: IncomingMessage,
  tokens: { admin: string; readOnly: string },
  serviceAccounts: readonly ServiceAccountToken[],
  people?: { identify(token: string): OAuthIdentity | undefined },
): Caller | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const given = m[1];
  if (sameToken(given, tokens.admin)) return { role: 'admin' };
  if (sameToken(given, tokens.readOnly)) return { role: 'readOnly' };
  const account = serviceAccounts.find(sa => sameToken(given, sa.token));
  if (!account) {
    const person = people?.identify(given);
    return person
      ? { role: 'user', user: person.user, scopes: person.scopes }
      : undefined;
  }
  return {
    role: 'serviceAccount',
    user: serviceAccountUser(account.namespace, account.name),
  };
}

/**
 * Authorize a service account's request against the cluster's RBAC objects; throw the
 * kube-apiserver 403 when no rule allows it. Admin and read-only callers are not subject to
 * RBAC (the read-only token keeps its own fixed rule).
 */
export function authorizeRequest(
  store: ObjectStore,
  caller: Caller,
  method: string,
  path: string,
  query: URLSearchParams,
): void {
  if (caller.role !== 'serviceAccount' && caller.role !== 'user') return;
  if (!caller.user) return;
  const attrs = requestAttributes(method, path, query);
  if (caller.role === 'user') checkScopes(caller, attrs);
  const decision = authorize(store, caller.user, attrs);
  if (!decision.allowed) throw forbidden(caller.user, attrs, decision.reason);
}

/**
 * What an OAuth token's scopes allow before RBAC is asked: `user:full` everything RBAC allows,
 * `user:info` reading the user's own name, `user:check-access` access reviews. OpenShift refuses
 * the rest with a 403 that names the scopes.
 */
function checkScopes(caller: Caller, attrs: RequestAttributes): void {
  const scopes = caller.scopes ?? [];
  if (scopes.includes('user:full')) return;
  const ownUser =
    attrs.apiGroup === 'user.openshift.io' &&
    attrs.resource === 'users' &&
    attrs.name === '~' &&
    attrs.verb === 'get';
  const review =
    attrs.apiGroup === 'authorization.k8s.io' &&
    attrs.verb === 'create' &&
    (attrs.resource === 'selfsubjectaccessreviews' ||
      attrs.resource === 'selfsubjectrulesreviews');
  if (
    (ownUser && scopes.includes('user:info')) ||
    (review && scopes.includes('user:check-access'))
  ) {
    return;
  }
  const what = attrs.isResourceRequest
    ? `${attrs.resource}${attrs.apiGroup ? `.${attrs.apiGroup}` : ''}`
    : attrs.path;
  throw new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${caller.user?.username}" cannot ${attrs.verb} ${what}: scopes [${scopes.join(' ')}] prevent this action`,
  );
}
