/**
 * Containerfile analysis on the dockerfile-ast syntax tree: this file checks the
 * structure and runs the rules. The shell tokenizer that reads RUN arguments
 * (never pattern-matching the raw file) is in `containerfileShell.ts`, the rules
 * in `containerfileRules.ts`, and the `containerFile[]` limits of each
 * MachineOSConfig API version in `containerfileLimits.ts`.
 */
import { issue } from './issue';
import { DockerfileParser, Keyword, Run } from 'dockerfile-ast';
import type { ValidationIssue, LayeringPolicy } from './validation';
import { analyzeRuns, checkBases, lineOf } from './containerfileRules';
import { checkContainerfileSafety } from './containerfileSafety';

export {
  tokenizeShell,
  splitShellCommands,
  classifyCommand,
  type CommandKind,
  type ShellCommand,
} from './containerfileShell';
export { isRepoReleaseRpm } from './containerfileRules';
export { findContainerfileCredentials } from './containerfileSafety';
export {
  CONTAINERFILE_LIMITS,
  validateContainerfileEntries,
} from './containerfileLimits';

/** Where the packages of a layered image come from, for the entitlement question. @public */
export type EntitlementNeed = 'required' | 'possible' | 'none';

/** The result of {@link analyzeContainerfile}. @public */
export interface ContainerfileAnalysis {
  issues: ValidationIssue[];
  /** Every FROM, in order, with its 1-based line. */
  froms: Array<{ image: string | null; stage: string | null; line: number }>;
  /** Packages installed by name, with the line of their RUN step. */
  packages: Array<{ name: string; line: number; fromExtraRepo: boolean }>;
  /** RPMs installed by URL. */
  rpmUrls: Array<{ url: string; line: number }>;
  /** Whether the build needs the `etc-pki-entitlement` secret. */
  entitlement: EntitlementNeed;
  /** Whether the instructions parsed at all (false: nothing else is reliable). */
  parsed: boolean;
}

/** Options of {@link analyzeContainerfile}. @public */
export interface ContainerfileCheckOptions {
  /** `on-cluster` content must end with `FROM configs AS final`; `out-of-cluster` must start FROM an image by digest. */
  mode: 'on-cluster' | 'out-of-cluster';
  /** Form field to address issues to. Default `containerfile`. */
  field?: string;
  policy?: LayeringPolicy;
  /** For out-of-cluster: the release's rhel-coreos image, to warn when the base differs. */
  expectedBaseImage?: string | null;
}

const KNOWN_KEYWORDS = new Set<string>(Object.values(Keyword));
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/**
 * Parses and checks a Containerfile. Issues carry 1-based line numbers.
 * @public
 */
export function analyzeContainerfile(
  content: string,
  options: ContainerfileCheckOptions,
): ContainerfileAnalysis {
  const field = options.field ?? 'containerfile';
  const result: ContainerfileAnalysis = {
    issues: [],
    froms: [],
    packages: [],
    rpmUrls: [],
    entitlement: 'none',
    parsed: false,
  };
  const add = (
    message: string,
    severity: 'error' | 'warning' = 'error',
    line?: number,
  ) =>
    result.issues.push(
      issue(
        field,
        line === undefined ? message : `Line ${line}: ${message}`,
        severity,
        line,
      ),
    );

  if (!content || !content.trim()) {
    add('The Containerfile is empty.');
    return result;
  }
  const dockerfile = DockerfileParser.parse(content);
  const instructions = dockerfile.getInstructions();
  if (!instructions.length) {
    add('The Containerfile has no instructions.');
    return result;
  }

  // Structure: known keywords, arguments present, FROM first (ARG may precede it).
  let sawFrom = false;
  let structural = false;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const line = lineOf(instruction);
    if (!KNOWN_KEYWORDS.has(keyword)) {
      add(
        `unknown instruction "${instruction.getInstruction()}".`,
        'error',
        line,
      );
      structural = true;
      continue;
    }
    if (
      instruction.getArguments().length === 0 &&
      !(instruction instanceof Run && instruction.getHeredocs().length)
    ) {
      add(`${keyword} needs arguments.`, 'error', line);
      structural = true;
    }
    if (keyword === 'FROM') sawFrom = true;
    else if (!sawFrom && keyword !== 'ARG') {
      add(
        `${keyword} before the first FROM; only ARG may come before FROM.`,
        'error',
        line,
      );
      structural = true;
    }
    for (const heredoc of instruction instanceof Run
      ? instruction.getHeredocs()
      : []) {
      if (!heredoc.getDelimiterRange()) {
        add(
          `the here-document <<${heredoc.getName()} is not terminated.`,
          'error',
          line,
        );
        structural = true;
      }
    }
  }
  if (!sawFrom) {
    add('The Containerfile has no FROM instruction.');
    return result;
  }

  // FROM lines: `FROM [--platform=…] image [AS name]`; stage names are case-insensitive.
  const froms = dockerfile.getFROMs();
  for (const from of froms) {
    const line = lineOf(from);
    const args = from.getArguments().map(a => a.getValue());
    const stage = from.getBuildStage();
    if (
      args.length === 2 ||
      args.length > 3 ||
      (args.length === 3 && args[1].toLowerCase() !== 'as')
    ) {
      add('FROM takes an image and an optional "AS <name>".', 'error', line);
      structural = true;
    } else if (stage !== null && !STAGE_NAME.test(stage.toLowerCase())) {
      add(`"${stage}" is not a valid stage name.`, 'error', line);
      structural = true;
    }
    result.froms.push({
      image: from.getImage(),
      stage: stage === null ? null : stage.toLowerCase(),
      line,
    });
  }
  result.parsed = !structural;

  checkBases(dockerfile, froms, options, add);
  analyzeRuns(dockerfile.getInstructions(), options, result, add);
  // A URL that is refused already needs no advice on pinning it.
  const refused = new Set(
    result.issues.filter(i => i.severity === 'error').map(i => i.line),
  );
  checkContainerfileSafety(
    dockerfile.getInstructions(),
    {
      rpmUrlLines: result.rpmUrls
        .map(r => r.line)
        .filter(line => !refused.has(line)),
      refusedLines: refused,
    },
    add,
  );
  return result;
}
