/**
 * The wire contract of the layering backend (REST answers, request bodies, signal channels),
 * the MCO API constants, types, RHCOS version parsing, drift rules, validation rules, MachineOSConfig
 * normalisation and permissions shared by the RHCOS image layering plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './wire';
export * from './mco';
export * from './labelSelector';
export * from './rhcos';
export * from './hosts';
export * from './validation';
export * from './containerfileAnalysis';
export * from './containerfile';
export * from './layeringContent';
export * from './drift';
export * from './machineOSConfig';
export * from './preflight';
export * from './pinnedBase';
export * from './rebase';
export * from './permissions';
export * from './annotations';
export * from './forecast';
