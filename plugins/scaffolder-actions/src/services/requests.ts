import { toError } from '@backstage/errors';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  layeringClusterApplyPermission,
  layeringPoolRequestPermission,
  type LayeringRequestKind,
  type LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringActionOptions } from './actionOptions';
import { authorizePool } from './authorization';

type AnyContext = ActionContext<JsonObject, JsonObject>;

/**
 * The entity ref of whoever started the task, for annotations and request records: the user's
 * ref, or `service:default/<subject>` for tasks started by another backend service.
 */
export async function requesterOf(ctx: AnyContext): Promise<string> {
  if (ctx.user?.ref) {
    return ctx.user.ref;
  }
  const credentials = await ctx.getInitiatorCredentials();
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  const subject = (principal.subject ?? 'unknown').toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return `service:default/${subject || 'unknown'}`;
}

/**
 * Refuses unless the user who started the task may apply changes directly to the pool
 * (`layering.cluster.apply` on the pool's resource ref). Checked with the initiator's
 * credentials, never the backend's.
 */
export async function requireDirectApply(
  ctx: AnyContext,
  options: LayeringActionOptions,
  target: { cluster: string; pool: string },
  what: string,
): Promise<void> {
  await authorizePool(ctx, options.permissions, {
    permission: layeringClusterApplyPermission,
    cluster: target.cluster,
    pool: target.pool,
    what: `${what} directly`,
    instead: 'Use the pull-request delivery instead.',
  });
}

/**
 * Refuses unless the user who started the task may ask for changes to the pool
 * (`layering.pool.request`: open a pull or merge request, record a request).
 */
export async function requirePoolRequest(
  ctx: AnyContext,
  options: LayeringActionOptions,
  target: { cluster: string; pool: string },
  what: string,
): Promise<void> {
  await authorizePool(ctx, options.permissions, {
    permission: layeringPoolRequestPermission,
    cluster: target.cluster,
    pool: target.pool,
    what,
  });
}

/** What one action records about itself in the backend's request history. */
export interface RequestRecordInput {
  cluster: string;
  pool: string;
  kind: LayeringRequestKind;
  delivery: 'pull-request' | 'direct';
  outcome: LayeringRequestRecord['outcome'];
  summary: string;
  pullRequestUrl?: string;
  /** The request id the render annotated on the objects (`layering:manifest:render` output). */
  requestId?: string;
}

/**
 * Records the request through the layering backend, once per task and target (checkpointed,
 * so a recovered task does not record twice). Returns the record id.
 */
export async function recordRequestOnce(
  ctx: AnyContext,
  options: LayeringActionOptions,
  input: RequestRecordInput,
): Promise<string> {
  const requestedBy = await requesterOf(ctx);
  return ctx.checkpoint({
    key: `layering.request.record.${input.kind}.${input.cluster}.${input.pool}.${input.outcome}`,
    fn: async () => {
      ctx.logger.info('Recording the request in the layering backend', {
        cluster: input.cluster,
        pool: input.pool,
        kind: input.kind,
        outcome: input.outcome,
      });
      const record = await options.backend.recordRequest(input.cluster, input.pool, {
        kind: input.kind,
        delivery: input.delivery,
        outcome: input.outcome,
        summary: input.summary,
        pullRequestUrl: input.pullRequestUrl ?? null,
        taskId: ctx.task.id,
        requestedBy,
        ...(input.requestId ? { requestId: input.requestId } : {}),
      });
      return record.id;
    },
  });
}

/**
 * Records a change that has already been made. The change stands whether or not the backend
 * answers, so a failure to record is logged as a warning instead of failing a task whose cluster
 * write succeeded (and whose re-run would be a no-op that records nothing).
 */
export async function recordAppliedChange(
  ctx: AnyContext,
  options: LayeringActionOptions,
  input: RequestRecordInput,
): Promise<string | undefined> {
  try {
    return await recordRequestOnce(ctx, options, input);
  } catch (error) {
    ctx.logger.warn(
      'The change was made but could not be recorded in the layering backend',
      toError(error),
    );
    return undefined;
  }
}
