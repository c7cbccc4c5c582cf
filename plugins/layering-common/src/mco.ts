/**
 * The Machine Config Operator's API as the plugins address it: its group, the versions and
 * resource plurals they read and write, and the pools every cluster has. One copy, so that the
 * backend, the actions and the frontend cannot drift apart (FACTS.md §2).
 */

/** API group of the MCO kinds (MachineConfigPool, MachineConfig, MachineOSConfig, MachineOSBuild). @public */
export const MACHINECONFIGURATION_GROUP = 'machineconfiguration.openshift.io';

/**
 * API versions of the MCO kinds: MachineConfigPool and MachineConfig are served at `v1` only;
 * MachineOSConfig and MachineOSBuild at `v1` (late 4.18, 4.19+) or `v1alpha1` (4.16 to early
 * 4.18), never both. `machineOS` lists them in the order the backend probes them.
 *
 * @public
 */
export const MCO_API_VERSIONS = {
  machineConfigPool: 'v1',
  machineConfig: 'v1',
  machineOS: ['v1', 'v1alpha1'],
} as const;

/** Resource plurals of the MCO kinds, as they appear in API paths. @public */
export const MCO_RESOURCE_PLURALS = {
  machineConfigPools: 'machineconfigpools',
  machineConfigs: 'machineconfigs',
  machineOSConfigs: 'machineosconfigs',
  machineOSBuilds: 'machineosbuilds',
} as const;

/**
 * The pools the MCO creates itself (`arbiter` only on clusters with an arbiter node); every
 * other pool is custom.
 *
 * @public
 */
export const BUILT_IN_POOL_NAMES: readonly string[] = ['master', 'worker', 'arbiter'];

/** True for `master`, `worker` and `arbiter`, the pools the MCO creates itself. @public */
export function isBuiltInPool(name: string): boolean {
  return BUILT_IN_POOL_NAMES.includes(name);
}
