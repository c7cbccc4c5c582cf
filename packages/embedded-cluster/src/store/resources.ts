import type { ResourceName } from './types';

/**
 * Static description of a resource the embedded cluster serves.
 *
 * @public
 */
export interface ResourceInfo {
  /** Plural resource name, e.g. `machineconfigpools`. */
  resource: ResourceName;
  /** API group, `''` for the core group. */
  group: string;
  /** Versions the resource can be served at (only one is served by a given cluster). */
  versions: string[];
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Whether the resource has a `status` subresource. */
  statusSubresource: boolean;
  /** Whether API clients may only read it (the cluster's own controllers still write it). */
  readOnly: boolean;
  /** Whether the schema comes from a CRD (generation semantics, validation, printer columns). */
  crd: boolean;
}

/**
 * Group of the RBAC kinds (ClusterRole, ClusterRoleBinding, Role, RoleBinding).
 *
 * @public
 */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const core = (
  resource: ResourceName,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  statusSubresource: boolean,
  readOnly = false,
): ResourceInfo => ({
  resource,
  group: '',
  versions: ['v1'],
  kind,
  listKind: `${kind}List`,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  statusSubresource,
  readOnly,
  crd: false,
});

const rbac = (
  resource: ResourceName,
  kind: string,
  namespaced: boolean,
): ResourceInfo => ({
  resource,
  group: RBAC_GROUP,
  versions: ['v1'],
  kind,
  listKind: `${kind}List`,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames: [],
  statusSubresource: false,
  readOnly: false,
  crd: false,
});

const crd = (
  resource: ResourceName,
  group: string,
  versions: string[],
  kind: string,
  shortNames: string[],
): ResourceInfo => ({
  resource,
  group,
  versions,
  kind,
  listKind: `${kind}List`,
  singular: kind.toLowerCase(),
  namespaced: false,
  shortNames,
  statusSubresource: true,
  readOnly: false,
  crd: true,
});

/**
 * Group of the Machine Config Operator's kinds.
 *
 * @public
 */
export const MCO_GROUP = 'machineconfiguration.openshift.io';

/**
 * Every resource the embedded cluster serves, in discovery order.
 *
 * @public
 */
export const RESOURCES: readonly ResourceInfo[] = [
  core('namespaces', 'Namespace', false, ['ns'], true),
  core('nodes', 'Node', false, ['no'], true),
  core('configmaps', 'ConfigMap', true, ['cm'], false),
  core('secrets', 'Secret', true, [], false),
  core('pods', 'Pod', true, ['po'], true, true),
  core('serviceaccounts', 'ServiceAccount', true, ['sa'], false),
  rbac('clusterroles', 'ClusterRole', false),
  rbac('clusterrolebindings', 'ClusterRoleBinding', false),
  rbac('roles', 'Role', true),
  rbac('rolebindings', 'RoleBinding', true),
  crd('clusterversions', 'config.openshift.io', ['v1'], 'ClusterVersion', []),
  crd('machineconfigs', MCO_GROUP, ['v1'], 'MachineConfig', ['mc']),
  crd('machineconfigpools', MCO_GROUP, ['v1'], 'MachineConfigPool', ['mcp']),
  crd('machineosconfigs', MCO_GROUP, ['v1', 'v1alpha1'], 'MachineOSConfig', []),
  crd('machineosbuilds', MCO_GROUP, ['v1', 'v1alpha1'], 'MachineOSBuild', []),
];

const byName = new Map(RESOURCES.map(r => [r.resource, r]));

/**
 * Look a resource up by its plural name.
 *
 * @public
 */
export function resourceInfo(resource: ResourceName): ResourceInfo {
  const info = byName.get(resource);
  if (!info) {
    throw new Error(`Unknown resource ${resource}`);
  }
  return info;
}

/**
 * Whether a string is one of the served resource names.
 *
 * @public
 */
export function isResourceName(value: string): value is ResourceName {
  return byName.has(value as ResourceName);
}

/**
 * Find the resource for an object's `apiVersion` group and `kind` (version not checked).
 *
 * @public
 */
export function resourceForKind(
  apiVersion: string,
  kind: string,
): ResourceInfo | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return RESOURCES.find(r => r.kind === kind && r.group === group);
}

/**
 * `group/version` or `version` for the core group.
 *
 * @public
 */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
