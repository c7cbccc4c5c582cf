/**
 * What a request asks to do, in the terms RBAC decides on: the attributes kube-apiserver's
 * request-info resolver derives from the method, path and query.
 *
 * @public
 */
export interface RequestAttributes {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection` (resources) or the lower-cased method (paths). */
  verb: string;
  /** Whether the path addresses an API resource (else RBAC matches it by `nonResourceURLs`). */
  isResourceRequest: boolean;
  /** The request path (non-resource requests). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  /** `''` for cluster-scoped requests. */
  namespace: string;
  resource: string;
  subresource: string;
  /** `''` for collections (also set from a `metadata.name=` field selector of a list or watch). */
  name: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const VALID_NAME = /^[^/%]+$/;

const METHOD_VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The single name an exact `metadata.name=` (or `==`) term of a field selector asks for. */
function exactName(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && !term.includes('!=')) return m[1];
  }
  return undefined;
}

/**
 * Derive the request attributes: `/api/v1/...` and `/apis/<group>/<version>/...` with at least a
 * resource are resource requests, everything else (discovery, `/version`, `/openapi/v3`) is a
 * path. A GET without a name is a `list` (`watch` with `watch=true`), a DELETE without a name a
 * `deletecollection`; a namespace is its own namespace (`GET /api/v1/namespaces/x` is in `x`).
 *
 * @public
 */
export function requestAttributes(
  method: string,
  path: string,
  query: URLSearchParams,
): RequestAttributes {
  const attrs: RequestAttributes = {
    verb: method.toLowerCase(),
    isResourceRequest: false,
    path,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  let parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) {
    return attrs;
  }
  const prefix = parts[0];
  parts = parts.slice(1);
  if (prefix === 'apis') {
    if (parts.length < 3) return attrs;
    attrs.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  attrs.isResourceRequest = true;
  attrs.apiVersion = parts[0];
  parts = parts.slice(1);
  attrs.verb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (parts[0] === 'namespaces' && parts.length > 1) {
    attrs.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) {
      parts = parts.slice(2);
    }
  }
  attrs.resource = parts[0] ?? '';
  attrs.name = parts[1] ?? '';
  attrs.subresource = parts[2] ?? '';
  if (!attrs.name && attrs.verb === 'get') {
    const watch = query.get('watch');
    attrs.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    const name = exactName(query.get('fieldSelector'));
    if (name && VALID_NAME.test(name) && name !== '.' && name !== '..') {
      attrs.name = name;
    }
  }
  if (!attrs.name && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}
