/**
 * Containerfile analysis on the dockerfile-ast syntax tree: structure, the
 * package installs of RUN steps, and the MachineOSConfig rules. RUN arguments
 * are read through a small shell tokenizer (quotes, escapes and the `&&`, `||`,
 * `;`, `|` separators), never by pattern-matching the raw file.
 */
import { issue } from './issue';
import {
  Copy,
  type Dockerfile,
  DockerfileParser,
  From,
  Instruction,
  Keyword,
  Run,
} from 'dockerfile-ast';
import {
  type ValidationIssue,
  type LayeringPolicy,
  validatePackageName,
  validateRpmUrl,
  parseImageReference,
  type MachineOSConfigApiVersion,
} from './validation';

/**
 * Splits a shell command line into commands and words. Handles single and
 * double quotes, backslash escapes, comments, and the separators `&&`, `||`,
 * `;`, `|`, `&` and newlines. Substitutions are kept as literal text.
 * @public
 */
export function tokenizeShell(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
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
      endCommand();
    } else if (ch === '&' || ch === '|') {
      if (text[i + 1] === ch) i++;
      endCommand();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
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

/** Real-time kernel packages. */
const REALTIME_KERNEL = /^kernel-rt(-|$)/;
/**
 * Packages that the MCO installs as MachineConfig `extensions` (4.18): layering
 * them too can conflict with a MachineConfig extension and degrade the pool.
 */
const EXTENSION_PACKAGES = new Set([
  'usbguard',
  'krb5-workstation',
  'libkadm5',
  'kernel-devel',
  'kernel-headers',
  'kata-containers',
  'NetworkManager-libreswan',
  'libreswan',
  'crun-wasm',
  'sysstat',
  'pacemaker',
  'pcs',
  'fence-agents-all',
]);

function packageBaseName(spec: string): string {
  // Strip a version/arch suffix such as "-1.2-3.el9.x86_64" for the comparisons below.
  const match = /^(.*?)(-\d[^/]*)?$/.exec(spec);
  return match?.[1] ?? spec;
}

function rpmNameFromUrl(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return url;
  }
}

/** Repository-release RPMs such as `epel-release-latest-9.noarch.rpm` enable an extra repo. @public */
export function isRepoReleaseRpm(nameOrUrl: string): boolean {
  const file = nameOrUrl.includes('://')
    ? rpmNameFromUrl(nameOrUrl)
    : nameOrUrl;
  return /^[A-Za-z0-9_.+-]*-release(-[A-Za-z0-9_.+-]*)?(\.rpm)?$/.test(file);
}

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

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
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

/** The shell text of a RUN step: its heredoc bodies, or its (continuation-joined) arguments. */
function runShellText(run: Run): string | null {
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
  return result;
}

/** The image of a FROM, with a single `$ARG` / `${ARG}` resolved from the ARGs before it. */
function resolveImage(dockerfile: Dockerfile, from: From): string | null {
  const image = from.getImage();
  const variable = image
    ? /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(image)
    : null;
  if (!variable) return image;
  const value = dockerfile.resolveVariable(
    variable[1],
    from.getRange().start.line,
  );
  return typeof value === 'string' ? value : image;
}

function checkBases(
  dockerfile: Dockerfile,
  froms: From[],
  options: ContainerfileCheckOptions,
  add: (message: string, severity?: 'error' | 'warning', line?: number) => void,
) {
  const stages = new Set<string>();
  if (options.mode === 'on-cluster') {
    const last = froms[froms.length - 1];
    const image = (last.getImage() ?? '').toLowerCase();
    const stage = (last.getBuildStage() ?? '').toLowerCase();
    if (image !== 'configs' || stage !== 'final') {
      add(
        'the last stage of an on-cluster Containerfile must be "FROM configs AS final": the build injects the rendered configuration into the "configs" stage.',
        'error',
        lineOf(last),
      );
    }
    for (const from of froms) {
      const name = (from.getImage() ?? '').toLowerCase();
      if (
        from !== last &&
        name !== 'configs' &&
        !stages.has(name) &&
        !parseImageReference(from.getImage())?.digest
      ) {
        add(
          `the helper stage image "${from.getImage()}" is not pinned by digest; builds may differ over time.`,
          'warning',
          lineOf(from),
        );
      }
      const s = from.getBuildStage();
      if (s) stages.add(s.toLowerCase());
    }
    return;
  }
  const first = froms[0];
  const ref = parseImageReference(resolveImage(dockerfile, first));
  if (!ref || !ref.registry || !ref.digest) {
    add(
      'an out-of-cluster Containerfile must start FROM the release\'s rhel-coreos image by digest (host/path@sha256:<64 hex>); get it with "oc adm release info --image-for rhel-coreos".',
      'error',
      lineOf(first),
    );
  } else if (options.expectedBaseImage) {
    const expected = parseImageReference(options.expectedBaseImage);
    if (expected?.digest && expected.digest !== ref.digest) {
      add(
        `the base image is not this cluster's current rhel-coreos image (${options.expectedBaseImage}); the layered image will not match the release.`,
        'warning',
        lineOf(first),
      );
    }
  }
}

function analyzeRuns(
  instructions: Instruction[],
  options: ContainerfileCheckOptions,
  result: ContainerfileAnalysis,
  add: (message: string, severity?: 'error' | 'warning', line?: number) => void,
) {
  const field = options.field ?? 'containerfile';
  let extraRepo = false;
  let needsEntitlement = false;
  let maybeEntitlement = false;
  for (const instruction of instructions) {
    const line = lineOf(instruction);
    if (
      instruction.getKeyword() === 'COPY' ||
      instruction.getKeyword() === 'ADD'
    ) {
      const args = instruction.getArguments().map(a => a.getValue());
      const destination = args[args.length - 1] ?? '';
      if (destination.startsWith('/etc/yum.repos.d')) extraRepo = true;
      checkCopy(instruction, args, options, line, add);
      continue;
    }
    if (!(instruction instanceof Run)) continue;
    const text = runShellText(instruction);
    if (!text) continue;
    const commands = tokenizeShell(text).map(words => ({
      words,
      kind: classifyCommand(words),
    }));
    let changesPackages = false;
    for (const { kind } of commands) {
      if (kind.kind === 'add-repo') {
        extraRepo = true;
        for (const url of kind.urls) {
          for (const found of validateRpmUrlAsRepo(
            url,
            field,
            options.policy,
            line,
          ))
            result.issues.push(found);
        }
      }
      if (kind.kind === 'install' || kind.kind === 'override-replace') {
        changesPackages = true;
        for (const url of kind.urls) {
          result.rpmUrls.push({ url, line });
          for (const found of validateRpmUrl(url, field, options.policy)) {
            result.issues.push({
              ...found,
              message: `Line ${line}: ${found.message}`,
              line,
            });
          }
          const file = rpmNameFromUrl(url);
          checkSensitivePackage(file, line, add);
          if (isRepoReleaseRpm(url)) extraRepo = true;
          else maybeEntitlement = true;
        }
        for (const name of kind.packages) {
          if (name.includes('$')) {
            add(
              `the package "${name}" uses a variable and cannot be checked.`,
              'warning',
              line,
            );
            continue;
          }
          const found = validatePackageName(name, field, options.policy);
          for (const f of found)
            result.issues.push({
              ...f,
              message: `Line ${line}: ${f.message}`,
              line,
            });
          if (found.length) continue;
          result.packages.push({ name, line, fromExtraRepo: extraRepo });
          checkSensitivePackage(name, line, add);
          if (isRepoReleaseRpm(name)) {
            extraRepo = true;
          } else if (extraRepo) {
            maybeEntitlement = true;
          } else {
            needsEntitlement = true;
          }
        }
        if (
          kind.kind === 'install' &&
          kind.tool === 'rpm' &&
          kind.packages.length
        ) {
          add(
            '"rpm -i" installs files, not package names; use dnf or rpm-ostree install for repository packages.',
            'warning',
            line,
          );
        }
      }
      if (kind.kind === 'override-remove') {
        changesPackages = true;
        for (const name of kind.packages) {
          if (/^kernel(-|$)/.test(name))
            add(
              `removing "${name}" from the base image replaces the kernel; the MCO does not manage that kernel.`,
              'warning',
              line,
            );
        }
      }
    }
    if (changesPackages) {
      const lastKind = commands[commands.length - 1]?.kind.kind;
      if (lastKind !== 'commit') {
        add(
          'a RUN step that changes packages should end with "ostree container commit" (it cleans up /var and /tmp and checks the result).',
          'warning',
          line,
        );
      }
    }
  }
  if (needsEntitlement) {
    result.entitlement = 'required';
  } else if (maybeEntitlement) {
    result.entitlement = 'possible';
  }
}

/** COPY/ADD: where the content comes from and where it lands. */
function checkCopy(
  instruction: Instruction,
  args: string[],
  options: ContainerfileCheckOptions,
  line: number,
  add: (message: string, severity?: 'error' | 'warning', line?: number) => void,
) {
  const keyword = instruction.getKeyword();
  const flags = instruction instanceof Copy ? instruction.getFlags() : [];
  const fromStage = flags.some(f => f.getName() === 'from');
  const heredoc =
    instruction instanceof Copy && instruction.getHeredocs().length > 0;
  const sources = args.slice(0, -1);
  const destination = args[args.length - 1] ?? '';
  const remote = sources.filter(src => /^[a-z][a-z0-9+.-]*:\/\//i.test(src));
  if (keyword === 'ADD') {
    for (const url of remote) {
      for (const found of validateRemoteUrl(url, options)) {
        add(found, 'error', line);
      }
    }
  }
  if (
    options.mode === 'on-cluster' &&
    !fromStage &&
    !heredoc &&
    remote.length < sources.length
  ) {
    add(
      `${keyword} copies files from the build context, but an on-cluster build has no context of yours: use a here-document, COPY --from=<stage>, or deliver the file with a MachineConfig.`,
      'warning',
      line,
    );
  }
  if (/^\/(var|tmp|run)(\/|$)/.test(destination)) {
    add(
      `content written to ${destination} is not managed as part of the OS image (/var is only populated once, /tmp and /run are not kept); put it under /etc or /usr.`,
      'warning',
      line,
    );
  }
}

function validateRemoteUrl(
  url: string,
  options: ContainerfileCheckOptions,
): string[] {
  // Reuse the RPM URL rules (https, no credentials, public or allow-listed host), minus the .rpm suffix.
  let asRpm = url;
  try {
    const parsed = new URL(url);
    parsed.pathname = `${parsed.pathname.replace(/\/$/, '')}/x.rpm`;
    parsed.search = '';
    parsed.hash = '';
    asRpm = parsed.toString();
  } catch {
    // validateRpmUrl reports the invalid URL
  }
  return validateRpmUrl(asRpm, 'x', options.policy).map(f =>
    f.message
      .replace(/^The RPM URL/, 'The ADD URL')
      .replace(/^RPM URLs/, 'ADD URLs'),
  );
}

function validateRpmUrlAsRepo(
  url: string,
  field: string,
  policy: LayeringPolicy | undefined,
  line: number,
): ValidationIssue[] {
  // A .repo file is not an RPM: reuse the URL rules, minus the ".rpm" suffix rule.
  const asRpm = url.replace(/(\?.*)?$/, match => `.rpm${match}`);
  return validateRpmUrl(asRpm, field, policy).map(f => ({
    ...f,
    message: `Line ${line}: ${f.message}`,
    line,
  }));
}

function checkSensitivePackage(
  nameOrFile: string,
  line: number,
  add: (message: string, severity?: 'error' | 'warning', line?: number) => void,
) {
  const base = packageBaseName(
    nameOrFile
      .replace(/\.rpm$/, '')
      .replace(/\.(x86_64|aarch64|noarch|ppc64le|s390x)$/, ''),
  );
  if (REALTIME_KERNEL.test(base) || REALTIME_KERNEL.test(nameOrFile)) {
    add(
      `"${nameOrFile}" is a real-time kernel package: layering it is not recommended, it can conflict with the MachineConfig kernelType setting and degrade the pool.`,
      'warning',
      line,
    );
  } else if (EXTENSION_PACKAGES.has(base)) {
    add(
      `"${base}" is also available as a MachineConfig extension: layering it is not recommended, it can conflict with an extension and degrade the pool.`,
      'warning',
      line,
    );
  } else if (/^kernel(-core|-modules.*)?$/.test(base)) {
    add(
      `"${nameOrFile}" replaces the kernel of the base image; the MCO will not manage kernel updates for this pool.`,
      'warning',
      line,
    );
  }
}

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
