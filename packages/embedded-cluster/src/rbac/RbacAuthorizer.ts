import type { ObjectStore } from '../store/types';
import { RBAC_GROUP } from '../store/resources';
import { ApiError } from '../server/status';
import type { RequestAttributes } from './requestInfo';

/**
 * An authenticated caller as RBAC sees it.
 *
 * @public
 */
export interface UserInfo {
  /** e.g. `system:serviceaccount:rhcos-layering:layering-reader` */
  username: string;
  groups: string[];
}

/**
 * One rule of a Role or ClusterRole (`rbac.authorization.k8s.io/v1` PolicyRule).
 *
 * @public
 */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
  apiGroup?: string;
}

interface RoleRef {
  kind?: string;
  name?: string;
  apiGroup?: string;
}

/**
 * The outcome of an authorization: allowed, or denied with RBAC's reason (possibly empty).
 *
 * @public
 */
export interface Decision {
  allowed: boolean;
  reason: string;
}

const ALL = '*';

/**
 * What every authenticated caller may do on a fresh cluster without any RBAC object: the
 * bootstrap roles `system:discovery`, `system:public-info-viewer` and `system:basic-user`
 * bound to `system:authenticated`.
 */
const AUTHENTICATED_RULES: PolicyRule[] = [
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/openapi',
      '/openapi/*',
      '/readyz',
      '/version',
      '/version/',
    ],
  },
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
];

/**
 * The user name and groups a service account's token authenticates as.
 *
 * @public
 */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${namespace}`,
      'system:authenticated',
    ],
  };
}

function has(list: string[] | undefined, value: string): boolean {
  return !!list && (list.includes(ALL) || list.includes(value));
}

function resourceMatches(rule: PolicyRule, attrs: RequestAttributes): boolean {
  const combined = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  return (rule.resources ?? []).some(
    r =>
      r === ALL ||
      r === combined ||
      (!!attrs.subresource && r === `*/${attrs.subresource}`),
  );
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    u =>
      u === ALL ||
      u === path ||
      (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/**
 * Whether one policy rule allows a request, with the Kubernetes matching rules: `*` wildcards
 * for verbs, groups, resources and paths, `<resource>/<subresource>` and `*\/<subresource>`,
 * `resourceNames` only for requests that name an object, `nonResourceURLs` with a trailing `*`.
 *
 * @public
 */
export function ruleAllows(
  rule: PolicyRule,
  attrs: RequestAttributes,
): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.isResourceRequest) return nonResourceMatches(rule, attrs.path);
  if (!rule.resources || rule.resources.length === 0) return false;
  if (!has(rule.apiGroups, attrs.apiGroup)) return false;
  if (!resourceMatches(rule, attrs)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attrs.name);
}

function subjectMatches(
  subject: Subject,
  user: UserInfo,
  bindingNamespace: string,
): boolean {
  switch (subject.kind) {
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return (
        !!ns && user.username === `system:serviceaccount:${ns}:${subject.name}`
      );
    }
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return !!subject.name && user.groups.includes(subject.name);
    default:
      return false;
  }
}

function rulesOf(store: ObjectStore, ref: RoleRef, namespace: string) {
  if (ref.kind === 'ClusterRole') {
    const role = store.peek('clusterroles', ref.name ?? '');
    if (role) return (role.rules as PolicyRule[] | undefined) ?? [];
    return `clusterrole.${RBAC_GROUP} "${ref.name}" not found`;
  }
  if (ref.kind === 'Role' && namespace) {
    const role = store.peek('roles', ref.name ?? '', namespace);
    if (role) return (role.rules as PolicyRule[] | undefined) ?? [];
    return `role.${RBAC_GROUP} "${ref.name}" not found`;
  }
  return `unknown roleRef kind ${JSON.stringify(ref.kind)}`;
}

/**
 * Decide a request as the RBAC authorizer does: the rules of every ClusterRoleBinding whose
 * subjects include the caller, then (for requests in a namespace) those of the RoleBindings of
 * that namespace, then the bootstrap rules of `system:authenticated`. Nothing is denied
 * explicitly: a request no rule allows is forbidden, with the bindings whose role is missing as
 * the reason.
 *
 * @public
 */
export function authorize(
  store: ObjectStore,
  user: UserInfo,
  attrs: RequestAttributes,
): Decision {
  const errors: string[] = [];
  const visit = (ref: RoleRef, namespace: string): boolean => {
    const rules = rulesOf(store, ref, namespace);
    if (typeof rules === 'string') {
      errors.push(rules);
      return false;
    }
    return rules.some(rule => ruleAllows(rule, attrs));
  };
  if (
    user.groups.includes('system:authenticated') &&
    AUTHENTICATED_RULES.some(rule => ruleAllows(rule, attrs))
  ) {
    return { allowed: true, reason: '' };
  }
  for (const binding of store.peekList('clusterrolebindings')) {
    const subjects = (binding.subjects as Subject[] | undefined) ?? [];
    if (!subjects.some(s => subjectMatches(s, user, ''))) continue;
    const ref = (binding.roleRef as RoleRef | undefined) ?? {};
    if (ref.kind !== 'ClusterRole') continue;
    if (visit(ref, '')) return { allowed: true, reason: '' };
  }
  if (attrs.namespace) {
    for (const binding of store.peekList('rolebindings', attrs.namespace)) {
      const subjects = (binding.subjects as Subject[] | undefined) ?? [];
      if (!subjects.some(s => subjectMatches(s, user, attrs.namespace)))
        continue;
      const ref = (binding.roleRef as RoleRef | undefined) ?? {};
      if (visit(ref, attrs.namespace)) return { allowed: true, reason: '' };
    }
  }
  return {
    allowed: false,
    reason: errors.length > 0 ? `RBAC: ${errors.join(', ')}` : '',
  };
}

/**
 * Every rule that applies to a user in a namespace (`''`: cluster scope only): the bootstrap
 * rules of `system:authenticated`, those of its ClusterRoleBindings and those of the
 * RoleBindings of the namespace, as a SelfSubjectRulesReview lists them.
 *
 * @public
 */
export function rulesFor(
  store: ObjectStore,
  user: UserInfo,
  namespace: string,
): PolicyRule[] {
  const rules: PolicyRule[] = user.groups.includes('system:authenticated')
    ? [...AUTHENTICATED_RULES]
    : [];
  const add = (ref: RoleRef, ns: string) => {
    const found = rulesOf(store, ref, ns);
    if (typeof found !== 'string') rules.push(...found);
  };
  for (const binding of store.peekList('clusterrolebindings')) {
    const subjects = (binding.subjects as Subject[] | undefined) ?? [];
    const ref = (binding.roleRef as RoleRef | undefined) ?? {};
    if (
      ref.kind === 'ClusterRole' &&
      subjects.some(s => subjectMatches(s, user, ''))
    )
      add(ref, '');
  }
  if (namespace) {
    for (const binding of store.peekList('rolebindings', namespace)) {
      const subjects = (binding.subjects as Subject[] | undefined) ?? [];
      if (subjects.some(s => subjectMatches(s, user, namespace)))
        add((binding.roleRef as RoleRef | undefined) ?? {}, namespace);
    }
  }
  return rules;
}

/**
 * The 403 kube-apiserver answers a denied request with, in its words:
 * `<resource>.<group> "<name>" is forbidden: User "<user>" cannot <verb> resource "<resource>" in API group "<group>" in the namespace "<ns>"`
 * (or `at the cluster scope`; the resource may carry its subresource), and
 * `forbidden: User "<user>" cannot <verb> path "<path>"` for paths.
 *
 * @public
 */
export function forbidden(
  user: UserInfo,
  attrs: RequestAttributes,
  reason = '',
): ApiError {
  let message: string;
  if (!attrs.isResourceRequest) {
    message = `User ${JSON.stringify(user.username)} cannot ${
      attrs.verb
    } path ${JSON.stringify(attrs.path)}`;
  } else {
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    const scope = attrs.namespace
      ? `in the namespace ${JSON.stringify(attrs.namespace)}`
      : 'at the cluster scope';
    message = `User ${JSON.stringify(user.username)} cannot ${
      attrs.verb
    } resource ${JSON.stringify(resource)} in API group ${JSON.stringify(
      attrs.apiGroup,
    )} ${scope}`;
  }
  if (reason) message = `${message}: ${reason}`;
  let qualified = '';
  if (attrs.isResourceRequest) {
    qualified = attrs.apiGroup
      ? `${attrs.resource}.${attrs.apiGroup}`
      : attrs.resource;
  }
  let full: string;
  if (!qualified) full = `forbidden: ${message}`;
  else if (!attrs.name) full = `${qualified} is forbidden: ${message}`;
  else
    full = `${qualified} ${JSON.stringify(
      attrs.name,
    )} is forbidden: ${message}`;
  return new ApiError(403, 'Forbidden', full, {
    name: attrs.name || undefined,
    group: attrs.apiGroup || undefined,
    kind: attrs.resource || undefined,
  });
}
