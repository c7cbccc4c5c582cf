import { usePermission } from '@backstage/plugin-permission-react';
import {
  layeringClusterApplyPermission,
  layeringPoolRequestPermission,
  poolResourceRef,
} from '@rhcos-layering/plugin-layering-common';

/** What the signed-in user may do to one pool, as the permission policy answers. */
export interface PoolPermissions {
  /** True while either answer is pending. */
  loading: boolean;
  /** `layering.pool.request`: ask for a change (pull or merge request). */
  canRequest: boolean;
  /** `layering.cluster.apply`: apply a change to the cluster directly. */
  canApply: boolean;
}

/**
 * The pool permissions of the signed-in user for one pool (its resource ref,
 * `resource:default/<cluster>-<pool>`). Without a pool both are false.
 */
export function usePoolPermissions(cluster?: string, pool?: string): PoolPermissions {
  const resourceRef = cluster && pool ? poolResourceRef(cluster, pool) : undefined;
  const request = usePermission({ permission: layeringPoolRequestPermission, resourceRef });
  const apply = usePermission({ permission: layeringClusterApplyPermission, resourceRef });
  return {
    loading: request.loading || apply.loading,
    canRequest: !!resourceRef && request.allowed,
    canApply: !!resourceRef && apply.allowed,
  };
}
