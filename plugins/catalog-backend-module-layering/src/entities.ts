import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_ENTITY_TYPES,
  LAYERING_POOL_ANNOTATION,
  poolEntityName,
} from '@rhcos-layering/plugin-layering-common';
import { createHash } from 'node:crypto';
import { LAYERING_LOCATION_PREFIX } from './adoption';
import type { LayeringFleetSnapshot } from './fleetSource';

const MAX_NAME = 63;

/**
 * A catalog-safe entity name: at most 63 characters, with a hash suffix when cut.
 *
 * @public
 */
export function entityName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-');
  if (cleaned.length <= MAX_NAME) {
    return cleaned;
  }
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, MAX_NAME - 9).replace(/[-._]+$/, '')}-${hash}`;
}

/** Input of {@link layeringEntities}. */
export interface LayeringEntitiesInput {
  fleet: LayeringFleetSnapshot;
  owner: string;
  system?: string;
  /**
   * The entity ref each pool of a cluster depends on. `emit` means the
   * module's own cluster entity (emitted too); a ref means an adopted entity;
   * undefined means none was found (no dependsOn).
   */
  clusterRef(cluster: string): 'emit' | string | undefined;
}

/** The entities the provider keeps for a snapshot of the fleet, grouped by cluster. */
export function layeringEntities(input: LayeringEntitiesInput): DeferredEntity[] {
  const { fleet, owner, system } = input;
  const out: DeferredEntity[] = [];
  const poolsByCluster = new Map<string, string[]>();
  for (const pool of fleet.pools) {
    const list = poolsByCluster.get(pool.cluster) ?? [];
    list.push(pool.name);
    poolsByCluster.set(pool.cluster, list);
  }
  for (const cluster of fleet.clusters) {
    const locationKey = `layering-provider:${cluster.name}`;
    const location = `${LAYERING_LOCATION_PREFIX}cluster/${cluster.name}`;
    const common = {
      [ANNOTATION_LOCATION]: location,
      [ANNOTATION_ORIGIN_LOCATION]: location,
      [LAYERING_CLUSTER_ANNOTATION]: cluster.name,
    };
    const target = input.clusterRef(cluster.name);
    let dependsOn: string | undefined = target;
    if (target === 'emit') {
      const clusterEntity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: entityName(cluster.name),
          title: cluster.name,
          description: `OpenShift cluster ${cluster.name}${
            cluster.release.version ? ` (${cluster.release.version})` : ''
          }`,
          annotations: { ...common, [KUBERNETES_CLUSTER_ANNOTATION]: cluster.name },
          tags: ['openshift'],
        },
        spec: {
          type: LAYERING_ENTITY_TYPES.cluster,
          owner,
          ...(system ? { system } : {}),
        },
      };
      out.push({ entity: clusterEntity, locationKey });
      dependsOn = `resource:${entityName(cluster.name)}`;
    }
    for (const pool of [...(poolsByCluster.get(cluster.name) ?? [])].sort()) {
      out.push({
        locationKey,
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: entityName(poolEntityName(cluster.name, pool)),
            title: `${pool} (${cluster.name})`,
            description: `MachineConfigPool ${pool} of cluster ${cluster.name}`,
            annotations: { ...common, [LAYERING_POOL_ANNOTATION]: pool },
            tags: ['openshift', 'machine-config-pool'],
          },
          spec: {
            type: LAYERING_ENTITY_TYPES.pool,
            owner,
            ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
            ...(system ? { system } : {}),
          },
        },
      });
    }
  }
  return out;
}
