/**
 * What layering may write to a cluster, directly or through a pull request:
 * a MachineOSConfig for the requested pool, or a MachineConfig that sets the
 * pool's `osImageURL` and nothing else. Anything more (files, systemd units,
 * users, kernel arguments, extensions, another pool's role, other kinds) is a
 * node configuration change that needs its own review, not an OS image request.
 * A MachineOSConfig's Containerfiles must carry no credential.
 */
import { issue } from './issue';
import { MCO_ANNOTATIONS, MCO_PREFIX } from './annotations';
import type { ValidationIssue } from './validation';
import { findContainerfileCredentials } from './containerfileSafety';

/** The only `spec` field a layering MachineConfig may carry. @public */
export const LAYERING_MACHINE_CONFIG_SPEC_FIELDS: readonly string[] = [
  'osImageURL',
];

/** The MachineOSConfig API versions layering writes. @public */
export const LAYERING_MACHINE_OS_CONFIG_VERSIONS: readonly string[] = [
  'v1',
  'v1alpha1',
];

/** One object to check, and the field that names it in findings (`manifests[0]`). @public */
export interface LayeringContentItem {
  /** Field prefix of the findings, e.g. `manifests[1]`. */
  field: string;
  /** The object as parsed from YAML or JSON. */
  object: unknown;
}

/** The pool the content is meant for. @public */
export interface LayeringContentTarget {
  /** The MachineConfigPool name. */
  pool: string;
  /**
   * The role the pool's own MachineConfigs carry (`machineconfiguration.openshift.io/role`).
   * Default: the pool name, as for `master`, `worker` and custom pools made the usual way.
   */
  role?: string;
}

/** Why each well-known MachineConfig `spec` field is not layering content. */
const FORBIDDEN_SPEC_FIELDS: Record<string, string> = {
  config:
    'an Ignition config writes files, systemd units or users onto every node of the pool',
  kernelArguments: 'kernel arguments change how every node of the pool boots',
  extensions: 'extensions install packages on every node of the pool',
  kernelType: 'the kernel type replaces the kernel of every node of the pool',
  fips: 'FIPS mode is set at installation and changes every node of the pool',
  baseOSExtensionsContainerImage:
    'the extensions image decides where the extension packages of the pool come from',
};

const ONLY = 'a layering MachineConfig sets spec.osImageURL and nothing else.';

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function configFindings(field: string, config: unknown): ValidationIssue[] {
  const reason = FORBIDDEN_SPEC_FIELDS.config;
  const parts = isDict(config)
    ? Object.keys(config).filter(key => key !== 'ignition')
    : [];
  if (!parts.length) {
    return [issue(`${field}.spec.config`, `${reason}; ${ONLY}`)];
  }
  return parts.map(part =>
    issue(`${field}.spec.config.${part}`, `${reason}; ${ONLY}`),
  );
}

function machineConfigFindings(
  field: string,
  object: Dict,
  name: string,
  role: string,
  pool: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const metadata = isDict(object.metadata) ? object.metadata : {};
  const labels = isDict(metadata.labels) ? metadata.labels : {};
  const labelField = `${field}.metadata.labels["${MCO_ANNOTATIONS.role}"]`;
  const actualRole = labels[MCO_ANNOTATIONS.role];
  if (actualRole === undefined || actualRole === null || actualRole === '') {
    issues.push(
      issue(
        labelField,
        `MachineConfig ${name} has no role label; it must be "${role}", the role of pool ${pool}.`,
      ),
    );
  } else if (actualRole !== role) {
    issues.push(
      issue(
        labelField,
        `MachineConfig ${name} has role "${String(
          actualRole,
        )}", but the request is for pool ${pool} (role "${role}"); another pool's role would change that pool's nodes.`,
      ),
    );
  }
  if (name.startsWith('rendered-')) {
    issues.push(
      issue(
        `${field}.metadata.name`,
        'Names starting with "rendered-" belong to the rendered configs of the MCO.',
      ),
    );
  }
  const annotations = isDict(metadata.annotations) ? metadata.annotations : {};
  if (MCO_ANNOTATIONS.generatedByControllerVersion in annotations) {
    issues.push(
      issue(
        `${field}.metadata.annotations["${MCO_ANNOTATIONS.generatedByControllerVersion}"]`,
        'Only the MCO writes generated MachineConfigs.',
      ),
    );
  }

  if (!isDict(object.spec)) {
    issues.push(
      issue(`${field}.spec`, `MachineConfig ${name} has no spec; ${ONLY}`),
    );
    return issues;
  }
  const spec = object.spec;
  const image = spec.osImageURL;
  if (typeof image !== 'string' || !image.trim()) {
    issues.push(
      issue(
        `${field}.spec.osImageURL`,
        `MachineConfig ${name} sets no osImageURL; ${ONLY}`,
      ),
    );
  }
  for (const key of Object.keys(spec)) {
    if (LAYERING_MACHINE_CONFIG_SPEC_FIELDS.includes(key)) continue;
    if (key === 'config') {
      issues.push(...configFindings(field, spec.config));
      continue;
    }
    const reason = FORBIDDEN_SPEC_FIELDS[key];
    issues.push(
      issue(
        `${field}.spec.${key}`,
        reason ? `${reason}; ${ONLY}` : `not layering content; ${ONLY}`,
      ),
    );
  }
  return issues;
}

function machineOSConfigFindings(
  field: string,
  object: Dict,
  name: string,
  pool: string,
): ValidationIssue[] {
  const spec = isDict(object.spec) ? object.spec : {};
  const issues: ValidationIssue[] = [];
  // v1 keeps the Containerfiles in spec.containerFile, v1alpha1 in spec.buildInputs.
  const buildInputs = isDict(spec.buildInputs) ? spec.buildInputs : undefined;
  const [path, entries] = Array.isArray(spec.containerFile)
    ? ['spec.containerFile', spec.containerFile]
    : ['spec.buildInputs.containerFile', buildInputs?.containerFile];
  if (Array.isArray(entries)) {
    entries.forEach((entry: unknown, index) => {
      if (isDict(entry) && typeof entry.content === 'string') {
        issues.push(
          ...findContainerfileCredentials(
            entry.content,
            `${field}.${path}[${index}].content`,
          ),
        );
      }
    });
  }
  const target = isDict(spec.machineConfigPool)
    ? spec.machineConfigPool.name
    : undefined;
  if (target === pool) return issues;
  return [
    ...issues,
    issue(
      `${field}.spec.machineConfigPool.name`,
      typeof target === 'string' && target
        ? `MachineOSConfig ${name} targets pool "${target}", but the request is for pool ${pool}.`
        : `MachineOSConfig ${name} names no pool; it must target pool ${pool}.`,
    ),
  ];
}

/**
 * Checks that objects are layering content for one pool, field by field: a MachineOSConfig
 * (v1 or v1alpha1) whose `spec.machineConfigPool.name` is the pool and whose Containerfiles
 * carry no credential, or a MachineConfig
 * labelled with the pool's role whose `spec` carries `osImageURL` and nothing else. Every
 * other kind, field or role is an error addressed to `<item field>.<path>`. The direct apply
 * action runs this before it writes anything, and the render action on what a pull request
 * will contain.
 * @public
 */
export function checkLayeringContent(
  items: readonly LayeringContentItem[],
  target: LayeringContentTarget,
): ValidationIssue[] {
  const role = target.role ?? target.pool;
  const issues: ValidationIssue[] = [];
  for (const { field, object } of items) {
    if (!isDict(object)) {
      issues.push(issue(field, 'must be a Kubernetes object.'));
      continue;
    }
    const apiVersion =
      typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    const [group, version] = apiVersion.split('/');
    const isMachineConfig =
      kind === 'MachineConfig' && group === MCO_PREFIX && version === 'v1';
    const isMachineOSConfig =
      kind === 'MachineOSConfig' &&
      group === MCO_PREFIX &&
      LAYERING_MACHINE_OS_CONFIG_VERSIONS.includes(version);
    if (!isMachineConfig && !isMachineOSConfig) {
      issues.push(
        issue(
          field,
          `${apiVersion || '(no apiVersion)'}/${
            kind || '(no kind)'
          } cannot be applied by this action (MachineConfig and MachineOSConfig only).`,
        ),
      );
      continue;
    }
    const metadata = isDict(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    if (!name) {
      issues.push(issue(`${field}.metadata.name`, `${kind} has no name.`));
    }
    if (metadata.namespace) {
      issues.push(
        issue(
          `${field}.metadata.namespace`,
          `${kind} ${name} must be cluster-scoped.`,
        ),
      );
    }
    for (const key of Object.keys(object)) {
      if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) {
        issues.push(
          issue(
            `${field}.${key}`,
            key === 'status'
              ? 'The MCO owns the status; a request sets the spec only.'
              : `not part of a ${kind}.`,
          ),
        );
      }
    }
    issues.push(
      ...(isMachineConfig
        ? machineConfigFindings(field, object, name, role, target.pool)
        : machineOSConfigFindings(field, object, name, target.pool)),
    );
  }
  return issues;
}
