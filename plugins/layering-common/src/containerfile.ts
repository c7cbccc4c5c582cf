/**
 * Composing Containerfiles from a structured description, and reading one
 * back into that description for the "modify" template.
 */
import { issue } from './issue';
import { Copy, DockerfileParser, Run } from 'dockerfile-ast';
import {
  analyzeContainerfile,
  classifyCommand,
  isRepoReleaseRpm,
  tokenizeShell,
  type ContainerfileAnalysis,
} from './containerfileAnalysis';
import {
  hasErrors,
  type LayeringPolicy,
  validateConfigFilePath,
  validateDigestImage,
  validatePackageName,
  validateRpmUrl,
  validateSystemdUnit,
  type ValidationIssue,
} from './validation';

/** A configuration file placed in the image. @public */
export interface ContainerfileConfigFile {
  /** Absolute destination under /etc or /usr/local. */
  destination: string;
  /** Inline content, written with a here-document. */
  content?: string;
  /** Or a path in the build context (out-of-cluster builds only; on-cluster builds have no context). */
  source?: string;
  /** Octal permission, e.g. `0644`. */
  mode?: string;
}

/** The structured description of a layered image. @public */
export interface ContainerfileSpec {
  mode: 'on-cluster' | 'out-of-cluster';
  /** Out-of-cluster only: the release's rhel-coreos image by digest. */
  baseImage?: string | null;
  /** Repository-release RPM URLs installed first, e.g. EPEL's `epel-release-latest-9.noarch.rpm`. */
  repoRpms?: string[];
  /** Package names from the enabled repositories. */
  packages?: string[];
  /** RPMs installed from https URLs. */
  rpmUrls?: string[];
  /** https URLs of kernel RPMs that replace the base image's kernel (`rpm-ostree override replace`). */
  kernelOverride?: string[];
  configFiles?: ContainerfileConfigFile[];
  /** systemd units to enable. */
  enableUnits?: string[];
}

/** The outcome of {@link composeContainerfile}. @public */
export interface ComposeResult {
  /** The Containerfile, or null when the input has errors. */
  content: string | null;
  /** Input issues (addressed to the spec's fields) and issues found in the output. */
  issues: ValidationIssue[];
  /** The analysis of the produced Containerfile (entitlement need, packages, …). */
  analysis: ContainerfileAnalysis | null;
}

const SAFE_SOURCE = /^[A-Za-z0-9._@+=,/-]+$/;
const MODE = /^0?[0-7]{3}$/;

/** Checks every value of a spec; field names follow the spec (`packages[1]`, `configFiles[0].destination`). @public */
export function validateContainerfileSpec(
  spec: ContainerfileSpec,
  policy: LayeringPolicy = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (spec.mode === 'out-of-cluster') {
    issues.push(
      ...validateDigestImage(spec.baseImage, 'baseImage', 'base image'),
    );
  }
  (spec.repoRpms ?? []).forEach((url, i) => {
    issues.push(...validateRpmUrl(url, `repoRpms[${i}]`, policy));
  });
  (spec.packages ?? []).forEach((name, i) => {
    issues.push(...validatePackageName(name, `packages[${i}]`, policy));
  });
  (spec.rpmUrls ?? []).forEach((url, i) => {
    issues.push(...validateRpmUrl(url, `rpmUrls[${i}]`, policy));
  });
  (spec.kernelOverride ?? []).forEach((url, i) => {
    issues.push(...validateRpmUrl(url, `kernelOverride[${i}]`, policy));
  });
  const destinations = new Set<string>();
  (spec.configFiles ?? []).forEach((file, i) => {
    const field = `configFiles[${i}]`;
    issues.push(
      ...validateConfigFilePath(file.destination, `${field}.destination`),
    );
    if (destinations.has(file.destination)) {
      issues.push(
        issue(`${field}.destination`, `${file.destination} is written twice.`),
      );
    }
    destinations.add(file.destination);
    if ((file.content === undefined) === (file.source === undefined)) {
      issues.push(
        issue(
          field,
          'Give either the file content or a source path, not both.',
        ),
      );
    }
    if (file.source !== undefined) {
      if (spec.mode === 'on-cluster') {
        issues.push(
          issue(
            `${field}.source`,
            'On-cluster builds have no build context to copy from: give the file content instead.',
          ),
        );
      } else if (
        !SAFE_SOURCE.test(file.source) ||
        file.source.split('/').includes('..') ||
        file.source.startsWith('/')
      ) {
        issues.push(
          issue(
            `${field}.source`,
            'The source must be a relative path inside the build context, without "..".',
          ),
        );
      }
    }
    if (file.mode !== undefined && !MODE.test(file.mode)) {
      issues.push(
        issue(
          `${field}.mode`,
          'The mode must be an octal permission such as 0644.',
        ),
      );
    }
  });
  (spec.enableUnits ?? []).forEach((unit, i) => {
    issues.push(...validateSystemdUnit(unit, `enableUnits[${i}]`));
  });
  const total =
    (spec.repoRpms?.length ?? 0) +
    (spec.packages?.length ?? 0) +
    (spec.rpmUrls?.length ?? 0) +
    (spec.kernelOverride?.length ?? 0) +
    (spec.configFiles?.length ?? 0) +
    (spec.enableUnits?.length ?? 0);
  if (total === 0) {
    issues.push(
      issue(
        'packages',
        'Nothing to layer: add at least one package, RPM, file or unit.',
      ),
    );
  }
  return issues;
}

function runStep(commands: string[][]): string {
  const lines = commands.map(words => words.join(' '));
  return `RUN ${lines.join(' && \\\n    ')}`;
}

/** A here-document delimiter that does not occur as a line of the content. */
function heredocDelimiter(content: string): string {
  const lines = new Set(content.split('\n'));
  let delimiter = 'EOF';
  for (let i = 1; lines.has(delimiter); i++) delimiter = `EOF${i}`;
  return delimiter;
}

/**
 * Builds a Containerfile from a structured description. Every value is
 * validated before use; the output is parsed back with dockerfile-ast and
 * checked again before it is returned. On errors `content` is null.
 *
 * @remarks
 * Inline file content is written with `COPY <<EOF` here-documents, which need
 * a builder with here-document support (Buildah 1.33+, BuildKit); that the
 * on-cluster builder has it is not confirmed, hence the warning.
 * @public
 */
export function composeContainerfile(
  spec: ContainerfileSpec,
  policy: LayeringPolicy = {},
): ComposeResult {
  const inputIssues = validateContainerfileSpec(spec, policy);
  if (hasErrors(inputIssues)) {
    return { content: null, issues: inputIssues, analysis: null };
  }
  const out: string[] = [];
  if (spec.mode === 'on-cluster') {
    out.push('FROM configs AS final');
  } else {
    out.push(`FROM ${spec.baseImage!.trim()}`);
  }

  const install: string[][] = [];
  if (spec.repoRpms?.length)
    install.push(['dnf', 'install', '-y', ...spec.repoRpms]);
  const packages = [...(spec.packages ?? []), ...(spec.rpmUrls ?? [])];
  if (packages.length) install.push(['dnf', 'install', '-y', ...packages]);
  if (install.length) {
    out.push(
      runStep([
        ...install,
        ['dnf', 'clean', 'all'],
        ['ostree', 'container', 'commit'],
      ]),
    );
  }
  if (spec.kernelOverride?.length) {
    out.push(
      runStep([
        ['rpm-ostree', 'override', 'replace', ...spec.kernelOverride],
        ['ostree', 'container', 'commit'],
      ]),
    );
  }
  const warnings: ValidationIssue[] = [];
  for (const file of spec.configFiles ?? []) {
    const chmod = file.mode ? ` --chmod=${file.mode.padStart(4, '0')}` : '';
    if (file.source !== undefined) {
      out.push(`COPY${chmod} ${file.source} ${file.destination}`);
    } else {
      const content = (file.content ?? '').replace(/\r\n/g, '\n');
      const delimiter = heredocDelimiter(content);
      const body = content.endsWith('\n') ? content : `${content}\n`;
      out.push(
        `COPY${chmod} <<${delimiter} ${file.destination}\n${body}${delimiter}`,
      );
      if (spec.mode === 'on-cluster') {
        warnings.push(
          issue(
            'configFiles',
            "Inline files use a COPY here-document; check that your cluster's image builder supports them, or deliver the file with a MachineConfig instead.",
            'warning',
          ),
        );
      }
    }
  }
  if (spec.enableUnits?.length) {
    out.push(
      runStep([
        ['systemctl', 'enable', ...spec.enableUnits],
        ['ostree', 'container', 'commit'],
      ]),
    );
  }
  const content = `${out.join('\n')}\n`;

  const analysis = analyzeContainerfile(content, {
    mode: spec.mode,
    policy,
    expectedBaseImage: spec.mode === 'out-of-cluster' ? spec.baseImage : null,
  });
  const issues = [...inputIssues, ...warnings.slice(0, 1), ...analysis.issues];
  return {
    content: hasErrors(analysis.issues) ? null : content,
    issues,
    analysis,
  };
}

/** The outcome of {@link parseContainerfileToSpec}. @public */
export interface ParsedContainerfileSpec {
  spec: ContainerfileSpec;
  /** True when the spec reproduces every instruction; false when some were not understood. */
  exact: boolean;
  /** Instructions or commands that have no place in the structured form. */
  unrecognized: Array<{ line: number; text: string }>;
}

/**
 * Reads a Containerfile back into the structured form, for editing an
 * existing MachineOSConfig. Cleanup commands (`dnf clean`,
 * `ostree container commit`, `rpm-ostree cleanup`) are dropped; anything else
 * that does not fit is listed in `unrecognized` and `exact` is false, so the
 * caller can offer the raw editor instead.
 *
 * @public
 */
export function parseContainerfileToSpec(
  content: string,
): ParsedContainerfileSpec {
  const dockerfile = DockerfileParser.parse(content);
  const unrecognized: ParsedContainerfileSpec['unrecognized'] = [];
  const froms = dockerfile.getFROMs();
  const last = froms[froms.length - 1];
  const onCluster =
    last !== undefined &&
    (last.getImage() ?? '').toLowerCase() === 'configs' &&
    (last.getBuildStage() ?? '').toLowerCase() === 'final';
  const spec: ContainerfileSpec = {
    mode: onCluster ? 'on-cluster' : 'out-of-cluster',
    repoRpms: [],
    packages: [],
    rpmUrls: [],
    kernelOverride: [],
    configFiles: [],
    enableUnits: [],
  };
  if (!onCluster && froms[0]) spec.baseImage = froms[0].getImage();
  if (froms.length !== 1) {
    for (const from of froms.slice(0, -1)) {
      unrecognized.push({
        line: from.getRange().start.line + 1,
        text: from.getTextContent(),
      });
    }
  }
  for (const instruction of dockerfile.getInstructions()) {
    const line = instruction.getRange().start.line + 1;
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') continue;
    if (
      instruction instanceof Copy &&
      instruction.getFlags().every(f => f.getName() === 'chmod')
    ) {
      const chmod = instruction.getFlags()[0]?.getValue() ?? undefined;
      const heredocs = instruction.getHeredocs();
      const args = instruction.getArguments().map(a => a.getValue());
      if (heredocs.length === 1) {
        const heredoc = heredocs[0];
        const text = instruction.getTextContent().split('\n');
        const start = instruction.getRange().start.line;
        const range = heredoc.getContentRange();
        const body = range
          ? `${text
              .slice(range.start.line - start, range.end.line - start + 1)
              .join('\n')}\n`
          : '';
        const destination = args[1];
        if (destination && args[0] === `<<${heredoc.getName()}`) {
          spec.configFiles!.push({
            destination,
            content: body,
            ...(chmod ? { mode: chmod } : {}),
          });
          continue;
        }
      } else if (args.length === 2 && !heredocs.length) {
        spec.configFiles!.push({
          source: args[0],
          destination: args[1],
          ...(chmod ? { mode: chmod } : {}),
        });
        continue;
      }
      unrecognized.push({ line, text: instruction.getTextContent() });
      continue;
    }
    if (
      !(instruction instanceof Run) ||
      instruction.getFlags().length ||
      instruction.getHeredocs().length
    ) {
      unrecognized.push({ line, text: instruction.getTextContent() });
      continue;
    }
    for (const words of tokenizeShell(
      instruction.getArgumentsContent() ?? '',
    )) {
      const kind = classifyCommand(words);
      switch (kind.kind) {
        case 'install':
          if (kind.localFiles.length) {
            unrecognized.push({ line, text: words.join(' ') });
          }
          for (const url of kind.urls) {
            (isRepoReleaseRpm(url) ? spec.repoRpms! : spec.rpmUrls!).push(url);
          }
          spec.packages!.push(...kind.packages);
          break;
        case 'override-replace':
          if (kind.packages.length)
            unrecognized.push({ line, text: words.join(' ') });
          spec.kernelOverride!.push(...kind.urls);
          break;
        case 'enable-units':
          spec.enableUnits!.push(...kind.units);
          break;
        case 'commit':
        case 'cleanup':
          break;
        default:
          unrecognized.push({ line, text: words.join(' ') });
      }
    }
  }
  return { spec, exact: unrecognized.length === 0, unrecognized };
}
