/**
 * MachineOSConfig / MachineOSBuild of API versions v1alpha1 (OCP 4.16–early
 * 4.18) and v1 (late 4.18, 4.19+) as one model, and builders for the objects
 * the portal creates (FACTS.md §2.3–§2.5, §9).
 */
import { issue } from './issue';
import type { BuildState, PoolCondition } from './types';
import { MCO_ANNOTATIONS } from './annotations';
import { MACHINECONFIGURATION_GROUP } from './mco';
import {
  hasErrors,
  type MachineOSConfigApiVersion,
  validateDigestImage,
  validateDns1123Label,
  validateDns1123Subdomain,
  validatePushSpec,
  type ValidationIssue,
} from './validation';
import { validateContainerfileEntries } from './containerfileAnalysis';


/** Architecture of a Containerfile entry, in v1 spelling. @public */
export type ContainerfileArch =
  | 'ARM64'
  | 'AMD64'
  | 'PPC64LE'
  | 'S390X'
  | 'NoArch';

/** One Containerfile of a MachineOSConfig. @public */
export interface ContainerfileEntry {
  arch: ContainerfileArch;
  content: string;
}

/** A MachineOSConfig, whatever API version it was read from. @public */
export interface MachineOSConfigModel {
  apiVersion: MachineOSConfigApiVersion;
  name: string;
  pool: string;
  /** `Job` (v1) or `PodImageBuilder` (v1alpha1). */
  imageBuilderType: string;
  renderedImagePushSpec: string;
  renderedImagePushSecret: string;
  /** Null on v1 when omitted (the MCO then uses a copy of the global pull secret). */
  baseImagePullSecret: string | null;
  /** v1alpha1 only (`buildOutputs.currentImagePullSecret`); v1 nodes use the cluster pull secret. */
  currentImagePullSecret: string | null;
  containerFiles: ContainerfileEntry[];
  /** Newest build, from the `current-machine-os-build` annotation. */
  currentBuild: string | null;
  annotations: Record<string, string>;
  uid: string | null;
  generation: number | null;
  creationTimestamp: string | null;
  status: {
    /** Digest pull spec of the image the pool should run. */
    currentImagePullSpec: string | null;
    /** Build that produced `currentImagePullSpec` (v1 only). */
    machineOSBuild: string | null;
    observedGeneration: number | null;
    conditions: PoolCondition[];
  };
}

/** A MachineOSBuild, whatever API version it was read from. @public */
export interface MachineOSBuildModel {
  apiVersion: MachineOSConfigApiVersion;
  name: string;
  machineOSConfig: string;
  /** Target pool, from the build's label (absent on v1alpha1). */
  pool: string | null;
  /** Rendered MachineConfig the build is for (`machineConfig` / v1alpha1 `desiredConfig`). */
  renderedConfig: string | null;
  renderedImagePushSpec: string | null;
  state: BuildState;
  buildStart: string | null;
  buildEnd: string | null;
  /** Digest pull spec of the pushed image (`digestedImagePushSpec` / v1alpha1 `finalImagePullspec`). */
  digestedImagePushSpec: string | null;
  /** The build Job (v1) or pod (v1alpha1). */
  builder: {
    type: string | null;
    kind: 'job' | 'pod' | null;
    namespace: string | null;
    name: string | null;
  };
  conditions: PoolCondition[];
  creationTimestamp: string | null;
  uid: string | null;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Obj)
    : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function strMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function conditions(value: unknown): PoolCondition[] {
  if (!Array.isArray(value)) return [];
  return value
    .map(obj)
    .filter(c => typeof c.type === 'string' && typeof c.status === 'string')
    .map(c => ({
      type: c.type as string,
      status: c.status as string,
      ...(str(c.reason) !== null ? { reason: c.reason as string } : {}),
      ...(str(c.message) !== null ? { message: c.message as string } : {}),
      ...(str(c.lastTransitionTime) !== null
        ? { lastTransitionTime: c.lastTransitionTime as string }
        : {}),
    }));
}

/** The API version (`v1` / `v1alpha1`) of an object's `apiVersion`, or null for other groups. @public */
export function machineConfigurationVersion(
  apiVersion: unknown,
): MachineOSConfigApiVersion | null {
  if (apiVersion === `${MACHINECONFIGURATION_GROUP}/v1`) return 'v1';
  if (apiVersion === `${MACHINECONFIGURATION_GROUP}/v1alpha1`)
    return 'v1alpha1';
  return null;
}

const ALPHA_TO_V1_ARCH: Record<string, ContainerfileArch> = {
  arm64: 'ARM64',
  aarch64: 'ARM64',
  amd64: 'AMD64',
  x86_64: 'AMD64',
  ppc64le: 'PPC64LE',
  s390x: 'S390X',
  noarch: 'NoArch',
};

const V1_TO_ALPHA_ARCH: Record<ContainerfileArch, string> = {
  ARM64: 'arm64',
  AMD64: 'amd64',
  PPC64LE: 'ppc64le',
  S390X: 's390x',
  NoArch: 'noarch',
};

/** Maps a Containerfile architecture of either API version to the v1 spelling. @public */
export function normalizeContainerfileArch(
  arch: string | null | undefined,
): ContainerfileArch | null {
  if (arch === undefined || arch === null || arch === '') return 'NoArch';
  if ((Object.keys(V1_TO_ALPHA_ARCH) as string[]).includes(arch))
    return arch as ContainerfileArch;
  return ALPHA_TO_V1_ARCH[arch] ?? null;
}

/** Spells a v1 Containerfile architecture for the given API version. @public */
export function containerfileArchForVersion(
  arch: ContainerfileArch,
  apiVersion: MachineOSConfigApiVersion,
): string {
  return apiVersion === 'v1' ? arch : V1_TO_ALPHA_ARCH[arch];
}

function containerFiles(value: unknown): ContainerfileEntry[] {
  if (!Array.isArray(value)) return [];
  const out: ContainerfileEntry[] = [];
  for (const item of value.map(obj)) {
    const arch = normalizeContainerfileArch(str(item.containerfileArch));
    const content = str(item.content);
    if (arch && content !== null) out.push({ arch, content });
  }
  return out;
}

/**
 * Reads a MachineOSConfig object of either API version into one model.
 *
 * @returns the model, or null when the object is not a MachineOSConfig of a
 *   known version or lacks its name or pool
 * @public
 */
export function normalizeMachineOSConfig(
  object: unknown,
): MachineOSConfigModel | null {
  const o = obj(object);
  const apiVersion = machineConfigurationVersion(o.apiVersion);
  if (!apiVersion || o.kind !== 'MachineOSConfig') return null;
  const metadata = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const name = str(metadata.name);
  const pool = str(obj(spec.machineConfigPool).name);
  if (!name || !pool) return null;
  const annotations = strMap(metadata.annotations);
  // v1alpha1 keeps the build inputs under spec.buildInputs, with different spellings.
  const inputs = apiVersion === 'v1' ? spec : obj(spec.buildInputs);
  return {
    apiVersion,
    name,
    pool,
    imageBuilderType:
      str(obj(inputs.imageBuilder).imageBuilderType) ??
      (apiVersion === 'v1alpha1' ? 'PodImageBuilder' : 'Job'),
    renderedImagePushSpec:
      str(
        apiVersion === 'v1'
          ? inputs.renderedImagePushSpec
          : inputs.renderedImagePushspec,
      ) ?? '',
    renderedImagePushSecret:
      str(obj(inputs.renderedImagePushSecret).name) ?? '',
    baseImagePullSecret: str(obj(inputs.baseImagePullSecret).name),
    currentImagePullSecret:
      apiVersion === 'v1alpha1'
        ? str(obj(obj(spec.buildOutputs).currentImagePullSecret).name)
        : null,
    containerFiles: containerFiles(inputs.containerFile),
    currentBuild: annotations[MCO_ANNOTATIONS.currentMachineOSBuild] ?? null,
    annotations,
    uid: str(metadata.uid),
    generation: num(metadata.generation),
    creationTimestamp: str(metadata.creationTimestamp),
    status: {
      currentImagePullSpec: str(
        apiVersion === 'v1'
          ? status.currentImagePullSpec
          : status.currentImagePullspec,
      ),
      machineOSBuild:
        apiVersion === 'v1' ? str(obj(status.machineOSBuild).name) : null,
      observedGeneration: num(status.observedGeneration),
      conditions: conditions(status.conditions),
    },
  };
}

const BUILD_STATES_BY_PRECEDENCE: BuildState[] = [
  'Failed',
  'Interrupted',
  'Succeeded',
  'Building',
  'Prepared',
];

/**
 * Derives a build's state from its conditions. The MCO keeps exactly one of
 * Prepared/Building/Succeeded/Failed/Interrupted True; should several be True,
 * the terminal ones win. A build with conditions but none True has not
 * started: `Prepared`. Without any condition the state is `Unknown`.
 * @public
 */
export function buildStateFromConditions(list: PoolCondition[]): BuildState {
  const known = list.filter(c =>
    (BUILD_STATES_BY_PRECEDENCE as string[]).includes(c.type),
  );
  if (!known.length) return 'Unknown';
  for (const state of BUILD_STATES_BY_PRECEDENCE) {
    if (known.some(c => c.type === state && c.status === 'True')) return state;
  }
  return 'Prepared';
}

/**
 * Reads a MachineOSBuild object of either API version into one model.
 * @returns the model, or null when the object is not a MachineOSBuild
 * @public
 */
export function normalizeMachineOSBuild(
  object: unknown,
): MachineOSBuildModel | null {
  const o = obj(object);
  const apiVersion = machineConfigurationVersion(o.apiVersion);
  if (!apiVersion || o.kind !== 'MachineOSBuild') return null;
  const metadata = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const name = str(metadata.name);
  if (!name) return null;
  const labels = strMap(metadata.labels);
  const list = conditions(status.conditions);
  const builderStatus = obj(
    apiVersion === 'v1' ? status.builder : status.builderReference,
  );
  const ref = obj(
    apiVersion === 'v1' ? builderStatus.job : builderStatus.buildPod,
  );
  const hasRef = Object.keys(ref).length > 0;
  const builderKind = apiVersion === 'v1' ? 'job' : 'pod';
  return {
    apiVersion,
    name,
    machineOSConfig:
      str(obj(spec.machineOSConfig).name) ??
      labels[MCO_ANNOTATIONS.machineOSConfigLabel] ??
      '',
    pool: labels[MCO_ANNOTATIONS.targetPoolLabel] ?? null,
    renderedConfig:
      str(
        obj(apiVersion === 'v1' ? spec.machineConfig : spec.desiredConfig).name,
      ) ??
      labels[MCO_ANNOTATIONS.renderedMachineConfigLabel] ??
      null,
    renderedImagePushSpec: str(
      apiVersion === 'v1'
        ? spec.renderedImagePushSpec
        : spec.renderedImagePushspec,
    ),
    state: buildStateFromConditions(list),
    buildStart: str(status.buildStart),
    buildEnd: str(status.buildEnd),
    digestedImagePushSpec: str(
      apiVersion === 'v1'
        ? status.digestedImagePushSpec
        : status.finalImagePullspec,
    ),
    builder: {
      type: str(builderStatus.imageBuilderType),
      kind: hasRef ? builderKind : null,
      namespace: hasRef ? str(ref.namespace) : null,
      name: hasRef ? str(ref.name) : null,
    },
    conditions: list,
    creationTimestamp: str(metadata.creationTimestamp),
    uid: str(metadata.uid),
  };
}

/** What the portal needs to create or update a MachineOSConfig. @public */
export interface MachineOSConfigInput {
  /** The pool; also the MachineOSConfig name (required on v1, kept on v1alpha1 for one-per-pool). */
  pool: string;
  renderedImagePushSpec: string;
  renderedImagePushSecret: string;
  /** Optional on v1; v1alpha1 requires one and defaults to `global-pull-secret-copy`. */
  baseImagePullSecret?: string | null;
  /** v1alpha1 only: the secret nodes pull the built image with. */
  currentImagePullSecret?: string | null;
  containerFiles: ContainerfileEntry[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** The secret the MCO copies from the global pull secret. @public */
export const GLOBAL_PULL_SECRET_COPY = 'global-pull-secret-copy';

/** Checks a {@link MachineOSConfigInput} for the API version; fields are the input's keys. @public */
export function validateMachineOSConfigInput(
  input: MachineOSConfigInput,
  apiVersion: MachineOSConfigApiVersion,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [
    ...validateDns1123Subdomain(input.pool, 'pool', 'pool name'),
    ...validatePushSpec(input.renderedImagePushSpec, {
      field: 'renderedImagePushSpec',
      apiVersion,
    }),
    ...validateDns1123Subdomain(
      input.renderedImagePushSecret,
      'renderedImagePushSecret',
      'push secret name',
    ),
  ];
  if (input.baseImagePullSecret) {
    issues.push(
      ...validateDns1123Subdomain(
        input.baseImagePullSecret,
        'baseImagePullSecret',
        'base image pull secret name',
      ),
    );
  }
  if (input.currentImagePullSecret) {
    if (apiVersion === 'v1') {
      issues.push(
        issue(
          'currentImagePullSecret',
          'v1 has no image pull secret for nodes: they pull with the cluster-wide pull secret, so add the registry credentials there.',
          'warning',
        ),
      );
    } else {
      issues.push(
        ...validateDns1123Subdomain(
          input.currentImagePullSecret,
          'currentImagePullSecret',
          'image pull secret name',
        ),
      );
    }
  }
  if (!input.containerFiles.length) {
    issues.push(
      issue('containerfile', 'At least one Containerfile is required.'),
    );
  }
  issues.push(
    ...validateContainerfileEntries(
      input.containerFiles.map(e => ({
        containerfileArch:
          apiVersion === 'v1' ? e.arch : V1_TO_ALPHA_ARCH[e.arch],
        content: e.content,
      })),
      apiVersion,
    ),
  );
  return issues;
}

/** Thrown by the builders when their input has errors; carries the field-level issues. @public */
export class LayeringInputError extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(
      issues
        .filter(i => i.severity === 'error')
        .map(i => `${i.field}: ${i.message}`)
        .join(' '),
    );
    this.name = 'InputError';
    this.issues = issues;
  }
}

/**
 * Builds a MachineOSConfig object for the API version: name = pool,
 * `imageBuilderType` `Job` (v1) or `PodImageBuilder` (v1alpha1), fields at
 * `spec` (v1) or under `spec.buildInputs` (v1alpha1).
 *
 * @throws {@link LayeringInputError} when the input has errors
 * @public
 */
export function buildMachineOSConfig(
  input: MachineOSConfigInput,
  apiVersion: MachineOSConfigApiVersion,
): Record<string, unknown> {
  const issues = validateMachineOSConfigInput(input, apiVersion);
  if (hasErrors(issues)) throw new LayeringInputError(issues);
  const metadata: Record<string, unknown> = { name: input.pool };
  if (input.labels && Object.keys(input.labels).length)
    metadata.labels = { ...input.labels };
  if (input.annotations && Object.keys(input.annotations).length)
    metadata.annotations = { ...input.annotations };
  if (apiVersion === 'v1') {
    const spec: Record<string, unknown> = {
      machineConfigPool: { name: input.pool },
      imageBuilder: { imageBuilderType: 'Job' },
      renderedImagePushSecret: { name: input.renderedImagePushSecret },
      renderedImagePushSpec: input.renderedImagePushSpec,
      containerFile: input.containerFiles.map(e => ({
        containerfileArch: e.arch,
        content: e.content,
      })),
    };
    if (input.baseImagePullSecret)
      spec.baseImagePullSecret = { name: input.baseImagePullSecret };
    return {
      apiVersion: `${MACHINECONFIGURATION_GROUP}/v1`,
      kind: 'MachineOSConfig',
      metadata,
      spec,
    };
  }
  const spec: Record<string, unknown> = {
    machineConfigPool: { name: input.pool },
    buildInputs: {
      baseImagePullSecret: {
        name: input.baseImagePullSecret || GLOBAL_PULL_SECRET_COPY,
      },
      renderedImagePushSecret: { name: input.renderedImagePushSecret },
      renderedImagePushspec: input.renderedImagePushSpec,
      imageBuilder: { imageBuilderType: 'PodImageBuilder' },
      containerFile: input.containerFiles.map(e => ({
        containerfileArch: V1_TO_ALPHA_ARCH[e.arch],
        content: e.content,
      })),
    },
  };
  if (input.currentImagePullSecret) {
    spec.buildOutputs = {
      currentImagePullSecret: { name: input.currentImagePullSecret },
    };
  }
  return {
    apiVersion: `${MACHINECONFIGURATION_GROUP}/v1alpha1`,
    kind: 'MachineOSConfig',
    metadata,
    spec,
  };
}

/**
 * Turns a normalised MachineOSConfig back into builder input, e.g. to re-create
 * it in the other API version.
 * @public
 */
export function machineOSConfigInputFromModel(
  model: MachineOSConfigModel,
): MachineOSConfigInput {
  return {
    pool: model.pool,
    renderedImagePushSpec: model.renderedImagePushSpec,
    renderedImagePushSecret: model.renderedImagePushSecret,
    baseImagePullSecret: model.baseImagePullSecret,
    currentImagePullSecret: model.currentImagePullSecret,
    containerFiles: model.containerFiles.map(e => ({ ...e })),
  };
}

/** Input of {@link buildOsImageMachineConfig}. @public */
export interface OsImageMachineConfigInput {
  /** MachineConfig name, e.g. `os-layer-custom`; later names win for the same role. */
  name: string;
  /** The pool role the config applies to (`worker`, `master`, or a custom pool). */
  role: string;
  /** The layered image by digest. */
  osImageURL: string;
  /** Matching extensions image by digest, if any. */
  baseOSExtensionsContainerImage?: string | null;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** Checks {@link OsImageMachineConfigInput}; fields are the input's keys. @public */
export function validateOsImageMachineConfigInput(
  input: OsImageMachineConfigInput,
): ValidationIssue[] {
  const issues = [
    ...validateDns1123Subdomain(input.name, 'name', 'MachineConfig name'),
    ...validateDns1123Label(input.role, 'role', 'role'),
    ...validateDigestImage(input.osImageURL, 'osImageURL', 'OS image'),
  ];
  if (input.baseOSExtensionsContainerImage) {
    issues.push(
      ...validateDigestImage(
        input.baseOSExtensionsContainerImage,
        'baseOSExtensionsContainerImage',
        'extensions image',
      ),
    );
  }
  if (input.name.startsWith('rendered-')) {
    issues.push(
      issue(
        'name',
        'Names starting with "rendered-" belong to the MCO\'s rendered configs.',
      ),
    );
  }
  return issues;
}

/**
 * Builds the out-of-cluster layering MachineConfig: role label and
 * `spec.osImageURL` by digest.
 * @throws {@link LayeringInputError} when the input has errors
 * @public
 */
export function buildOsImageMachineConfig(
  input: OsImageMachineConfigInput,
): Record<string, unknown> {
  const issues = validateOsImageMachineConfigInput(input);
  if (hasErrors(issues)) throw new LayeringInputError(issues);
  const metadata: Record<string, unknown> = {
    name: input.name,
    labels: { ...(input.labels ?? {}), [MCO_ANNOTATIONS.role]: input.role },
  };
  if (input.annotations && Object.keys(input.annotations).length)
    metadata.annotations = { ...input.annotations };
  const spec: Record<string, unknown> = { osImageURL: input.osImageURL.trim() };
  if (input.baseOSExtensionsContainerImage) {
    spec.baseOSExtensionsContainerImage =
      input.baseOSExtensionsContainerImage.trim();
  }
  return {
    apiVersion: `${MACHINECONFIGURATION_GROUP}/v1`,
    kind: 'MachineConfig',
    metadata,
    spec,
  };
}
