import type { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { poolResourceRef } from '@rhcos-layering/plugin-layering-common';

/** What an action is about to do to which pool, for {@link authorizePool}. */
export interface PoolAuthorization {
  /** `layering.cluster.apply` (writes to a cluster) or `layering.pool.request` (asks for a change). */
  permission: ResourcePermission;
  cluster: string;
  /** The pool the change is for; a change whose pool is unknown is refused. */
  pool: string;
  /** What the action would do, for the refusal message ("pause pool worker directly"). */
  what: string;
  /** What the user can do instead, appended to the refusal message. */
  instead?: string;
}

/**
 * Refuses with `NotAllowedError` unless whoever started the task holds the permission on the
 * pool (its resource ref, `resource:default/<cluster>-<pool>`). Checked with the initiator's
 * credentials, never the scaffolder's own, so a policy can allow some pools and not others.
 */
export async function authorizePool(
  ctx: Pick<ActionContext<JsonObject, JsonObject>, 'getInitiatorCredentials'>,
  permissions: PermissionsService,
  request: PoolAuthorization,
): Promise<void> {
  const { permission, cluster, pool, what, instead } = request;
  if (!pool) {
    throw new NotAllowedError(
      `You may not ${what}: the pool it belongs to is unknown, so ${permission.name} cannot be checked`,
    );
  }
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: poolResourceRef(cluster, pool) }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not ${what}: the ${permission.name} permission is required. It is checked on pool ${pool} of cluster ${cluster}.${
        instead ? ` ${instead}` : ''
      }`,
    );
  }
}
