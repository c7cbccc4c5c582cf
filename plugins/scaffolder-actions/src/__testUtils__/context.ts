import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** A mock action context plus what the test wants to look at afterwards. */
export interface TestContext<I extends JsonObject> {
  /** Typed loosely: tests pass partial inputs, as templates do, and rely on the defaults. */
  ctx: ActionContext<I & Record<string, any>, any> & ActionContext<any, any>;
  logger: ReturnType<typeof mockServices.logger.mock>;
  output: jest.Mock;
  checkpoints: string[];
  /** What each checkpointed function returned (checkpoint values are stored with the task). */
  checkpointValues: unknown[];
  workspacePath: string;
}

/**
 * Builds an action context with `createMockActionContext` from
 * `@backstage/plugin-scaffolder-node-test-utils` (0.3.14, which is built against
 * scaffolder-node 0.13 while this package uses 1.0: the ActionContext shapes are identical, so
 * the result is typed with the 1.0 `ActionContext`). The logger is a `mockServices.logger.mock()`
 * so tests can read every log call, and checkpoints are recorded.
 */
export async function createTestContext<I extends JsonObject>(
  input: I,
  overrides: {
    isDryRun?: boolean;
    secrets?: Record<string, string>;
    credentials?: BackstageCredentials;
    userRef?: string;
    workspacePath?: string;
    /** Called before each checkpointed function runs, e.g. to inject a failure. */
    onCheckpoint?: (key: string) => void;
  } = {},
): Promise<TestContext<I>> {
  const workspacePath =
    overrides.workspacePath ??
    (await fs.mkdtemp(path.join(os.tmpdir(), 'layering-actions-test-')));
  const logger = mockServices.logger.mock();
  const output = jest.fn();
  const checkpoints: string[] = [];
  const checkpointValues: unknown[] = [];
  const credentials =
    overrides.credentials ??
    mockCredentials.user(overrides.userRef ?? 'user:default/jdoe');
  const base = createMockActionContext<I>({
    input,
    workspacePath,
    logger,
    secrets: overrides.secrets,
    task: { id: 'task-0001' },
    user: { ref: overrides.userRef ?? 'user:default/jdoe' },
  }) as unknown as ActionContext<I, any>;
  // The mock helper keeps only some of the fields it is given; the rest is spread in here.
  const ctx: ActionContext<I, any> = {
    ...base,
    output,
    getInitiatorCredentials: async () => credentials,
    async checkpoint(opts) {
      checkpoints.push(opts.key);
      overrides.onCheckpoint?.(opts.key);
      const value = await opts.fn();
      checkpointValues.push(value);
      return value;
    },
    isDryRun: overrides.isDryRun ?? false,
  };
  return { ctx, logger, output, checkpoints, checkpointValues, workspacePath };
}

/** Runs `action` with `input` in a fresh test context and returns that context to look at. */
export async function runAction<I extends JsonObject>(
  action: TemplateAction<any, any, any>,
  input: I,
  overrides?: Parameters<typeof createTestContext>[1],
): Promise<TestContext<I>> {
  const test = await createTestContext(input, overrides);
  await action.handler(test.ctx);
  return test;
}

/** Every output the action set, as one object. */
export function outputsOf(output: jest.Mock): Record<string, unknown> {
  return Object.fromEntries(output.mock.calls.map(([k, v]) => [k, v]));
}

/** Everything the logger was given, serialised, for leak checks. */
export function loggedText(
  logger: ReturnType<typeof mockServices.logger.mock>,
): string {
  const calls = [
    ...logger.info.mock.calls,
    ...logger.warn.mock.calls,
    ...logger.error.mock.calls,
    ...logger.debug.mock.calls,
  ];
  return calls
    .map(args =>
      args
        .map(a =>
          a instanceof Error ? `${a.message} ${a.stack}` : JSON.stringify(a),
        )
        .join(' '),
    )
    .join('\n');
}

/** All files of a directory tree, relative path → content. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else {
        result[path.relative(root, full)] = await fs.readFile(full, 'utf8');
      }
    }
  }
  await walk(root);
  return result;
}
