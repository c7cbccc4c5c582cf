import { RESOURCES, ResourceInfo, groupVersion } from '../store/resources';

type Obj = Record<string, unknown>;

/** What a cluster serves: one version per resource. */
export interface ServedResource {
  info: ResourceInfo;
  version: string;
}

const WRITE_VERBS = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const READ_VERBS = ['get', 'list', 'watch'];

/** Resources served at their served version. */
export function servedResources(
  servedApiVersion: (r: ResourceInfo) => string,
): ServedResource[] {
  return RESOURCES.map(info => {
    const gv = servedApiVersion(info);
    return { info, version: gv.includes('/') ? gv.split('/')[1] : gv };
  });
}

function groupsOf(
  served: ServedResource[],
): Array<{ group: string; version: string; resources: ServedResource[] }> {
  const map = new Map<
    string,
    { group: string; version: string; resources: ServedResource[] }
  >();
  for (const s of served) {
    const k = groupVersion(s.info.group, s.version);
    if (!map.has(k))
      map.set(k, { group: s.info.group, version: s.version, resources: [] });
    map.get(k)!.resources.push(s);
  }
  return [...map.values()];
}

/** `/api/v1` or `/apis/<group>/<version>` resource list. */
export function apiResourceList(
  served: ServedResource[],
  group: string,
  version: string,
): Obj | undefined {
  const resources = served.filter(
    s => s.info.group === group && s.version === version,
  );
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: resources.flatMap(({ info }) => [
      {
        name: info.resource,
        singularName: info.singular,
        namespaced: info.namespaced,
        kind: info.kind,
        verbs: info.readOnly ? READ_VERBS : WRITE_VERBS,
        ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
      },
      ...(info.statusSubresource
        ? [
            {
              name: `${info.resource}/status`,
              singularName: '',
              namespaced: info.namespaced,
              kind: info.kind,
              verbs: info.readOnly ? ['get'] : ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

/** `/api` */
export function apiVersions(serverAddress: string): Obj {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, version: string): Obj {
  const gv = { groupVersion: groupVersion(group, version), version };
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: [gv],
    preferredVersion: gv,
  };
}

/** `/apis` */
export function apiGroupList(served: ServedResource[]): Obj {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(served)
      .filter(g => g.group !== '')
      .map(g => {
        const {
          kind: _k,
          apiVersion: _a,
          ...rest
        } = apiGroup(g.group, g.version);
        return rest;
      }),
  };
}

/** `/apis/<group>` */
export function apiGroupDoc(
  served: ServedResource[],
  group: string,
): Obj | undefined {
  const g = groupsOf(served).find(x => x.group === group && group !== '');
  return g ? apiGroup(g.group, g.version) : undefined;
}

/** Content type of aggregated discovery (v2). */
export const AGGREGATED_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether a request asks for aggregated discovery (and which version of it). */
export function wantsAggregated(
  accept: string | undefined,
): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList')) continue;
    if (part.includes('v=v2beta1')) return 'v2beta1';
    if (part.includes('v=v2')) return 'v2';
  }
  return undefined;
}

/** Aggregated discovery document of `/api` (core) or `/apis` (groups). */
export function aggregatedDiscovery(
  served: ServedResource[],
  core: boolean,
  version: 'v2' | 'v2beta1',
): Obj {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groupsOf(served)
      .filter(g => (core ? g.group === '' : g.group !== ''))
      .map(g => ({
        metadata: { name: g.group, creationTimestamp: null },
        versions: [
          {
            version: g.version,
            freshness: 'Current',
            resources: g.resources.map(({ info }) => ({
              resource: info.resource,
              responseKind: {
                group: info.group,
                version: g.version,
                kind: info.kind,
              },
              scope: info.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: info.singular,
              verbs: info.readOnly ? READ_VERBS : WRITE_VERBS,
              ...(info.shortNames.length > 0
                ? { shortNames: info.shortNames }
                : {}),
              ...(info.statusSubresource
                ? {
                    subresources: [
                      {
                        subresource: 'status',
                        responseKind: {
                          group: info.group,
                          version: g.version,
                          kind: info.kind,
                        },
                        verbs: info.readOnly
                          ? ['get']
                          : ['get', 'patch', 'update'],
                      },
                    ],
                  }
                : {}),
            })),
          },
        ],
      })),
  };
}
