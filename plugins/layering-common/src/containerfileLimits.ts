/**
 * Limits of the MachineOSConfig `containerFile[]` list per API version, and
 * their checks (architecture enum, one entry per architecture, item count,
 * content length).
 */
import { issue } from './issue';
import type { MachineOSConfigApiVersion, ValidationIssue } from './validation';

/** Limits of MachineOSConfig `containerFile[]` per API version. @public */
export const CONTAINERFILE_LIMITS = {
  v1: {
    architectures: ['ARM64', 'AMD64', 'PPC64LE', 'S390X', 'NoArch'] as const,
    defaultArchitecture: 'NoArch',
    maxItems: 4,
    maxContentLength: 4096 as number | null,
  },
  v1alpha1: {
    architectures: [
      'arm64',
      'amd64',
      'ppc64le',
      's390x',
      'aarch64',
      'x86_64',
      'noarch',
    ] as const,
    defaultArchitecture: 'noarch',
    maxItems: 7,
    maxContentLength: null as number | null,
  },
};

/**
 * Checks the `containerFile[]` entries of a MachineOSConfig for the API
 * version: architecture enum, one entry per architecture, item count and
 * content length (4096 characters on v1; v1alpha1 has no limit but gets a
 * warning because a v1 migration would refuse it).
 * @public
 */
export function validateContainerfileEntries(
  entries: Array<{ containerfileArch?: string | null; content: string }>,
  apiVersion: MachineOSConfigApiVersion,
  field = 'containerfile',
): ValidationIssue[] {
  const limits = CONTAINERFILE_LIMITS[apiVersion];
  const issues: ValidationIssue[] = [];
  if (entries.length > limits.maxItems) {
    issues.push(
      issue(
        field,
        `At most ${limits.maxItems} Containerfiles are allowed on ${apiVersion} (one per architecture).`,
      ),
    );
  }
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const arch = entry.containerfileArch ?? limits.defaultArchitecture;
    const entryField = entries.length > 1 ? `${field}[${index}]` : field;
    if (!(limits.architectures as readonly string[]).includes(arch)) {
      issues.push(
        issue(
          entryField,
          `"${arch}" is not an architecture ${apiVersion} accepts (${limits.architectures.join(
            ', ',
          )}).`,
        ),
      );
    }
    if (seen.has(arch)) {
      issues.push(
        issue(entryField, `There is already a Containerfile for ${arch}.`),
      );
    }
    seen.add(arch);
    const length = entry.content.length;
    if (limits.maxContentLength !== null && length > limits.maxContentLength) {
      issues.push(
        issue(
          entryField,
          `The Containerfile has ${length} characters; ${apiVersion} allows at most ${limits.maxContentLength} per architecture.`,
        ),
      );
    } else if (limits.maxContentLength === null && length > 4096) {
      issues.push(
        issue(
          entryField,
          `The Containerfile has ${length} characters: v1 allows at most 4096, so this MachineOSConfig cannot be carried over to v1 as is.`,
          'warning',
        ),
      );
    }
  });
  return issues;
}
