import { AsyncLocalStorage } from 'node:async_hooks';
import { ServiceUnavailableError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';

/*
 * The abort signal of the task an action runs for, carried with the action's async context, so
 * that every outgoing call (cluster, forge, layering backend) honours it without each helper
 * threading `ctx.signal` through every layer.
 */
const taskSignals = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `fn` with `signal` as the task signal of every call it makes. */
export function runWithTaskSignal<T>(
  signal: AbortSignal | undefined,
  fn: () => T,
): T {
  return taskSignals.run(signal, fn);
}

/** The abort signal of the task the current code runs for, if any. */
export function currentTaskSignal(): AbortSignal | undefined {
  return taskSignals.getStore();
}

/**
 * Wraps an action so that its handler runs with the task's `ctx.signal` as the task signal.
 *
 * @internal
 */
export function withTaskSignal<A extends TemplateAction<any, any, any>>(
  action: A,
): A {
  return {
    ...action,
    handler: (ctx: Parameters<A['handler']>[0]) =>
      runWithTaskSignal(ctx.signal, () => action.handler(ctx)),
  };
}

/** One outgoing call's signal: aborted by the task signal or when the time limit passes. */
export interface CallSignal {
  signal: AbortSignal;
  /**
   * After a failure: the error to throw instead when the call was cancelled or timed out,
   * else undefined. `what` is the call (`get MachineConfigPool/worker`), `where` the
   * destination (`cluster ocp-418`, `GitLab gitlab.example.com`); never credentials.
   */
  reason(what: string, where: string): Error | undefined;
}

/**
 * The signal of one outgoing call, bounded by `timeoutMs` and by the task signal (the one given,
 * else the current task's).
 */
export function callSignal(
  timeoutMs: number,
  task: AbortSignal | undefined = currentTaskSignal(),
): CallSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = task ? AbortSignal.any([task, timeout]) : timeout;
  return {
    signal,
    reason(what, where) {
      if (task?.aborted) {
        return new ServiceUnavailableError(
          `Cancelled ${what} on ${where}: the task was cancelled`,
        );
      }
      if (timeout.aborted) {
        return new ServiceUnavailableError(
          `No answer from ${where} to ${what} within ${timeoutMs} ms`,
        );
      }
      return undefined;
    },
  };
}

/** Throws when the task has been cancelled, naming what would have run next. */
export function throwIfTaskCancelled(what: string, where: string): void {
  if (currentTaskSignal()?.aborted) {
    throw new ServiceUnavailableError(
      `Cancelled ${what} on ${where}: the task was cancelled`,
    );
  }
}
