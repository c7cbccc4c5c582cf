import { createPermission } from '@backstage/plugin-permission-common';
import { poolEntityName } from './annotations';

/**
 * Resource type of the pool permissions. A pool's resource ref is its catalog
 * entity ref, `resource:default/<cluster>-<pool>` (see {@link poolResourceRef}).
 * @public
 */
export const LAYERING_POOL_RESOURCE_TYPE = 'layering-pool';

/**
 * The resource ref of a pool for the pool permissions: the entity ref of the
 * pool's catalog entity.
 * @public
 */
export function poolResourceRef(cluster: string, pool: string): string {
  return `resource:default/${poolEntityName(cluster, pool)}`;
}

/**
 * Read clusters (their release, reachability and pools list).
 * @public
 */
export const layeringClusterReadPermission = createPermission({
  name: 'layering.cluster.read',
  attributes: { action: 'read' },
});

/**
 * Read a pool's view and detail: nodes, builds, drift, its layering settings
 * and the requests made for it. A resource permission: a policy can narrow it
 * to some pools, and lists only show the pools it allows.
 * @public
 */
export const layeringPoolReadPermission = createPermission({
  name: 'layering.pool.read',
  attributes: { action: 'read' },
  resourceType: LAYERING_POOL_RESOURCE_TYPE,
});

/**
 * Ask for a change to a pool: open a pull or merge request (or a request
 * record) through the layering templates. Nothing is written to the cluster.
 * @public
 */
export const layeringPoolRequestPermission = createPermission({
  name: 'layering.pool.request',
  attributes: { action: 'create' },
  resourceType: LAYERING_POOL_RESOURCE_TYPE,
});

/**
 * Apply changes directly to a pool's cluster (the `direct` delivery of the
 * templates, `layering:cluster:apply` and every other action that writes to a
 * cluster), bypassing pull-request review. A resource permission on the pool
 * that is changed.
 * @public
 */
export const layeringClusterApplyPermission = createPermission({
  name: 'layering.cluster.apply',
  attributes: { action: 'update' },
  resourceType: LAYERING_POOL_RESOURCE_TYPE,
});

/**
 * Every permission of the layering plugins, for `permissionsRegistry.addPermissions`.
 * @public
 */
export const layeringPermissions = [
  layeringClusterReadPermission,
  layeringPoolReadPermission,
  layeringPoolRequestPermission,
  layeringClusterApplyPermission,
];

/**
 * The resource permissions on pools (resource type {@link LAYERING_POOL_RESOURCE_TYPE}).
 * @public
 */
export const layeringPoolPermissions = [
  layeringPoolReadPermission,
  layeringPoolRequestPermission,
  layeringClusterApplyPermission,
];
