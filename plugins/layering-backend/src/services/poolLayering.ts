import {
  MACHINECONFIGURATION_GROUP,
  type MachineOSConfigModel,
  type PoolLayeringSettings,
} from '@rhcos-layering/plugin-layering-common';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { ClusterEntry } from './fleetEntry';

/**
 * How a pool is layered now, for the modify and revert forms: the `osImageURL` MachineConfig of
 * an out-of-cluster pool, or the MachineOSConfig of an on-cluster one (read from the cluster, so
 * the form starts from what is there). Undefined when the cluster has no such pool.
 */
export async function readPoolLayering(
  cluster: string,
  pool: string,
  entry: ClusterEntry | undefined,
): Promise<PoolLayeringSettings | undefined> {
  const view = entry?.views?.pools.get(pool);
  if (!entry || !view) return undefined;
  const { mode, source } = view.layering;
  if (mode === 'out-of-cluster' && source) {
    const machineConfig = entry.cache.snapshot().machineConfigs.get(source);
    return {
      mode,
      name: source,
      osImageURL: machineConfig?.osImageURL ?? view.layering.image ?? null,
    };
  }
  if (mode === 'on-cluster' && source) {
    let mosc: MachineOSConfigModel | null;
    try {
      mosc = await entry.cache.getMachineOSConfig(source);
    } catch (error) {
      // ClusterRequestError messages carry no credentials.
      throw new ServiceUnavailableError(
        `Cannot read MachineOSConfig "${source}" of cluster "${cluster}": ${(error as Error).message}`,
      );
    }
    if (!mosc) {
      throw new NotFoundError(
        `MachineOSConfig "${source}" of pool "${pool}" no longer exists in cluster "${cluster}"`,
      );
    }
    return onClusterLayering(mosc);
  }
  return { mode: 'none' };
}

/**
 * The settings of an on-cluster pool as its MachineOSConfig states them (secrets by name only),
 * whether the MachineOSConfig came from the watch cache or from a replica's one-off read.
 */
export function onClusterLayering(mosc: MachineOSConfigModel): PoolLayeringSettings {
  return {
    mode: 'on-cluster',
    name: mosc.name,
    apiVersion: `${MACHINECONFIGURATION_GROUP}/${mosc.apiVersion}`,
    containerfiles: mosc.containerFiles.map(e => ({ arch: e.arch, content: e.content })),
    renderedImagePushSpec: mosc.renderedImagePushSpec,
    renderedImagePushSecret: mosc.renderedImagePushSecret,
    baseImagePullSecret: mosc.baseImagePullSecret,
    currentImage: mosc.status.currentImagePullSpec,
  };
}
