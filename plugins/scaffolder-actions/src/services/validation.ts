import { InputError } from '@backstage/errors';
import {
  hasErrors,
  validateDns1123Subdomain,
  type LayeringPolicy,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringActionsConfig } from '../config';

/**
 * Glue between the shared rules of layering-common (which return issues addressed to form
 * fields) and the scaffolder (which wants one error): the rules themselves live in common.
 */

/** Formats issues as `field: message` lines. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map(i => `${i.field}: ${i.message}`).join('\n');
}

/** Throws an `InputError` listing every error issue, addressed to its form field. */
export function throwIfErrors(issues: readonly ValidationIssue[], what: string): void {
  if (hasErrors(issues)) {
    throw new InputError(
      `${what}:\n${formatIssues(issues.filter(i => i.severity === 'error'))}`,
    );
  }
}

/** The warning texts of a list of issues. */
export function warningsOf(issues: readonly ValidationIssue[]): string[] {
  return issues.filter(i => i.severity === 'warning').map(i => i.message);
}

/** Checks a Kubernetes object name (DNS-1123 subdomain) before it is used in any request. */
export function assertResourceName(field: string, value: string): void {
  const issues = validateDns1123Subdomain(value, field);
  if (issues.length > 0) {
    throw new InputError(formatIssues(issues));
  }
}

/** The organisation policy for layered content, from `layering.actions`. */
export function policyFromConfig(config: LayeringActionsConfig): LayeringPolicy {
  return {
    allowedPackages: config.allowedPackages.length ? config.allowedPackages : undefined,
    allowedRpmHosts: config.allowedUrlHosts.length ? config.allowedUrlHosts : undefined,
    allowedPrivateHosts: config.allowedUrlHosts,
  };
}

const NODE_ROLE_LABEL = /^node-role\.kubernetes\.io\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;
const RESERVED_NODE_ROLES = ['master', 'control-plane', 'worker', 'arbiter'];

/**
 * Layering changes one thing on a node: its pool label. A pool whose nodeSelector asks for
 * more (several labels, a label other than a node role, or the role of a built-in pool) would
 * make the node patch change scheduling or control-plane membership too, so it is refused.
 * Used when nodes join (node assign) and leave (revert) a custom pool.
 */
export function assertPoolLabelOnly(pool: string, nodeLabels: Record<string, string>): void {
  const entries = Object.entries(nodeLabels);
  const [key, value] = entries[0] ?? [];
  const role = key ? NODE_ROLE_LABEL.exec(key)?.[1] : undefined;
  if (entries.length !== 1 || !role || value !== '' || RESERVED_NODE_ROLES.includes(role)) {
    throw new InputError(
      `pool: ${pool} selects nodes by ${entries
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}; layering changes one label on a node, the node-role.kubernetes.io/<role> label of a custom pool, with an empty value`,
    );
  }
}
