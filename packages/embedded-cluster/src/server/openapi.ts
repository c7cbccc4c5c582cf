import { createHash } from 'node:crypto';
import type { CrdVersion, JSONSchemaProps } from '../schema/crds';
import { groupVersion } from '../store/resources';
import type { ServedResource } from './discovery';

type Obj = Record<string, unknown>;

/** Dotted, reversed-domain schema name, as the real API server names definitions. */
export function definitionName(
  group: string,
  version: string,
  kind: string,
): string {
  if (group === '') return `io.k8s.api.core.v1.${kind}`;
  const [first] = group.split('.');
  const rest = group.endsWith('.openshift.io') ? first : group;
  return `com.github.openshift.api.${rest}.${version}.${kind}`;
}

function path(info: ServedResource, namespaced: boolean): string {
  const gv = info.info.group
    ? `/apis/${info.info.group}/${info.version}`
    : '/api/v1';
  return namespaced
    ? `${gv}/namespaces/{namespace}/${info.info.resource}`
    : `${gv}/${info.info.resource}`;
}

const queryParam = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  queryParam(
    'dryRun',
    'When present, indicates that modifications should not be persisted. Valid value: All.',
  ),
  queryParam(
    'fieldManager',
    'A name associated with the actor or entity that is making these changes.',
  ),
  queryParam(
    'fieldValidation',
    'How the server handles unknown or duplicate fields: Ignore, Warn or Strict.',
  ),
];

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const metaRef = {
  allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }],
  default: {},
};
const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
};
const preserve = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

/** The parts of ObjectMeta clients read from the schema (kubectl computes patches with it). */
const OBJECT_META_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: {
      type: 'array',
      items: { type: 'string', default: '' },
      'x-kubernetes-list-type': 'set',
      'x-kubernetes-patch-strategy': 'merge',
    },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-merge-key': 'uid',
      'x-kubernetes-patch-strategy': 'merge',
    },
    managedFields: { type: 'array', items: preserve },
  },
};

const conditions = {
  type: 'array',
  items: preserve,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  'x-kubernetes-patch-merge-key': 'type',
  'x-kubernetes-patch-strategy': 'merge',
};

/** Outline schemas of the core kinds: the fields kubectl patches, the rest preserved. */
const CORE_SCHEMAS: Record<string, Record<string, unknown>> = {
  Namespace: {
    spec: {
      type: 'object',
      properties: { finalizers: { type: 'array', items: { type: 'string' } } },
    },
    status: {
      type: 'object',
      properties: { phase: { type: 'string' }, conditions },
    },
  },
  Node: {
    spec: {
      type: 'object',
      properties: {
        unschedulable: { type: 'boolean' },
        podCIDR: { type: 'string' },
        providerID: { type: 'string' },
        taints: {
          type: 'array',
          items: preserve,
          'x-kubernetes-list-type': 'atomic',
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions,
        addresses: { ...conditions },
        nodeInfo: { type: 'object', additionalProperties: { type: 'string' } },
        capacity: stringMap,
        allocatable: stringMap,
        images: { type: 'array', items: preserve },
      },
      'x-kubernetes-preserve-unknown-fields': true,
    },
  },
  ConfigMap: {
    data: stringMap,
    binaryData: stringMap,
    immutable: { type: 'boolean' },
  },
  Secret: {
    data: stringMap,
    stringData: stringMap,
    type: { type: 'string' },
    immutable: { type: 'boolean' },
  },
  Pod: { spec: preserve, status: preserve },
};

function schemaFor(
  served: ServedResource,
  crd: CrdVersion | undefined,
): JSONSchemaProps {
  const { info, version } = served;
  const gvk = [{ group: info.group, version, kind: info.kind }];
  if (crd) {
    return {
      ...crd.schema,
      properties: { ...crd.schema.properties, metadata: metaRef },
      'x-kubernetes-group-version-kind': gvk,
    };
  }
  return {
    type: 'object',
    description: `${info.kind}: outline schema (the embedded cluster validates core kinds with built-in checks)`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: metaRef,
      ...(CORE_SCHEMAS[info.kind] ?? {}),
    },
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
  const resources = served.filter(
    s => s.info.group === group && s.version === version,
  );
  if (resources.length === 0) return undefined;
  const schemas: Obj = {
    [OBJECT_META]: OBJECT_META_SCHEMA,
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
    const ok = {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: ref } },
      },
    };
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
        put: op('put', {
          requestBody: { content: { 'application/json': { schema: ref } } },
        }),
        patch: op('patch', {
          parameters: [
            ...WRITE_PARAMS,
            queryParam('force', 'Force is going to "force" Apply requests.'),
          ],
          requestBody: {
            content: Object.fromEntries(
              patchTypes.map(t => [t, { schema: { type: 'object' } }]),
            ),
          },
        }),
        delete: op('delete'),
      }),
      parameters: [
        {
          name: 'name',
          in: 'path',
          required: true,
          schema: { type: 'string' },
        },
        ...(info.namespaced
          ? [
              {
                name: 'namespace',
                in: 'path',
                required: true,
                schema: { type: 'string' },
              },
            ]
          : []),
      ],
    };
    const collection = {
      get: op('list'),
      ...(write ?? {
        post: op('post', {
          requestBody: { content: { 'application/json': { schema: ref } } },
        }),
      }),
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
export function openapiV3Root(
  served: ServedResource[],
  docHash: (group: string, version: string) => string,
): Obj {
  const paths: Obj = {};
  const seen = new Set<string>();
  for (const s of served) {
    const gv = groupVersion(s.info.group, s.version);
    if (seen.has(gv)) continue;
    seen.add(gv);
    const p = s.info.group ? `apis/${s.info.group}/${s.version}` : 'api/v1';
    paths[p] = {
      serverRelativeURL: `/openapi/v3/${p}?hash=${docHash(
        s.info.group,
        s.version,
      )}`,
    };
  }
  return { paths };
}

/** Stable hash of a document (the `hash` query of the root's URLs). */
export function hashDocument(doc: unknown): string {
  return createHash('sha512')
    .update(JSON.stringify(doc))
    .digest('hex')
    .slice(0, 128)
    .toUpperCase();
}
