import {
  analyzeContainerfile,
  validateContainerfileEntries,
  type MachineOSConfigApiVersion,
  type PoolLayeringSettings,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';

/**
 * `ui:options` of the `LayeringContainerfileEditor` field.
 *
 * @public
 */
export interface LayeringContainerfileEditorOptions {
  /**
   * `on-cluster` (default): the content of a MachineOSConfig, which must end
   * with `FROM configs AS final`. `out-of-cluster`: a Containerfile built
   * elsewhere, which must start FROM the base image by digest.
   */
  mode?: 'on-cluster' | 'out-of-cluster';
  /** MachineOSConfig API version; by default the chosen cluster's. */
  apiVersion?: MachineOSConfigApiVersion;
  /** Form field holding the `LayeringPoolPicker` value (default `target`). */
  poolField?: string;
  /** A fixed cluster, instead of the one chosen in the form. */
  cluster?: string;
  /** Editor height in lines (default 16). */
  rows?: number;
  /**
   * Start from the chosen pool's current Containerfile (its MachineOSConfig's
   * `NoArch` entry, else the `AMD64` one) while the editor is empty or holds
   * the template default. An unedited prefill follows the pool when it
   * changes, and goes back to the template default for a pool with no
   * Containerfile to offer. What the user typed is never replaced.
   */
  prefillFromPool?: boolean;
}

/**
 * Checks Containerfile content with the rules the scaffolder actions apply:
 * the shared Containerfile analysis, plus the MachineOSConfig limits of the
 * API version for on-cluster content.
 */
export function containerfileIssues(
  content: string,
  options: {
    mode: 'on-cluster' | 'out-of-cluster';
    apiVersion?: MachineOSConfigApiVersion | null;
    expectedBaseImage?: string | null;
  },
): ValidationIssue[] {
  if (content.trim() === '') {
    return [
      {
        field: 'containerfile',
        message: 'The Containerfile is empty.',
        severity: 'error',
      },
    ];
  }
  const issues = [
    ...analyzeContainerfile(content, {
      mode: options.mode,
      expectedBaseImage: options.expectedBaseImage,
    }).issues,
  ];
  if (options.mode === 'on-cluster') {
    issues.push(
      ...validateContainerfileEntries(
        [{ content }],
        options.apiVersion ?? 'v1',
      ),
    );
  }
  return issues;
}

/** An issue as one sentence, led by its line when the message lacks it. */
export function formatIssue(issue: ValidationIssue): string {
  return issue.line && !issue.message.startsWith('Line ')
    ? `Line ${issue.line}: ${issue.message}`
    : issue.message;
}

/**
 * The Containerfile a form starts from: the `NoArch` entry of a pool's
 * MachineOSConfig, else its `AMD64` one.
 */
export function currentContainerfile(
  settings: PoolLayeringSettings | undefined,
): string | undefined {
  if (settings?.mode !== 'on-cluster') {
    return undefined;
  }
  const entries = settings.containerfiles;
  return (
    entries.find(e => e.arch === 'NoArch') ??
    entries.find(e => e.arch === 'AMD64')
  )?.content;
}

/**
 * Warnings about the pool's MachineOSConfig Containerfiles: the MCO builds only the `NoArch`
 * one, so an entry for one architecture is never built, and the request writes its content
 * as `NoArch`.
 */
export function poolArchWarnings(
  settings: PoolLayeringSettings | undefined,
  pool: string | undefined,
): ValidationIssue[] {
  if (settings?.mode !== 'on-cluster') return [];
  const others = settings.containerfiles
    .map(e => e.arch)
    .filter(arch => arch !== 'NoArch');
  if (others.length === 0) return [];
  const hasNoArch = settings.containerfiles.some(e => e.arch === 'NoArch');
  return [
    {
      field: 'containerfileArch',
      severity: 'warning',
      message: `The MachineOSConfig of ${
        pool ? `pool ${pool}` : 'the pool'
      } has a Containerfile for ${others.join(
        ', ',
      )}, which the MCO ignores: it builds only the NoArch one. ${
        hasNoArch
          ? 'This request changes the NoArch one.'
          : 'This request writes the content as NoArch, so it is built.'
      }`,
    },
  ];
}
