import type { BuildState } from '@internal/plugin-layering-common';
import {
  normalizeMachineOSBuild,
  normalizeMachineOSConfig,
} from '@internal/plugin-layering-common';
import type { RawObject } from './Informer';

/**
 * Projections of MachineOSConfig and MachineOSBuild. The v1alpha1 and v1
 * shapes are mapped to one model by layering-common's normalisation, so the
 * rest of the backend never looks at the API version.
 */

/** MachineOSConfig (on-cluster layering of one pool). */
export interface MachineOSConfigProjection {
  name: string;
  /** The pool it builds for (`spec.machineConfigPool.name`). */
  pool: string;
  /** The image nodes get: `status.currentImagePullSpec` (v1) / `currentImagePullspec` (v1alpha1). */
  currentImage: string | null;
  /** The newest build (`status.machineOSBuild`, else the current-machine-os-build annotation). */
  currentBuild: string | null;
}

/** MachineOSBuild. */
export interface MachineOSBuildProjection {
  name: string;
  machineOSConfig: string | null;
  pool: string | null;
  renderedConfig: string | null;
  state: BuildState;
  start: string | null;
  end: string | null;
  /** Digested image the build pushed. */
  image: string | null;
}

export function projectMachineOSConfig(object: RawObject): MachineOSConfigProjection | undefined {
  const mosc = normalizeMachineOSConfig(object);
  if (!mosc) return undefined;
  return {
    name: mosc.name,
    pool: mosc.pool,
    currentImage: mosc.currentImage ?? null,
    currentBuild: mosc.currentBuild ?? null,
  };
}

export function projectMachineOSBuild(object: RawObject): MachineOSBuildProjection | undefined {
  const mosb = normalizeMachineOSBuild(object);
  if (!mosb) return undefined;
  return {
    name: mosb.name,
    machineOSConfig: mosb.machineOSConfig ?? null,
    pool: mosb.pool ?? null,
    renderedConfig: mosb.renderedConfig ?? null,
    state: mosb.state,
    start: mosb.start ?? null,
    end: mosb.end ?? null,
    image: mosb.image ?? null,
  };
}
