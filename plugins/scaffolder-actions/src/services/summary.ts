import type { KubeObject } from '../kubernetes/types';
import type { PreflightFacts } from './preflight';

/** What the pull request summary is made from. */
export interface SummaryInput {
  cluster: string;
  pool: string;
  mode: 'on-cluster' | 'out-of-cluster';
  object: KubeObject;
  preflight: PreflightFacts;
  warnings: string[];
  baseImage?: string;
  requestedBy: string;
  taskId: string;
  reason?: string;
  containerfile?: string;
}

/** Escapes text for Markdown prose (names are DNS-1123 already; free text is not). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, c => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A code fence longer than any backtick run in the content, so the content cannot close it. */
function fence(content: string, info = ''): string {
  const longest = Math.max(2, ...(content.match(/`+/g) ?? []).map(run => run.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${info}\n${content.endsWith('\n') ? content : `${content}\n`}${marks}`;
}

function list(items: string[], empty: string): string {
  return items.length ? items.map(i => `- ${i}`).join('\n') : `- ${empty}`;
}

/**
 * The Markdown body of the pull request for a rendered request: what changes, which nodes
 * reboot (including custom pools that inherit a worker change), the drift before and after, the
 * warnings, and how to revert.
 */
export function renderSummary(input: SummaryInput): string {
  const { cluster, pool, mode, object, preflight } = input;
  const kind = object.kind;
  const name = object.metadata.name;
  const spec = (object.spec ?? {}) as {
    renderedImagePushSpec?: string;
    buildInputs?: { renderedImagePushspec?: string };
    osImageURL?: string;
  };
  const release = preflight.release?.releaseVersion ?? 'unknown';
  const lines: string[] = [];

  lines.push(`## ${mode === 'on-cluster' ? 'On-cluster' : 'Out-of-cluster'} layered image for pool \`${pool}\` on \`${cluster}\``);
  lines.push('');
  if (input.reason) {
    lines.push(md(input.reason), '');
  }

  lines.push('### What changes', '');
  if (mode === 'on-cluster') {
    const pushSpec = spec.renderedImagePushSpec ?? spec.buildInputs?.renderedImagePushspec;
    lines.push(
      `- ${preflight.existingMachineOSConfig ? 'Updates' : 'Creates'} ${kind} \`${name}\` (\`${object.apiVersion}\`). The MCO builds the Containerfile below on the cluster, FROM the pool's rendered OS image, and pushes each build to \`${md(String(pushSpec))}\` with the build name as tag.`,
      `- The build starts as soon as the object is applied, even while the pool is paused.`,
    );
  } else {
    lines.push(
      `- Creates or updates MachineConfig \`${name}\` with role \`${pool}\`, setting \`osImageURL\` to \`${md(String(spec.osImageURL))}\`.`,
      `- The override pins the pool's OS: cluster upgrades no longer update these nodes until the image is rebuilt FROM the new release and this MachineConfig is updated.`,
    );
  }
  lines.push('');

  lines.push('### Which nodes reboot', '');
  lines.push(
    list(
      preflight.poolNodes.map(n => `\`${n}\` (pool \`${pool}\`)`),
      `no node is in pool \`${pool}\` yet`,
    ),
  );
  for (const inherited of preflight.inheritingPools) {
    lines.push(
      `- Custom pool \`${inherited.name}\` inherits worker MachineConfigs and re-renders too: ${
        inherited.nodes.length ? inherited.nodes.map(n => `\`${n}\``).join(', ') : 'no nodes'
      }${mode === 'out-of-cluster' ? ' (its on-cluster builds, if any, use this image as their base)' : ''}.`,
    );
  }
  if (preflight.pool.spec?.paused) {
    lines.push(`- Pool \`${pool}\` is paused: nothing reboots until it is resumed.`);
  }
  lines.push('');

  lines.push('### Drift', '');
  const before = preflight.poolDetail?.drift;
  lines.push(
    `- Before: ${before ? `${before.status} — ${md(before.reason)}` : 'unknown (the layering backend did not answer)'}`,
  );
  if (mode === 'on-cluster') {
    lines.push(
      `- After: the build starts FROM the rendered config's OS image, which follows the release (${md(release)}) unless a worker \`osImageURL\` override is inherited, and is rebuilt automatically on upgrades.`,
    );
  } else {
    const inSync = input.baseImage && input.baseImage === preflight.release?.baseImage;
    lines.push(
      `- After: ${
        inSync
          ? `in sync — the image is built FROM release ${md(release)}'s rhel-coreos image`
          : `the image is built FROM \`${md(input.baseImage ?? 'an unknown base')}\`, which is not release ${md(release)}'s rhel-coreos image (\`${md(preflight.release?.baseImage ?? 'unknown')}\`)`
      }; it stays pinned until rebuilt.`,
    );
  }
  lines.push('');

  if (input.warnings.length) {
    lines.push('### Warnings', '', list(input.warnings.map(md), ''), '');
  }

  if (input.containerfile) {
    lines.push('### Containerfile', '', fence(input.containerfile, 'dockerfile'), '');
  }

  lines.push('### How to revert', '');
  if (mode === 'on-cluster') {
    lines.push(
      `- Delete MachineOSConfig \`${name}\` (\`oc delete machineosconfig ${name}\`) to return the pool to the non-layered image, or`,
      `- move single nodes out of a custom pool by removing their \`node-role.kubernetes.io/${pool}\` label (they must still carry the worker role).`,
      `- The portal's revert template (\`layering:layer:revert\`) does either.`,
    );
  } else {
    lines.push(
      `- Delete MachineConfig \`${name}\` (\`oc delete mc ${name}\`); the nodes reboot into the release's default image.`,
      `- The portal's revert template (\`layering:layer:revert\`) does this.`,
    );
  }
  lines.push('');
  lines.push(
    '### Request',
    '',
    `- Requested by \`${md(input.requestedBy)}\`, template run \`${md(input.taskId)}\`.`,
    `- Base taken from release ${md(release)}${
      preflight.release?.baseImage ? ` (\`${md(preflight.release.baseImage)}\`)` : ''
    }.`,
    '',
  );
  return lines.join('\n');
}
