import { createHash } from 'node:crypto';
import type { CrdVersion, JSONSchemaProps } from '../schema/crds';
import { groupVersion } from '../store/resources';
import type { ServedResource } from './discovery';

type Obj = Record<string, unknown>;

/** Dotted, reversed-domain schema name, as the real API server names definitions. */
export function definitionName(group: string, version: string, kind: string): string {
  if (group === '') return `io.k8s.api.core.v1.${kind}`;
  const [first] = group.split('.');
  const rest = group.endsWith('.openshift.io') ? first : group;
  return `com.github.openshift.api.${rest}.${version}.${kind}`;
}

function path(info: ServedResource, namespaced: boolean): string {
  const gv = info.info.group ? `/apis/${info.info.group}/${info.version}` : '/api/v1';
  return namespaced ? `${gv}/namespaces/{namespace}/${info.info.resource}` : `${gv}/${info.info.resource}`;
}

const queryParam = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  queryParam('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'How the server handles unknown or duplicate fields: Ignore, Warn or Strict.'),
];

function schemaFor(served: ServedResource, crd: CrdVersion | undefined): JSONSchemaProps {
  const { info, version } = served;
  const gvk = [{ group: info.group, version, kind: info.kind }];
  if (crd) {
    return { ...crd.schema, 'x-kubernetes-group-version-kind': gvk };
  }
  return {
    type: 'object',
    description: `${info.kind} (schema not published by the embedded cluster: built-in validation only)`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': gvk,
  };
}

/** OpenAPI v3 document of one group version, built from the CRD schemas. */
export function openapiV3GroupVersion(
  served: ServedResource[],
  group: string,
  version: string,
  crdFor: (s: ServedResource) => CrdVersion | undefined,
): Obj | undefined {
  const resources = served.filter(s => s.info.group === group && s.version === version);
  if (resources.length === 0) return undefined;
  const schemas: Obj = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
      type: 'object',
      properties: {
        code: { type: 'integer' },
        message: { type: 'string' },
        reason: { type: 'string' },
        status: { type: 'string' },
      },
    },
  };
  const paths: Obj = {};
  for (const s of resources) {
    const { info } = s;
    const def = definitionName(group, version, info.kind);
    schemas[def] = schemaFor(s, crdFor(s));
    const gvk = { group, version, kind: info.kind };
    const ref = { $ref: `#/components/schemas/${def}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const patchTypes = [
      'application/json-patch+json',
      'application/merge-patch+json',
      ...(group === '' ? ['application/strategic-merge-patch+json'] : []),
      'application/apply-patch+yaml',
    ];
    const op = (action: string, extra: Obj = {}) => ({
      operationId: `${action}${info.kind}`,
      parameters: action === 'get' || action === 'list' ? [] : WRITE_PARAMS,
      responses: ok,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const write = info.readOnly ? {} : undefined;
    const item = {
      get: op('get'),
      ...(write ?? {
        put: op('put', { requestBody: { content: { 'application/json': { schema: ref } } } }),
        patch: op('patch', {
          parameters: [...WRITE_PARAMS, queryParam('force', 'Force is going to "force" Apply requests.')],
          requestBody: { content: Object.fromEntries(patchTypes.map(t => [t, { schema: { type: 'object' } }])) },
        }),
        delete: op('delete'),
      }),
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
        ...(info.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : []),
      ],
    };
    const collection = {
      get: op('list'),
      ...(write ?? { post: op('post', { requestBody: { content: { 'application/json': { schema: ref } } } }) }),
    };
    const base = path(s, info.namespaced);
    paths[base] = collection;
    paths[`${base}/{name}`] = item;
    if (info.statusSubresource) {
      paths[`${base}/{name}/status`] = item;
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3` root: the group versions and where their documents are. */
export function openapiV3Root(served: ServedResource[], docHash: (group: string, version: string) => string): Obj {
  const paths: Obj = {};
  const seen = new Set<string>();
  for (const s of served) {
    const gv = groupVersion(s.info.group, s.version);
    if (seen.has(gv)) continue;
    seen.add(gv);
    const p = s.info.group ? `apis/${s.info.group}/${s.version}` : 'api/v1';
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${docHash(s.info.group, s.version)}` };
  }
  return { paths };
}

/** Stable hash of a document (the `hash` query of the root's URLs). */
export function hashDocument(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
}
