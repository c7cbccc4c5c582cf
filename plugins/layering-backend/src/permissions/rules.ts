import { createPermissionRule } from '@backstage/plugin-permission-node';
import { stringListParams } from './params';
import { layeringPoolPermissionResourceRef } from './resource';

const lower = (values: string[]) => values.map(v => v.toLocaleLowerCase('en-US'));

/**
 * Allows the pools of the named clusters.
 * @public
 */
export const isInCluster = createPermissionRule({
  name: 'IS_IN_CLUSTER',
  description: 'Allow pools of the given clusters',
  resourceRef: layeringPoolPermissionResourceRef,
  paramsSchema: stringListParams('clusters', 'Names of the clusters, as configured'),
  apply: (resource, { clusters }) => clusters.includes(resource.cluster),
  toQuery: ({ clusters }) => ({ property: 'cluster', values: clusters }),
});

/**
 * Allows the pools whose catalog entity is owned by one of the claims (for a
 * user, the refs of the user and of its groups: `ownershipEntityRefs`).
 * @public
 */
export const isPoolOwner = createPermissionRule({
  name: 'IS_POOL_OWNER',
  description: 'Allow pools whose catalog entity is owned by one of the given claims',
  resourceRef: layeringPoolPermissionResourceRef,
  paramsSchema: stringListParams(
    'claims',
    'Entity refs, at least one of which must own the pool entity',
  ),
  apply: (resource, { claims }) => {
    const wanted = lower(claims);
    return resource.owners.some(owner => wanted.includes(owner));
  },
  toQuery: ({ claims }) => ({ property: 'owner', values: lower(claims) }),
});

/**
 * Allows the pools layered in one of the given modes. A pool the watch caches
 * do not know has no mode and matches no mode.
 * @public
 */
export const hasLayeringMode = createPermissionRule({
  name: 'HAS_LAYERING_MODE',
  description: 'Allow pools layered in one of the given modes',
  resourceRef: layeringPoolPermissionResourceRef,
  paramsSchema: stringListParams(
    'modes',
    'Layering modes: on-cluster, out-of-cluster or none',
    ['on-cluster', 'out-of-cluster', 'none'] as const,
  ),
  apply: (resource, { modes }) =>
    resource.mode !== undefined && modes.includes(resource.mode),
  toQuery: ({ modes }) => ({ property: 'mode', values: modes }),
});

/**
 * Every permission rule of pools.
 * @public
 */
export const layeringPoolPermissionRules = {
  isInCluster,
  isPoolOwner,
  hasLayeringMode,
};
