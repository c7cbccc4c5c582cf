import type { ClusterSnapshot } from '../kubernetes/ClusterCache';
import type { ObjectProvenance } from './objectProvenance';

/** A MachineOSConfig or MachineConfig of a pool that names the request that rendered it. */
export interface ProvenanceObject {
  kind: 'MachineOSConfig' | 'MachineConfig';
  name: string;
  provenance: ObjectProvenance;
  /** MachineOSConfig: the newest build the MCO made for it. */
  currentBuild?: string | null;
  /** MachineConfig: the image it pins the pool to. */
  osImageURL?: string | null;
}

/** What the watch caches know about the requests behind one pool's layering. */
export interface PoolProvenance {
  objects: ProvenanceObject[];
  /** `spec.osImageURL` of the pool's target rendered config (null when unknown). */
  targetOsImage: string | null;
}

/**
 * Something that answers {@link PoolProvenance} per pool from its watch caches (the default
 * fleet service does).
 */
export interface PoolProvenanceSource {
  getPoolProvenance(cluster: string, pool: string): PoolProvenance | undefined;
}

/** Reads a pool's provenance from one cluster's cache snapshot. */
export function poolProvenance(
  snapshot: ClusterSnapshot,
  pool: string,
  targetConfig: string | null,
): PoolProvenance {
  const objects: ProvenanceObject[] = [];
  for (const mosc of snapshot.machineOSConfigs.values()) {
    if (mosc.pool === pool && mosc.provenance) {
      objects.push({
        kind: 'MachineOSConfig',
        name: mosc.name,
        provenance: mosc.provenance,
        currentBuild: mosc.currentBuild,
      });
    }
  }
  for (const mc of snapshot.machineConfigs.values()) {
    if (mc.role === pool && !mc.generated && mc.provenance) {
      objects.push({
        kind: 'MachineConfig',
        name: mc.name,
        provenance: mc.provenance,
        osImageURL: mc.osImageURL,
      });
    }
  }
  const target = targetConfig
    ? snapshot.machineConfigs.get(targetConfig)
    : undefined;
  return { objects, targetOsImage: target?.osImageURL ?? null };
}

/** True when `fleet` can answer pool provenance. */
export function isPoolProvenanceSource(
  fleet: unknown,
): fleet is PoolProvenanceSource {
  return (
    typeof fleet === 'object' &&
    fleet !== null &&
    typeof (fleet as Partial<PoolProvenanceSource>).getPoolProvenance ===
      'function'
  );
}
