import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  LAYERING_POOL_RESOURCE_TYPE,
  type LayeringMode,
} from '@rhcos-layering/plugin-layering-common';

/**
 * A pool as the permission rules see it.
 * @public
 */
export interface LayeringPoolResource {
  /** The pool's resource ref, `resource:default/<cluster>-<pool>`. */
  ref: string;
  cluster: string;
  pool: string;
  /** How the pool is layered, when the watch caches know the pool. */
  mode?: LayeringMode;
  /** Entity refs that own the pool's catalog entity (lower case), empty when it has none. */
  owners: string[];
}

/**
 * A query fragment of the pool rules: the pool property and the values it may take.
 * @public
 */
export interface LayeringPoolQuery {
  property: 'cluster' | 'owner' | 'mode';
  values: string[];
}

/**
 * The permission resource ref of pools (plugin `layering`, resource type `layering-pool`).
 * @public
 */
export const layeringPoolPermissionResourceRef = createPermissionResourceRef<
  LayeringPoolResource,
  LayeringPoolQuery
>().with({
  pluginId: 'layering',
  resourceType: LAYERING_POOL_RESOURCE_TYPE,
});
