/**
 * The simulated image build's verdict on a Containerfile. A real build runs buildah; the
 * simulation applies these documented rules instead (see docs/mco-simulation.md):
 *
 * 1. Every instruction (after joining `\` continuations, skipping blank and `#` lines) must be a
 *    Containerfile instruction.
 * 2. The first instruction is `FROM` (or `ARG`), and the last `FROM` is `FROM configs AS final`:
 *    the MCO injects the rendered config as stage `configs` and the user's final stage builds on it.
 * 3. A package-manager install (`dnf`, `yum`, `microdnf`, `rpm-ostree install`) of a package named
 *    in {@link UNAVAILABLE_PACKAGES} (or starting with `simulate-build-failure`) fails, as an
 *    install of a package no repository provides would.
 *
 * `LABEL` instructions of the final stage set image labels.
 */

/** Packages no simulated repository provides: installing one fails the build. */
export const UNAVAILABLE_PACKAGES: readonly string[] = [
  'simulate-build-failure',
  'does-not-exist',
];

const INSTRUCTIONS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/** Result of checking a Containerfile. */
export type ContainerfileVerdict =
  | { ok: true; labels: Record<string, string> }
  | { ok: false; reason: string };

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

function instructions(content: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = content.split(/\r?\n/);
  let current: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (current && trimmed.startsWith('#')) return;
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ` ${part.trim()}`;
    else current = { text: part.trim(), line: index + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/s.exec(current.text);
      if (m) out.push({ keyword: m[1], args: m[2].trim(), line: current.line });
      current = undefined;
    }
  });
  if (current) {
    const m = /^(\S+)\s*(.*)$/s.exec(current.text);
    if (m) out.push({ keyword: m[1], args: m[2].trim(), line: current.line });
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

/** `LABEL a=b "c d"="e f"` → pairs. */
function parseLabels(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /("[^"]*"|'[^']*'|[^\s=]+)=("[^"]*"|'[^']*'|\S*)/g;
  for (const m of args.matchAll(re)) {
    out[unquote(m[1])] = unquote(m[2]);
  }
  return out;
}

/** Package names a RUN line installs with a package manager. */
function installedPackages(run: string): string[] {
  const out: string[] = [];
  for (const command of run.split(/&&|\|\||;/)) {
    const tokens = command.trim().split(/\s+/);
    const manager = tokens.findIndex(t => /^(dnf|yum|microdnf|rpm-ostree)$/.test(t));
    if (manager < 0) continue;
    const install = tokens.indexOf('install', manager + 1);
    if (install < 0) continue;
    out.push(...tokens.slice(install + 1).filter(t => t !== '' && !t.startsWith('-')));
  }
  return out;
}

/** Check a Containerfile against the simulation's build rules. An absent file builds the configs only. */
export function evaluateContainerfile(content: string | undefined): ContainerfileVerdict {
  if (content === undefined || content.trim() === '') return { ok: true, labels: {} };
  const list = instructions(content);
  if (list.length === 0) return { ok: true, labels: {} };
  for (const i of list) {
    if (!INSTRUCTIONS.has(i.keyword.toUpperCase())) {
      return { ok: false, reason: `Containerfile line ${i.line}: unknown instruction: ${i.keyword}` };
    }
  }
  const first = list[0].keyword.toUpperCase();
  if (first !== 'FROM' && first !== 'ARG') {
    return {
      ok: false,
      reason: `Containerfile line ${list[0].line}: no build stage in context (the first instruction must be FROM)`,
    };
  }
  const froms = list.filter(i => i.keyword.toUpperCase() === 'FROM');
  const last = froms[froms.length - 1];
  if (!last || !/^configs\s+as\s+final$/i.test(last.args)) {
    return {
      ok: false,
      reason: `Containerfile line ${last?.line ?? 1}: the final stage must be "FROM configs AS final" (found "FROM ${last?.args ?? ''}")`,
    };
  }
  const labels: Record<string, string> = {};
  let inFinal = false;
  for (const i of list) {
    const kw = i.keyword.toUpperCase();
    if (kw === 'FROM') inFinal = i === last;
    if (kw === 'RUN') {
      const missing = installedPackages(i.args).find(
        p => UNAVAILABLE_PACKAGES.includes(p) || p.startsWith('simulate-build-failure'),
      );
      if (missing) {
        return {
          ok: false,
          reason: `Containerfile line ${i.line}: RUN failed: package ${missing} is not available from any enabled repository`,
        };
      }
    }
    if (kw === 'LABEL' && inFinal) Object.assign(labels, parseLabels(i.args));
  }
  return { ok: true, labels };
}
