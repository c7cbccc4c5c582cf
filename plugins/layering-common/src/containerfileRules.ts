/**
 * The rules of Containerfile analysis, applied to the dockerfile-ast syntax
 * tree: the base images of each mode, the package installs and overrides of
 * RUN steps, COPY and ADD sources and destinations, and sensitive packages.
 * Package-internal: {@link analyzeContainerfile} runs them.
 */
import { Copy, type Dockerfile, From, Instruction, Run } from 'dockerfile-ast';
import {
  type ValidationIssue,
  type LayeringPolicy,
  validatePackageName,
  validateRpmUrl,
  parseImageReference,
} from './validation';
import {
  classifyCommand,
  runShellText,
  tokenizeShell,
} from './containerfileShell';
import type {
  ContainerfileAnalysis,
  ContainerfileCheckOptions,
} from './containerfileAnalysis';

/** Adds one issue, with a 1-based line when given. @internal */
export type AddIssue = (
  message: string,
  severity?: 'error' | 'warning',
  line?: number,
) => void;

/** The 1-based line of an instruction. @internal */
export function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
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

/** Checks the FROM images for the mode. @internal */
export function checkBases(
  dockerfile: Dockerfile,
  froms: From[],
  options: ContainerfileCheckOptions,
  add: AddIssue,
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

/** Checks RUN, COPY and ADD steps and fills the package, RPM and entitlement facts. @internal */
export function analyzeRuns(
  instructions: Instruction[],
  options: ContainerfileCheckOptions,
  result: ContainerfileAnalysis,
  add: AddIssue,
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
  add: AddIssue,
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
  add: AddIssue,
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
