import yaml from 'yaml';
import type {
  TemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createLayeringActions } from '../actions';
import { actionOptions } from './cluster';
import { createTestContext, outputsOf } from './context';

interface Step {
  id: string;
  action: string;
  input: JsonObject;
}

const STEP_OUTPUT = /^\$\{\{\s*steps\.([\w-]+)\.output\.([\w-]+)\s*\}\}$/;

/** Replaces `${{ steps.<id>.output.<name> }}` values with earlier step outputs. */
function resolve(
  value: unknown,
  outputs: Record<string, Record<string, unknown>>,
): unknown {
  if (typeof value === 'string') {
    const match = STEP_OUTPUT.exec(value);
    if (match) {
      const result = outputs[match[1]]?.[match[2]];
      if (result === undefined) {
        throw new Error(`example refers to missing output ${value}`);
      }
      return result;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(v => resolve(v, outputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolve(v, outputs)]),
    );
  }
  return value;
}

/**
 * Runs every step of an example with the matching action, in one workspace, passing step
 * outputs on as a template would. Returns the outputs per step id.
 */
export async function runExample(
  example: TemplateExample,
  actions: TemplateAction<any, any, any>[],
): Promise<Record<string, Record<string, unknown>>> {
  const { steps } = yaml.parse(example.example) as { steps: Step[] };
  const outputs: Record<string, Record<string, unknown>> = {};
  let workspacePath: string | undefined;
  for (const step of steps) {
    const action = actions.find(a => a.id === step.action);
    if (!action) {
      throw new Error(`example uses unknown action ${step.action}`);
    }
    const input = resolve(step.input, outputs) as JsonObject;
    const test = await createTestContext(input, { workspacePath });
    workspacePath = test.workspacePath;
    await action.handler(test.ctx);
    outputs[step.id] = outputsOf(test.output);
  }
  return outputs;
}

/**
 * The inputs of an example's steps that use `actionId`, for examples whose other steps stand for
 * services the test mocks (a forge) rather than actions it runs. Fails when there is none.
 */
export function exampleStepsOf(example: TemplateExample, actionId: string): JsonObject[] {
  const { steps } = yaml.parse(example.example) as { steps: Step[] };
  const inputs = steps.filter(s => s.action === actionId).map(s => s.input);
  expect(inputs.length).toBeGreaterThan(0);
  return inputs;
}

/** `it.each` rows for examples: each example under its description. */
export function exampleCases(examples: TemplateExample[]) {
  return examples.map(e => [e.description, e] as const);
}

/** Runs an example with every layering action wired to `cluster` (see `actionOptions`). */
export async function runLayeringExample(
  example: TemplateExample,
  cluster: EmbeddedCluster,
): Promise<Record<string, Record<string, unknown>>> {
  return runExample(example, createLayeringActions(actionOptions(cluster)));
}
