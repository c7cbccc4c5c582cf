/**
 * Helpers shared by the pre-flight rule sets: degraded conditions, secret
 * checks, built-in pools and build states, and pool lists in a sentence.
 * Package-internal (not exported from the entry point).
 */
import { issue } from './issue';
import type { PoolCondition } from './types';
import { MCO_NAMESPACE } from './annotations';
import { validateDns1123Subdomain, type ValidationIssue } from './validation';
import type { PreflightPool } from './preflight';

const DEGRADED_CONDITIONS = [
  'Degraded',
  'NodeDegraded',
  'RenderDegraded',
  'ImageBuildDegraded',
  'PinnedImageSetsDegraded',
];

/** Why a pool counts as degraded, or null. @internal */
export function degradedReason(pool: PreflightPool): string | null {
  const conditions: PoolCondition[] = pool.conditions ?? [];
  const bad =
    conditions.find(
      c =>
        DEGRADED_CONDITIONS.includes(c.type) &&
        c.status === 'True' &&
        c.type !== 'Degraded',
    ) ?? conditions.find(c => c.type === 'Degraded' && c.status === 'True');
  if (bad) return bad.type;
  if ((pool.degradedMachineCount ?? 0) > 0)
    return `${pool.degradedMachineCount} degraded node(s)`;
  return null;
}

/** Checks a secret name and that the secret exists in the MCO namespace. @internal */
export function checkSecret(
  issues: ValidationIssue[],
  secrets: Set<string>,
  name: string | null | undefined,
  field: string,
  what: string,
  required: boolean,
) {
  if (!name) {
    if (required) issues.push(issue(field, `The ${what} is required.`));
    return;
  }
  const nameIssues = validateDns1123Subdomain(name, field, `${what} name`);
  if (nameIssues.length) {
    issues.push(...nameIssues);
    return;
  }
  if (!secrets.has(name)) {
    issues.push(
      issue(
        field,
        `Secret ${name} does not exist in ${MCO_NAMESPACE}; create it there first.`,
      ),
    );
  }
}

/** MachineOSBuild states of a build that has not finished. @internal */
export const RUNNING_BUILD_STATES = ['Prepared', 'Building'];

/** `a` or `a, b` with the verb agreeing: `pool a inherits` / `pools a, b inherit`. @internal */
export function poolsPhrase(
  names: string[],
  singular: string,
  plural: string,
): string {
  return names.length === 1
    ? `Custom pool ${names[0]} ${singular}`
    : `Custom pools ${names.join(', ')} ${plural}`;
}
