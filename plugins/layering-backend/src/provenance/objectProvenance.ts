import { readLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import type { RawObject } from '../kubernetes/Informer';

/**
 * What a cluster object says about the request that rendered it, kept by the watch caches'
 * projections of MachineConfigs and MachineOSConfigs (so no extra watch is needed).
 */
export interface ObjectProvenance {
  /** The request id annotation (a UUID made at render). */
  requestId: string | null;
  /** The template run (scaffolder task) annotation. */
  taskId: string | null;
  /** The content digest annotation. */
  digest: string | null;
  /** True when the object's content still has the annotated digest. */
  digestMatches: boolean;
  /**
   * When the spec was last written and by which field manager: the newest `metadata.managedFields`
   * entry that owns part of the spec (null when the server keeps no managed fields).
   */
  changedAt: string | null;
  manager: string | null;
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The newest managed-fields entry of the main resource that owns part of `spec`. */
function specWriter(metadata: Dict): { time: string; manager: string } | null {
  const entries = Array.isArray(metadata.managedFields)
    ? metadata.managedFields
    : [];
  let newest: { time: string; manager: string } | null = null;
  for (const entry of entries) {
    if (!isDict(entry) || entry.subresource) continue;
    const fields = isDict(entry.fieldsV1) ? entry.fieldsV1 : {};
    if (!('f:spec' in fields)) continue;
    const time = typeof entry.time === 'string' ? entry.time : null;
    if (!time) continue;
    if (!newest || Date.parse(time) > Date.parse(newest.time)) {
      newest = {
        time,
        manager: typeof entry.manager === 'string' ? entry.manager : '',
      };
    }
  }
  return newest;
}

/**
 * The provenance of a MachineConfig or MachineOSConfig as it arrives from a watch, or undefined
 * when it names no request. `object` must carry its apiVersion and kind (the digest covers them).
 */
export function projectProvenance(
  object: RawObject,
): ObjectProvenance | undefined {
  const provenance = readLayeringProvenance(object);
  if (!provenance) return undefined;
  const metadata: Dict = isDict(object.metadata) ? object.metadata : {};
  const writer = specWriter(metadata);
  return {
    requestId: provenance.requestId,
    taskId: provenance.taskId,
    digest: provenance.digest,
    digestMatches: provenance.digestMatches,
    changedAt:
      writer?.time ??
      (typeof metadata.creationTimestamp === 'string'
        ? metadata.creationTimestamp
        : null),
    manager: writer?.manager || null,
  };
}
