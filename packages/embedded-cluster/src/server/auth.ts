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

/** An authenticated caller: its role and, for service accounts, the user RBAC decides on. */
export interface Caller {
  role: Role;
  user?: UserInfo;
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
): Caller | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const given = m[1];
  if (sameToken(given, tokens.admin)) return { role: 'admin' };
  if (sameToken(given, tokens.readOnly)) return { role: 'readOnly' };
  const account = serviceAccounts.find(sa => sameToken(given, sa.token));
  if (!account) return undefined;
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
  if (caller.role !== 'serviceAccount' || !caller.user) return;
  const attrs = requestAttributes(method, path, query);
  const decision = authorize(store, caller.user, attrs);
  if (!decision.allowed) throw forbidden(caller.user, attrs, decision.reason);
}
