import type { BuildState } from '@rhcos-layering/plugin-layering-common';
import {
  normalizeMachineOSBuild,
  normalizeMachineOSConfig,
} from '@rhcos-layering/plugin-layering-common';
import type { RawObject } from './Informer';
import { projectProvenance, type ObjectProvenance } from '../provenance/objectProvenance';

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
  /** The request that rendered it (provenance annotations), when it names one. */
  provenance?: ObjectProvenance;
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

/** Items of a list may come without apiVersion/kind; the informer knows both. */
function typed(object: RawObject, apiVersion: string, kind: string): RawObject {
  return object.apiVersion && object.kind ? object : { ...object, apiVersion, kind };
}

/** Projection of MachineOSConfigs served as `apiVersion` (`<group>/v1` or `/v1alpha1`). */
export function machineOSConfigProjector(apiVersion: string) {
  return (object: RawObject): MachineOSConfigProjection | undefined => {
    const full = typed(object, apiVersion, 'MachineOSConfig');
    const mosc = normalizeMachineOSConfig(full);
    if (!mosc) return undefined;
    return {
      name: mosc.name,
      pool: mosc.pool,
      currentImage: mosc.status.currentImagePullSpec,
      // The newest build (annotation) rather than the one behind the current image (status), so a
      // build in progress shows.
      currentBuild: mosc.currentBuild ?? mosc.status.machineOSBuild,
      provenance: projectProvenance(full),
    };
  };
}

/** Projection of MachineOSBuilds served as `apiVersion`. */
export function machineOSBuildProjector(apiVersion: string) {
  return (object: RawObject): MachineOSBuildProjection | undefined => {
    const mosb = normalizeMachineOSBuild(typed(object, apiVersion, 'MachineOSBuild'));
    if (!mosb) return undefined;
    return {
      name: mosb.name,
      machineOSConfig: mosb.machineOSConfig || null,
      pool: mosb.pool,
      renderedConfig: mosb.renderedConfig,
      state: mosb.state,
      start: mosb.buildStart,
      end: mosb.buildEnd,
      image: mosb.digestedImagePushSpec,
    };
  };
}
