import type { IssueSeverity, ValidationIssue } from './validation';

/** Builds a {@link ValidationIssue}; package-internal (not exported from the entry point). @internal */
export function issue(
  field: string,
  message: string,
  severity: IssueSeverity = 'error',
  line?: number,
): ValidationIssue {
  return line === undefined
    ? { field, message, severity }
    : { field, message, severity, line };
}
