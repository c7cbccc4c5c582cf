import type { Entity } from '@backstage/catalog-model';

import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_ENTITY_TYPES,
  LAYERING_POOL_ANNOTATION,
} from '@rhcos-layering/plugin-layering-common';

export { LAYERING_CLUSTER_ANNOTATION, LAYERING_POOL_ANNOTATION };

/** `spec.type` of the Resource entities that stand for MachineConfigPools. */
export const POOL_RESOURCE_TYPE = LAYERING_ENTITY_TYPES.pool;

/** `spec.type` of the Resource entities that stand for clusters. */
export const CLUSTER_RESOURCE_TYPE = LAYERING_ENTITY_TYPES.cluster;

function annotation(entity: Entity, name: string): string | undefined {
  const value = entity.metadata.annotations?.[name];
  return value && value.trim() !== '' ? value : undefined;
}

function isResourceOfType(entity: Entity, type: string): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type === type
  );
}

/**
 * True for a MachineConfigPool entity the layering card and tab can show:
 * a `Resource` of type `openshift-machine-config-pool` that names its
 * cluster and pool. Reuse it in a legacy `EntitySwitch`.
 *
 * @public
 */
export function isLayeringAvailable(entity: Entity): boolean {
  return (
    isResourceOfType(entity, POOL_RESOURCE_TYPE) &&
    annotation(entity, LAYERING_CLUSTER_ANNOTATION) !== undefined &&
    annotation(entity, LAYERING_POOL_ANNOTATION) !== undefined
  );
}

/**
 * True for a cluster entity the layering cluster card can show: a
 * `Resource` of type `kubernetes-cluster` that names its layering cluster.
 *
 * @public
 */
export function isLayeringClusterAvailable(entity: Entity): boolean {
  return (
    isResourceOfType(entity, CLUSTER_RESOURCE_TYPE) &&
    annotation(entity, LAYERING_CLUSTER_ANNOTATION) !== undefined
  );
}

/** The cluster and pool an entity stands for, when its annotations say so. */
export function poolRefOf(
  entity: Entity,
): { cluster: string; pool: string } | undefined {
  const cluster = annotation(entity, LAYERING_CLUSTER_ANNOTATION);
  const pool = annotation(entity, LAYERING_POOL_ANNOTATION);
  return cluster && pool ? { cluster, pool } : undefined;
}

/** The cluster an entity stands for, when its annotation says so. */
export function clusterOf(entity: Entity): string | undefined {
  return annotation(entity, LAYERING_CLUSTER_ANNOTATION);
}
