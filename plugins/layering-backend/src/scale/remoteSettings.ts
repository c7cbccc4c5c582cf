import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  MACHINECONFIGURATION_GROUP,
  normalizeMachineOSConfig,
  type PoolLayeringSettings,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { ClusterConnection, ClusterRequestError } from '../kubernetes/ClusterConnection';
import type { ClusterSpec } from '../kubernetes/clusterConfig';
import type { RawObject } from '../kubernetes/Informer';
import { onClusterLayering } from '../services/poolLayering';

/**
 * A pool's layering settings on a replica that does not watch its cluster: the shared pool view
 * says which MachineOSConfig or MachineConfig it uses, and a MachineOSConfig is read with one
 * GET over a short-lived connection (with the reader, as the owner would).
 */
export async function readPoolSettings(options: {
  spec: ClusterSpec;
  view: PoolView;
  apiVersion: 'v1' | 'v1alpha1' | null | undefined;
  requestTimeoutMs?: number;
}): Promise<PoolLayeringSettings> {
  const { spec, view, apiVersion } = options;
  const { mode, source } = view.layering;
  if (mode === 'out-of-cluster' && source) {
    return { mode, name: source, osImageURL: view.layering.image ?? null };
  }
  if (mode !== 'on-cluster' || !source) return { mode: 'none' };
  if (!apiVersion) {
    throw new ServiceUnavailableError(`Cluster "${spec.name}" serves no MachineOSConfigs (yet)`);
  }
  let connection: ClusterConnection | undefined;
  let object: RawObject;
  try {
    connection = await ClusterConnection.create(spec, {
      requestTimeoutMs: options.requestTimeoutMs,
    });
    object = await connection.getJson<RawObject>(
      `/apis/${MACHINECONFIGURATION_GROUP}/${apiVersion}/machineosconfigs/${encodeURIComponent(source)}`,
    );
  } catch (error) {
    if (error instanceof ClusterRequestError && error.kind === 'not-found') {
      throw new NotFoundError(
        `MachineOSConfig "${source}" of pool "${view.name}" no longer exists in cluster "${spec.name}"`,
      );
    }
    // ClusterRequestError messages carry no credentials.
    throw new ServiceUnavailableError(
      `Cannot read MachineOSConfig "${source}" of cluster "${spec.name}": ${(error as Error).message}`,
    );
  } finally {
    connection?.close();
  }
  const mosc = normalizeMachineOSConfig({
    apiVersion: `${MACHINECONFIGURATION_GROUP}/${apiVersion}`,
    kind: 'MachineOSConfig',
    ...object,
  });
  if (!mosc) {
    throw new NotFoundError(
      `MachineOSConfig "${source}" of pool "${view.name}" no longer exists in cluster "${spec.name}"`,
    );
  }
  return onClusterLayering(mosc);
}
