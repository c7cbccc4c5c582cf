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

/** One version of a group and the resources it serves. */
interface ServedVersion {
  version: string;
  resources: ServedResource[];
}

/** A group with its versions, the preferred one first. */
interface ServedGroup {
  group: string;
  versions: ServedVersion[];
}

/**
 * Rank of a Kubernetes API version for ordering: GA before beta before alpha, higher numbers
 * first within each; versions not of the `v<N>[alpha|beta<M>]` form last.
 */
function versionRank(version: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return [3, 0, 0];
  const stability = ['', 'beta', 'alpha'].indexOf(m[2] ?? '');
  return [stability, -Number(m[1]), -Number(m[3] ?? 0)];
}

/**
 * Order API versions as the API server does (the preferred version first): `v1`, `v2beta1`,
 * `v1beta1`, `v1alpha1`, then other strings by name.
 */
export function compareApiVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  for (let i = 0; i < 3; i++) {
    if (ra[i] !== rb[i]) return ra[i] - rb[i];
  }
  return a.localeCompare(b);
}

/**
 * The served groups (core group `''` included), each listed once with all its versions: a
 * group may serve some kinds at one version and others at another (on 4.17,
 * machineconfiguration.openshift.io serves MachineConfig at v1 and MachineOSConfig at v1alpha1).
 */
function groupsOf(served: ServedResource[]): ServedGroup[] {
  const groups = new Map<string, Map<string, ServedResource[]>>();
  for (const s of served) {
    let versions = groups.get(s.info.group);
    if (!versions) {
      versions = new Map();
      groups.set(s.info.group, versions);
    }
    let resources = versions.get(s.version);
    if (!resources) {
      resources = [];
      versions.set(s.version, resources);
    }
    resources.push(s);
  }
  return [...groups].map(([group, versions]) => ({
    group,
    versions: [...versions.keys()]
      .sort(compareApiVersions)
      .map(version => ({ version, resources: versions.get(version)! })),
  }));
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

function apiGroup(group: ServedGroup): Obj {
  const versions = group.versions.map(({ version }) => ({
    groupVersion: groupVersion(group.group, version),
    version,
  }));
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group.group,
    versions,
    preferredVersion: versions[0],
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
        const { kind: _k, apiVersion: _a, ...rest } = apiGroup(g);
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
  return g ? apiGroup(g) : undefined;
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
        versions: g.versions.map(v => ({
          version: v.version,
          freshness: 'Current',
          resources: v.resources.map(({ info }) => ({
            resource: info.resource,
            responseKind: {
              group: info.group,
              version: v.version,
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
                        version: v.version,
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
        })),
      })),
  };
}
