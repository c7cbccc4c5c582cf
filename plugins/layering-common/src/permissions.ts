import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read clusters (their release, reachability and pools list).
 * @public
 */
export const layeringClusterReadPermission = createPermission({
  name: 'layering.cluster.read',
  attributes: { action: 'read' },
});

/**
 * Read a pool's detail: nodes, builds, drift and the requests made for it.
 * @public
 */
export const layeringPoolReadPermission = createPermission({
  name: 'layering.pool.read',
  attributes: { action: 'read' },
});

/**
 * Apply changes directly to a cluster (the `direct` delivery of the templates
 * and the `layering:cluster:apply` action), bypassing a pull request.
 * @public
 */
export const layeringClusterApplyPermission = createPermission({
  name: 'layering.cluster.apply',
  attributes: { action: 'update' },
});

/**
 * Every permission of the layering plugins, for `permissionsRegistry.addPermissions`.
 * @public
 */
export const layeringPermissions = [
  layeringClusterReadPermission,
  layeringPoolReadPermission,
  layeringClusterApplyPermission,
];
