import type {
  AuditorService,
  BackstageCredentials,
  BackstageNonePrincipal,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { assertError, NotAllowedError } from '@backstage/errors';
import type {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { JsonObject, JsonValue } from '@backstage/types';

/** The actions that write to a cluster; each run of one is an audit event. */
export const CLUSTER_WRITING_ACTIONS: ReadonlySet<string> = new Set([
  'layering:cluster:apply',
  'layering:pool:pause',
  'layering:pool:resume',
  'layering:build:rebuild',
  'layering:build:delete',
  'layering:layer:revert',
  'layering:node:assign',
]);

/** How a run ended, as the audit event says it. */
export type ClusterWriteOutcome =
  | 'written'
  | 'unchanged'
  | 'dry-run'
  | 'refused'
  | 'failed';

type AnyContext = ActionContext<any, any, any>;

async function actorOf(ctx: AnyContext): Promise<string> {
  if (ctx.user?.ref) return ctx.user.ref;
  try {
    const { principal } = (await ctx.getInitiatorCredentials()) as BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal | BackstageNonePrincipal
    >;
    if (principal.type === 'user') return principal.userEntityRef;
    if (principal.type === 'service') return principal.subject;
  } catch {
    // An actor we cannot name is recorded as unknown rather than blocking the audit.
  }
  return 'unknown';
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

/**
 * The cluster objects a run names: what it reports it wrote (`applied`, `removed`, `labelled`,
 * `unlabelled`), else what its input names (build, nodes, pool).
 */
export function objectsOf(input: JsonObject, outputs: Record<string, JsonValue>): string[] {
  const objects: string[] = [];
  const applied = outputs.applied;
  if (Array.isArray(applied)) {
    for (const item of applied) {
      const { kind, name } = (item ?? {}) as { kind?: unknown; name?: unknown };
      if (text(kind) && text(name)) objects.push(`${kind}/${name}`);
    }
  }
  for (const key of ['removed'] as const) {
    const list = outputs[key];
    if (Array.isArray(list)) objects.push(...list.map(String));
  }
  for (const key of ['labelled', 'unlabelled'] as const) {
    const list = outputs[key];
    if (Array.isArray(list)) objects.push(...list.map(n => `Node/${String(n)}`));
  }
  if (objects.length > 0) return objects;
  if (text(input.build)) objects.push(`MachineOSBuild/${input.build}`);
  if (Array.isArray(input.nodes)) objects.push(...input.nodes.map(n => `Node/${String(n)}`));
  if (text(input.pool)) objects.push(`MachineConfigPool/${input.pool}`);
  return objects;
}

function outcomeOf(ctx: AnyContext, outputs: Record<string, JsonValue>): ClusterWriteOutcome {
  if (ctx.isDryRun) return 'dry-run';
  return outputs.changed === false ? 'unchanged' : 'written';
}

/**
 * Wraps a cluster-writing action so that every run is an audit event (`cluster-write`): who
 * started the task, the task, cluster, pool, the objects, dry run or not, and the outcome
 * (written, unchanged, dry-run, refused when a permission was missing, failed). The action
 * itself is unchanged; its outputs pass through.
 */
export function withClusterWriteAudit<T extends TemplateAction<any, any, any>>(
  action: T,
  auditor: AuditorService,
): T {
  const handler = action.handler;
  const audited = async (ctx: AnyContext) => {
    const outputs: Record<string, JsonValue> = {};
    // The same context with outputs recorded on the way through (its other members unchanged).
    const recording: AnyContext = Object.create(ctx, {
      output: {
        value: (name: string, value: JsonValue) => {
          outputs[name] = value;
          return ctx.output(name, value);
        },
      },
    });
    const input = (ctx.input ?? {}) as JsonObject;
    const event = await auditor.createEvent({
      eventId: 'cluster-write',
      severityLevel: ctx.isDryRun ? 'low' : 'high',
      meta: {
        action: action.id,
        actor: await actorOf(ctx),
        taskId: ctx.task.id,
        cluster: text(input.cluster) ?? null,
        pool: text(input.pool) ?? null,
        dryRun: !!ctx.isDryRun,
      },
    });
    try {
      await handler(recording);
    } catch (error) {
      assertError(error);
      await event.fail({
        error,
        meta: {
          outcome: NotAllowedError.is(error) ? 'refused' : 'failed',
          objects: objectsOf(input, outputs),
        },
      });
      throw error;
    }
    await event.success({
      meta: { outcome: outcomeOf(ctx, outputs), objects: objectsOf(input, outputs) },
    });
  };
  return { ...action, handler: audited };
}
