/**
 * Safety rules of Containerfile analysis. A credential written into a
 * Containerfile lands in the pull request, the MachineOSConfig and the image
 * history, so ENV, ARG and RUN steps (here-documents too) that carry one are
 * errors; findings name the line and the kind of credential, never its value.
 * Piping a download into a shell and remote content without a checksum are
 * warnings.
 */
import {
  Add,
  Arg,
  DockerfileParser,
  Env,
  Instruction,
  Run,
} from 'dockerfile-ast';
import { issue } from './issue';
import type { ValidationIssue } from './validation';
import { runShellText, splitShellCommands } from './containerfileShell';
import type { AddIssue } from './containerfileRules';

const ADVICE =
  'a credential in a Containerfile lands in the pull request, the MachineOSConfig and the image; mount it at build time with RUN --mount=type=secret instead.';

/** Credential shapes that are recognisable on their own, wherever they appear. */
const CREDENTIAL_SHAPES: Array<{ what: string; pattern: RegExp }> = [
  {
    what: 'a private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  {
    what: 'a GitHub token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/,
  },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'an AWS access key', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/ },
];

/** Variable names that hold credentials: `GITHUB_TOKEN`, `PGPASSWORD`, `CLIENT_SECRET`, `API_KEY`. */
const CREDENTIAL_NAME =
  /(?:TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)$/i;

/** Options whose value is a credential, for any command (`--password=…`, `--token …`). */
const CREDENTIAL_OPTIONS = new Set([
  '--password',
  '--passwd',
  '--pass',
  '--http-password',
  '--ftp-password',
  '--proxy-password',
  '--token',
  '--auth-token',
  '--access-token',
  '--secret',
  '--client-secret',
  '--api-key',
  '--apikey',
  '--access-key',
  '--secret-key',
]);

/** Options whose value is `user:password` for any tool (skopeo, podman, buildah). */
const CREDS_OPTIONS = new Set(['--creds', '--src-creds', '--dest-creds']);
/** Options whose value is `user:password` for downloaders only (`podman run -u 0:0` is a uid:gid). */
const DOWNLOADER_USER_OPTIONS = new Set(['-u', '--user', '--proxy-user']);

/** Tools for which `-p VALUE` is a password. */
const LOGIN_TOOLS = new Set([
  'podman',
  'docker',
  'buildah',
  'skopeo',
  'helm',
  'oras',
]);
/** Tools that take the password glued to `-p`. */
const GLUED_PASSWORD_TOOLS = new Set([
  'mysql',
  'mariadb',
  'mysqladmin',
  'mysqldump',
]);

const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'python',
  'python3',
  'perl',
]);
const DOWNLOADERS = new Set(['curl', 'wget']);
const CHECKSUM =
  /\b(?:sha(?:256|384|512)sum|b2sum)\b[^\n]*(?:-c\b|--check\b)|\bopenssl\s+dgst\b|\bgpg2?\b[^\n]*--verify\b|\brpm\s+(?:-K|--checksig)\b/;

/** A value is literal unless it is (or starts with) a variable, a substitution or nothing. */
function isLiteral(value: string | null | undefined): boolean {
  const trimmed = (value ?? '').trim();
  return trimmed.length > 0 && !/^[$`]/.test(trimmed);
}

/** For `user:password` values: whether the password part is literal. */
function hasLiteralPassword(value: string | undefined): boolean {
  if (!value) return false;
  const colon = value.indexOf(':');
  return colon >= 0 && isLiteral(value.slice(colon + 1));
}

/** The words of a command after `sudo`, `env` and leading `NAME=value` assignments. */
function commandWords(words: string[]): string[] {
  let i = 0;
  while (
    i < words.length &&
    (words[i] === 'sudo' ||
      words[i] === 'env' ||
      words[i] === 'export' ||
      /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))
  ) {
    i++;
  }
  return words.slice(i);
}

function toolName(word: string | undefined): string {
  return (word ?? '').replace(/^.*\//, '');
}

/** The 1-based line inside an instruction whose text contains `needle`; else its first line. */
function lineOfText(instruction: Instruction, needle: string): number {
  const start = instruction.getRange().start.line;
  const lines = instruction.getTextContent().split('\n');
  const index = lines.findIndex(l => l.includes(needle));
  return start + (index < 0 ? 0 : index) + 1;
}

/** Findings of one shell command: credential assignments, options and arguments. */
function commandCredentials(
  words: string[],
): Array<{ what: string; needle: string }> {
  const found: Array<{ what: string; needle: string }> = [];
  for (const word of words) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (
      assignment &&
      CREDENTIAL_NAME.test(assignment[1]) &&
      isLiteral(assignment[2])
    ) {
      found.push({
        what: `${assignment[1]} is set to a literal value`,
        needle: `${assignment[1]}=`,
      });
    }
  }
  const args = commandWords(words);
  const tool = toolName(args[0]);
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const next = inline ?? args[i + 1];
    if (name.startsWith('--') && CREDENTIAL_OPTIONS.has(name)) {
      // `--secret id=…,src=…` hands a build secret over by reference, which is the safe way.
      const reference =
        name === '--secret' && /^(id|src|env|type)=/.test(next ?? '');
      if (isLiteral(next) && !reference) {
        found.push({ what: `${name} is given a literal value`, needle: name });
      }
    } else if (
      CREDS_OPTIONS.has(name) ||
      (DOWNLOADER_USER_OPTIONS.has(name) && DOWNLOADERS.has(tool))
    ) {
      if (hasLiteralPassword(next)) {
        found.push({
          what: `${name} is given a literal user:password`,
          needle: name,
        });
      }
    } else if (arg === '-p' && LOGIN_TOOLS.has(tool)) {
      if (isLiteral(args[i + 1])) {
        found.push({
          what: `${tool} -p is given a literal password`,
          needle: '-p',
        });
      }
    } else if (
      /^-p./.test(arg) &&
      (GLUED_PASSWORD_TOOLS.has(tool) || tool === 'sshpass') &&
      isLiteral(arg.slice(2))
    ) {
      found.push({
        what: `${tool} -p is given a literal password`,
        needle: '-p',
      });
    } else if (arg === '-p' && tool === 'sshpass' && isLiteral(args[i + 1])) {
      found.push({
        what: 'sshpass -p is given a literal password',
        needle: '-p',
      });
    }
  }
  return found;
}

/** Literal `Authorization:` headers and `user:password@` URLs in a text. */
function textCredentials(
  text: string,
): Array<{ what: string; needle: string }> {
  const found: Array<{ what: string; needle: string }> = [];
  const header =
    /authorization:\s*(?:(?:bearer|basic|token|apikey)\s+)?([^\s'"]+)/gi;
  for (const match of text.matchAll(header)) {
    if (isLiteral(match[1])) {
      found.push({
        what: 'an Authorization header carries a literal credential',
        needle: match[0].slice(0, 14),
      });
    }
  }
  const url = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@:'"]+):([^\s/@'"]+)@/gi;
  for (const match of text.matchAll(url)) {
    if (isLiteral(match[2])) {
      found.push({
        what: 'a URL carries a literal user:password',
        needle: `${match[1]}:`,
      });
    }
  }
  return found;
}

/** Credential findings of an instruction, deduplicated per line and kind. */
function instructionCredentials(
  instruction: Instruction,
): Array<{ what: string; line: number }> {
  const found: Array<{ what: string; needle: string }> = [];
  const raw = instruction.getTextContent();
  for (const { what, pattern } of CREDENTIAL_SHAPES) {
    const match = pattern.exec(raw);
    if (match) {
      found.push({
        what: `it contains ${what}`,
        needle: match[0].slice(0, 10),
      });
    }
  }
  if (instruction instanceof Env) {
    for (const property of instruction.getProperties()) {
      if (
        CREDENTIAL_NAME.test(property.getName()) &&
        isLiteral(property.getValue())
      ) {
        found.push({
          what: `ENV sets ${property.getName()} to a literal value`,
          needle: property.getName(),
        });
      }
      found.push(...textCredentials(property.getValue() ?? ''));
    }
  } else if (instruction instanceof Arg) {
    const property = instruction.getProperty();
    if (property) {
      if (
        CREDENTIAL_NAME.test(property.getName()) &&
        isLiteral(property.getValue())
      ) {
        found.push({
          what: `ARG gives ${property.getName()} a literal default`,
          needle: property.getName(),
        });
      }
      found.push(...textCredentials(property.getValue() ?? ''));
    }
  } else if (instruction instanceof Run) {
    const text = runShellText(instruction) ?? '';
    for (const command of splitShellCommands(text)) {
      found.push(...commandCredentials(command.words));
    }
    found.push(...textCredentials(text));
  }
  // One finding per line, naming every kind of credential found there.
  const byLine = new Map<number, string[]>();
  for (const { what, needle } of found) {
    const line = lineOfText(instruction, needle);
    const kinds = byLine.get(line) ?? [];
    if (!kinds.includes(what)) kinds.push(what);
    byLine.set(line, kinds);
  }
  return [...byLine.entries()].map(([line, kinds]) => ({
    what: kinds.join('; '),
    line,
  }));
}

/** Warnings about downloads a RUN step trusts without a check. */
function runDownloadWarnings(run: Run, add: AddIssue): void {
  const text = runShellText(run) ?? '';
  const commands = splitShellCommands(text);
  const verified = CHECKSUM.test(text);
  let piped = false;
  commands.forEach((command, index) => {
    const words = commandWords(command.words);
    const tool = toolName(words[0]);
    if (!DOWNLOADERS.has(tool)) return;
    const nextWords = commandWords(commands[index + 1]?.words ?? []);
    if (command.separator === '|' && SHELLS.has(toolName(nextWords[0]))) {
      piped = true;
      add(
        `${tool} pipes a download straight into ${toolName(
          nextWords[0],
        )}: whatever the server sends runs as root in the build. Download the script, check its checksum, then run it.`,
        'warning',
        lineOfText(run, tool),
      );
    }
  });
  const substituted =
    /\b(?:sh|bash|zsh|dash|ksh)\b[^\n;&|]*(?:\$\(|<\(|`)\s*(curl|wget)\b/.exec(
      text,
    );
  if (substituted) {
    piped = true;
    add(
      `a shell runs what ${substituted[1]} downloads: whatever the server sends runs as root in the build. Download the script, check its checksum, then run it.`,
      'warning',
      lineOfText(run, substituted[1]),
    );
  }
  if (piped || verified) return;
  for (const command of commands) {
    const words = commandWords(command.words);
    const tool = toolName(words[0]);
    if (DOWNLOADERS.has(tool) && words.some(w => /^https?:\/\//i.test(w))) {
      add(
        `${tool} downloads remote content with no checksum check in this RUN step; pin it (sha256sum -c) so every build gets the same bytes.`,
        'warning',
        lineOfText(run, tool),
      );
      return;
    }
  }
}

/** Facts the other rules found that the safety rules need. @internal */
export interface SafetyContext {
  /** Lines of RUN steps that install RPMs by a URL the other rules accept. */
  rpmUrlLines: number[];
  /** Lines that already have an error. */
  refusedLines: Set<number | undefined>;
}

/**
 * Runs the safety rules over the instructions: credential errors for ENV, ARG, RUN
 * (here-documents included) and any instruction text with a key or token shape, and
 * download warnings.
 * @internal
 */
export function checkContainerfileSafety(
  instructions: Instruction[],
  context: SafetyContext,
  add: AddIssue,
): void {
  for (const instruction of instructions) {
    for (const { what, line } of instructionCredentials(instruction)) {
      add(
        `${instruction.getKeyword()} carries a credential (${what}): ${ADVICE}`,
        'error',
        line,
      );
    }
    if (instruction instanceof Run) {
      runDownloadWarnings(instruction, add);
      const start = instruction.getRange().start.line + 1;
      const text = runShellText(instruction) ?? '';
      if (context.rpmUrlLines.includes(start) && !CHECKSUM.test(text)) {
        add(
          'the RUN step installs an RPM from a URL without checking it first; download it, check its checksum (sha256sum -c) or signature (rpm -K), then install the file.',
          'warning',
          start,
        );
      }
    } else if (instruction instanceof Add) {
      const remote = instruction
        .getArguments()
        .slice(0, -1)
        .some(a => /^https?:\/\//i.test(a.getValue()));
      const pinned = instruction
        .getFlags()
        .some(f => f.getName() === 'checksum');
      const line = lineOfText(instruction, 'ADD');
      if (remote && !pinned && !context.refusedLines.has(line)) {
        add(
          'ADD fetches remote content without --checksum=sha256:<digest>; pin it so every build gets the same bytes.',
          'warning',
          line,
        );
      }
    }
  }
}

/**
 * The credential errors of a Containerfile alone, addressed to `field` with their lines:
 * what {@link analyzeContainerfile} refuses as a credential, for content found inside a
 * manifest (a MachineOSConfig's `containerFile[]`).
 * @public
 */
export function findContainerfileCredentials(
  content: string,
  field: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    for (const { what, line } of instructionCredentials(instruction)) {
      issues.push(
        issue(
          field,
          `Line ${line}: ${instruction.getKeyword()} carries a credential (${what}): ${ADVICE}`,
          'error',
          line,
        ),
      );
    }
  }
  return issues;
}
