import { PolicyRule, authorize, rulesFor } from '../rbac/RbacAuthorizer';
import type { RequestAttributes } from '../rbac/requestInfo';
import type { ObjectStore } from '../store/types';
import { badRequest } from './status';
import type { Caller } from './auth';

/** Path of the SelfSubjectAccessReview endpoint (`kubectl auth can-i` posts here). */
export const SELF_SUBJECT_ACCESS_REVIEWS =
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** Path of the SelfSubjectRulesReview endpoint (`kubectl auth can-i --list` posts here). */
export const SELF_SUBJECT_RULES_REVIEWS =
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';

type Obj = Record<string, unknown>;

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Answer a SelfSubjectAccessReview: may the caller do what `spec.resourceAttributes` or
 * `spec.nonResourceAttributes` describe? Service accounts are decided by RBAC, the admin token
 * may do anything and the read-only token may get, list and watch.
 */
export function selfSubjectAccessReview(
  store: ObjectStore,
  caller: Caller,
  body: unknown,
): Obj {
  const review = (body ?? {}) as Obj;
  const spec = (review.spec ?? {}) as Obj;
  const resource = spec.resourceAttributes as Obj | undefined;
  const nonResource = spec.nonResourceAttributes as Obj | undefined;
  if (!resource === !nonResource) {
    throw badRequest(
      'SelfSubjectAccessReview: exactly one of spec.resourceAttributes and spec.nonResourceAttributes is required',
    );
  }
  const attrs: RequestAttributes = resource
    ? {
        verb: str(resource.verb),
        isResourceRequest: true,
        path: '',
        apiGroup: str(resource.group),
        apiVersion: str(resource.version),
        namespace: str(resource.namespace),
        resource: str(resource.resource),
        subresource: str(resource.subresource),
        name: str(resource.name),
      }
    : {
        verb: str(nonResource!.verb),
        isResourceRequest: false,
        path: str(nonResource!.path),
        apiGroup: '',
        apiVersion: '',
        namespace: '',
        resource: '',
        subresource: '',
        name: '',
      };
  let allowed: boolean;
  let reason = '';
  if (caller.role === 'admin') {
    allowed = true;
    reason = 'the embedded cluster admin token may do anything';
  } else if (caller.role === 'readOnly') {
    allowed = ['get', 'list', 'watch'].includes(attrs.verb);
  } else {
    const decision = authorize(store, caller.user!, attrs);
    allowed = decision.allowed;
    reason = decision.reason;
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed, ...(reason ? { reason } : {}) },
  };
}

/**
 * Answer a SelfSubjectRulesReview: the rules that apply to the caller in `spec.namespace`,
 * split into resource and non-resource rules.
 */
export function selfSubjectRulesReview(
  store: ObjectStore,
  caller: Caller,
  body: unknown,
): Obj {
  const review = (body ?? {}) as Obj;
  const spec = (review.spec ?? {}) as Obj;
  let rules: PolicyRule[];
  if (caller.role === 'admin') {
    rules = [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ];
  } else if (caller.role === 'readOnly') {
    rules = [
      { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['get'], nonResourceURLs: ['*'] },
    ];
  } else {
    rules = rulesFor(store, caller.user!, str(spec.namespace));
  }
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: {
      resourceRules: rules
        .filter(r => (r.resources ?? []).length > 0)
        .map(r => ({
          verbs: r.verbs,
          apiGroups: r.apiGroups ?? [],
          resources: r.resources,
          ...(r.resourceNames?.length
            ? { resourceNames: r.resourceNames }
            : {}),
        })),
      nonResourceRules: rules
        .filter(r => (r.nonResourceURLs ?? []).length > 0)
        .map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
      incomplete: false,
    },
  };
}
