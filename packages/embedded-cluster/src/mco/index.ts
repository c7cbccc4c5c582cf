import type { McoSimulator, McoSimulatorOptions } from '../store/types';
import { McoSimulation } from './simulator';

/**
 * Create the Machine Config Operator simulation of an embedded cluster. Call `start()` once the
 * store holds the cluster's state: the state is left exactly as loaded, and the simulation reacts
 * only to changes made after that.
 *
 * @public
 */
export function createMcoSimulator(options: McoSimulatorOptions): McoSimulator {
  return new McoSimulation(options);
}

export { McoSimulation } from './simulator';
export { DURATIONS } from './constants';
export { resolveMaxUnavailable } from './nodeController';
export { osImageName } from './nodeDaemon';
export { renderPool, renderedConfigName, selectMachineConfigs, RenderError } from './render';
export type { RenderDefaults, RenderResult, RenderedSpec, ConfigSource } from './render';
export { poolForNode } from './membership';
export type { Membership } from './membership';
export { computePoolStatus, isNodeUpdated, isNodeReady, isNodeUnavailable, isNodeDegraded } from './poolStatus';
export type { PoolLayering, PoolStatusInput } from './poolStatus';
export { evaluateContainerfile, UNAVAILABLE_PACKAGES } from './containerfile';
export type { ContainerfileVerdict } from './containerfile';
export { readMosc, readMosb } from './machineOS';
export type { MoscView, MosbView, BuildPhase, MachineOSApi } from './machineOS';
export { KEYS as MCO_KEYS, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
