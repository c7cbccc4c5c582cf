/**
 * The shell side of Containerfile analysis: a small tokenizer for RUN arguments
 * (quotes, escapes and the `&&`, `||`, `;`, `|` separators), what each command
 * does as far as layering cares, and the shell text of a RUN step in any of its
 * forms (shell, exec, here-documents).
 */
import type { Instruction, Run } from 'dockerfile-ast';

/**
 * Splits a shell command line into commands and words. Handles single and
 * double quotes, backslash escapes, comments, and the separators `&&`, `||`,
 * `;`, `|`, `&` and newlines. Substitutions are kept as literal text.
 * @public
 */
export function tokenizeShell(text: string): string[][] {
  return splitShellCommands(text).map(command => command.words);
}

/** One command of a shell line, and the separator that ends it. @public */
export interface ShellCommand {
  words: string[];
  /** `|`, `||`, `&&`, `;`, `&`, a newline, or `''` at the end of the text. */
  separator: string;
}

/**
 * {@link tokenizeShell} with the separator after each command, so that pipelines
 * (`curl … | sh`) can be told apart from command lists.
 * @public
 */
export function splitShellCommands(text: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (separator: string) => {
    endWord();
    if (words.length) commands.push({ words, separator });
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      word += text.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (ch === '"') {
      inWord = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (
          text[i] === '\\' &&
          i + 1 < text.length &&
          '"\\$`\n'.includes(text[i + 1])
        ) {
          i++;
        }
        word += text[i];
        i++;
      }
    } else if (ch === '\\') {
      if (text[i + 1] === '\n') {
        i++;
      } else if (i + 1 < text.length) {
        word += text[i + 1];
        inWord = true;
        i++;
      }
    } else if (ch === '#' && !inWord) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else if (ch === '\n' || ch === ';') {
      endCommand(ch);
    } else if (ch === '&' || ch === '|') {
      const doubled = text[i + 1] === ch;
      if (doubled) i++;
      endCommand(doubled ? ch + ch : ch);
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand('');
  return commands;
}

/** What a RUN step's command does, as far as layering cares. @public */
export type CommandKind =
  | {
      kind: 'install';
      tool: string;
      packages: string[];
      urls: string[];
      localFiles: string[];
    }
  | { kind: 'override-replace'; urls: string[]; packages: string[] }
  | { kind: 'override-remove'; packages: string[] }
  | { kind: 'add-repo'; urls: string[] }
  | { kind: 'enable-units'; units: string[] }
  | { kind: 'commit' }
  | { kind: 'cleanup' }
  | { kind: 'other' };

const DNF_TOOLS = new Set(['dnf', 'dnf5', 'yum', 'microdnf']);
const DNF_INSTALL_VERBS = new Set([
  'install',
  'in',
  'reinstall',
  'localinstall',
]);
/** dnf/yum options that take the next word as their value. */
const OPTIONS_WITH_VALUE = new Set([
  '--enablerepo',
  '--disablerepo',
  '--repo',
  '--repoid',
  '--setopt',
  '-c',
  '--config',
  '--releasever',
  '--installroot',
  '-x',
  '--exclude',
  '--nogpgcheck-for',
]);

function stripPrefix(words: string[]): string[] {
  let i = 0;
  while (
    i < words.length &&
    (words[i] === 'sudo' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))
  ) {
    i++;
  }
  return words.slice(i);
}

function splitArgs(args: string[]): { positional: string[] } {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    positional.push(arg);
  }
  return { positional };
}

function classifyTargets(values: string[]) {
  const urls: string[] = [];
  const packages: string[] = [];
  const localFiles: string[] = [];
  for (const value of values) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) urls.push(value);
    else if (value.endsWith('.rpm')) localFiles.push(value);
    else packages.push(value);
  }
  return { urls, packages, localFiles };
}

/**
 * Classifies one shell command of a RUN step.
 * @public
 */
export function classifyCommand(rawWords: string[]): CommandKind {
  const words = stripPrefix(rawWords);
  const [tool, ...rest] = words;
  if (!tool) return { kind: 'other' };
  if (DNF_TOOLS.has(tool)) {
    const { positional } = splitArgs(rest);
    const [verb, ...targets] = positional;
    if (verb && DNF_INSTALL_VERBS.has(verb)) {
      return { kind: 'install', tool, ...classifyTargets(targets) };
    }
    if (verb === 'config-manager') {
      const urls: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '--add-repo' && rest[i + 1]) urls.push(rest[i + 1]);
        else if (rest[i].startsWith('--add-repo='))
          urls.push(rest[i].slice('--add-repo='.length));
        else if (rest[i] === 'addrepo' || rest[i] === '--from-repofile') {
          // dnf5 syntax: config-manager addrepo --from-repofile=URL
        } else if (rest[i].startsWith('--from-repofile='))
          urls.push(rest[i].slice('--from-repofile='.length));
      }
      return { kind: 'add-repo', urls };
    }
    if (verb === 'clean') return { kind: 'cleanup' };
    return { kind: 'other' };
  }
  if (tool === 'rpm-ostree') {
    const { positional } = splitArgs(rest);
    const [verb, sub, ...more] = positional;
    if (verb === 'install') {
      const targets = classifyTargets(sub === undefined ? [] : [sub, ...more]);
      return { kind: 'install', tool, ...targets };
    }
    if (verb === 'override' && sub === 'replace') {
      const targets = classifyTargets(more);
      return {
        kind: 'override-replace',
        urls: targets.urls,
        packages: [...targets.packages, ...targets.localFiles],
      };
    }
    if (verb === 'override' && sub === 'remove') {
      return { kind: 'override-remove', packages: more };
    }
    if (verb === 'cleanup') return { kind: 'cleanup' };
    return { kind: 'other' };
  }
  if (tool === 'rpm') {
    const installFlag = rest.some(
      a =>
        /^-[iUF]/.test(a) ||
        a === '--install' ||
        a === '--upgrade' ||
        a === '--freshen',
    );
    if (installFlag) {
      const { positional } = splitArgs(rest);
      return { kind: 'install', tool, ...classifyTargets(positional) };
    }
    return { kind: 'other' };
  }
  if (tool === 'ostree' && rest[0] === 'container' && rest[1] === 'commit') {
    return { kind: 'commit' };
  }
  if (tool === 'bootc' && rest[0] === 'container' && rest[1] === 'lint') {
    return { kind: 'commit' };
  }
  if (tool === 'systemctl') {
    const { positional } = splitArgs(rest);
    if (positional[0] === 'enable')
      return { kind: 'enable-units', units: positional.slice(1) };
    return { kind: 'other' };
  }
  return { kind: 'other' };
}

/** Decodes the JSON array of an exec-form instruction between two positions. */
function decodeJsonArray(
  instruction: Instruction,
  start: { line: number; character: number },
  end: { line: number; character: number },
): string[] | null {
  const lines = instruction.getTextContent().split('\n');
  const first = instruction.getRange().start.line;
  const parts: string[] = [];
  for (let line = start.line; line <= end.line; line++) {
    const text = lines[line - first] ?? '';
    const from = line === start.line ? start.character : 0;
    const to = line === end.line ? end.character : text.length;
    // Drop a trailing escape that continues the instruction on the next line.
    parts.push(
      line === end.line
        ? text.slice(from, to)
        : text.slice(from, to).replace(/\\\s*$/, ''),
    );
  }
  try {
    const value: unknown = JSON.parse(parts.join(' '));
    return Array.isArray(value) && value.every(v => typeof v === 'string')
      ? value
      : null;
  } catch {
    return null;
  }
}

/**
 * The shell text of a RUN step: its heredoc bodies, or its (continuation-joined) arguments.
 * Package-internal (not exported from the entry point).
 * @internal
 */
export function runShellText(run: Run): string | null {
  const heredocs = run.getHeredocs();
  if (heredocs.length) {
    const text = run.getTextContent().split('\n');
    const start = run.getRange().start.line;
    return heredocs
      .map(h => {
        const range = h.getContentRange();
        if (!range) return '';
        return text
          .slice(range.start.line - start, range.end.line - start + 1)
          .join('\n');
      })
      .join('\n');
  }
  const open = run.getOpeningBracket();
  const close = run.getClosingBracket();
  if (open && close && run.getJSONStrings().length) {
    // Exec form. (getJSONValue() of dockerfile-ast 0.7 drops spaces, so decode the array text.)
    const values = decodeJsonArray(
      run,
      open.getRange().start,
      close.getRange().end,
    );
    if (values) {
      // ["sh", "-c", "script"] runs the script; anything else is one command.
      if (
        values.length >= 3 &&
        /(^|\/)(ba)?sh$/.test(values[0]) &&
        values[1] === '-c'
      ) {
        return values.slice(2).join(' ');
      }
      return values.map(v => `'${v.replace(/'/g, "'\\''")}'`).join(' ');
    }
  }
  return run.getArgumentsContent();
}
