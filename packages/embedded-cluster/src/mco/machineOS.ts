import type { K8sObject } from '../store/types';
import { KEYS, MCO_GROUP, MCO_NAMESPACE } from './constants';
import { Condition, canonicalJson, mergeConditions, saltedMd5 } from './util';

/**
 * MachineOSConfig / MachineOSBuild read the same way whichever version the cluster serves
 * (FACTS §2.3–§2.5): the simulation works on these views and writes back in the served shape.
 */
export type MachineOSApi = 'v1' | 'v1alpha1';

/** The served version of a MachineOS object, from its apiVersion. */
export function apiOf(object: K8sObject): MachineOSApi {
  return object.apiVersion.endsWith('/v1alpha1') ? 'v1alpha1' : 'v1';
}

/** A MachineOSConfig, version-independent. */
export interface MoscView {
  name: string;
  api: MachineOSApi;
  pool: string;
  /** Tag push spec (`renderedImagePushSpec` / `buildInputs.renderedImagePushspec`). */
  pushSpec: string;
  pushSecret?: string;
  /** The Containerfile builds use: the `NoArch` entry (v1alpha1 `noarch`), when there is one. */
  containerfile?: string;
  /** The spec part that goes into the build hash. */
  spec: unknown;
  /** `status.currentImagePullSpec` / `status.currentImagePullspec`. */
  currentImage?: string;
  /** `status.machineOSBuild.name` (v1 only). */
  statusBuild?: string;
  annotations: Record<string, string>;
  generation: number;
}

type Json = Record<string, unknown>;

/**
 * The one `containerfileArch` the build reads. The MCO's build request takes the first entry for
 * `NoArch` and ignores every other architecture ("only support noArch for now" in
 * pkg/controller/build/buildrequest/buildrequest.go, v1 and v1alpha1 alike), so an `AMD64` or
 * `ARM64` entry changes nothing in the built image. An entry without an architecture counts as
 * `NoArch`, the API's default.
 */
const BUILD_ARCH: Record<MachineOSApi, string> = { v1: 'NoArch', v1alpha1: 'noarch' };

/** Read a MachineOSConfig of either version. */
export function readMosc(object: K8sObject): MoscView {
  const api = apiOf(object);
  const spec = (object.spec ?? {}) as Json;
  const status = (object.status ?? {}) as Json;
  const inputs = (api === 'v1' ? spec : (spec.buildInputs as Json | undefined) ?? {}) as Json;
  const files = (inputs.containerFile as Array<{ containerfileArch?: string; content?: string }> | undefined) ?? [];
  const used = files.find(f => (f.containerfileArch ?? BUILD_ARCH[api]) === BUILD_ARCH[api]);
  return {
    name: object.metadata.name,
    api,
    pool: String((spec.machineConfigPool as Json | undefined)?.name ?? ''),
    pushSpec: String(
      (api === 'v1' ? inputs.renderedImagePushSpec : inputs.renderedImagePushspec) ?? '',
    ),
    pushSecret: (inputs.renderedImagePushSecret as Json | undefined)?.name as string | undefined,
    containerfile: used?.content,
    spec,
    currentImage: (api === 'v1' ? status.currentImagePullSpec : status.currentImagePullspec) as
      | string
      | undefined,
    statusBuild: (status.machineOSBuild as Json | undefined)?.name as string | undefined,
    annotations: { ...(object.metadata.annotations ?? {}) },
    generation: object.metadata.generation ?? 1,
  };
}

/** MachineOSConfig status for the served version, pointing at a finished build. */
export function moscStatus(
  mosc: K8sObject,
  build: { name: string; digest: string },
): Json {
  const api = apiOf(mosc);
  const old = (mosc.status ?? {}) as Json;
  const observedGeneration = Math.max(
    Number(old.observedGeneration ?? 0),
    mosc.metadata.generation ?? 1,
  );
  if (api === 'v1alpha1') {
    return { ...old, observedGeneration, currentImagePullspec: build.digest };
  }
  return {
    ...old,
    observedGeneration,
    currentImagePullSpec: build.digest,
    machineOSBuild: {
      group: MCO_GROUP,
      resource: 'machineosbuilds',
      name: build.name,
    },
  };
}

/** Where a build stands (the one True condition; `New` when none is True yet). */
export type BuildPhase = 'New' | 'Prepared' | 'Building' | 'Succeeded' | 'Failed' | 'Interrupted';

/** A MachineOSBuild, version-independent. */
export interface MosbView {
  name: string;
  api: MachineOSApi;
  mosc: string;
  renderedConfig: string;
  pushSpec: string;
  phase: BuildPhase;
  /** `digestedImagePushSpec` / `finalImagePullspec`. */
  digest?: string;
  buildStart?: string;
  /** v1alpha1 `spec.version`. */
  version?: number;
}

const PHASES: BuildPhase[] = ['Succeeded', 'Failed', 'Interrupted', 'Building', 'Prepared'];

/** Read a MachineOSBuild of either version. */
export function readMosb(object: K8sObject): MosbView {
  const api = apiOf(object);
  const spec = (object.spec ?? {}) as Json;
  const status = (object.status ?? {}) as Json;
  const conditions = (status.conditions as Condition[] | undefined) ?? [];
  const phase =
    PHASES.find(t => conditions.some(c => c.type === t && c.status === 'True')) ?? 'New';
  return {
    name: object.metadata.name,
    api,
    mosc: String((spec.machineOSConfig as Json | undefined)?.name ?? ''),
    renderedConfig: String(
      ((api === 'v1' ? spec.machineConfig : spec.desiredConfig) as Json | undefined)?.name ?? '',
    ),
    pushSpec: String((api === 'v1' ? spec.renderedImagePushSpec : spec.renderedImagePushspec) ?? ''),
    phase,
    digest: (api === 'v1' ? status.digestedImagePushSpec : status.finalImagePullspec) as
      | string
      | undefined,
    buildStart: status.buildStart as string | undefined,
    version: typeof spec.version === 'number' ? spec.version : undefined,
  };
}

const CONDITION_TEXT: Record<Exclude<BuildPhase, 'New'>, { reason: string; message: string }> = {
  Prepared: { reason: 'Prepared', message: 'Build Prepared and Pending' },
  Building: { reason: 'Building', message: 'Image Build In Progress' },
  Failed: { reason: 'Failed', message: 'Build Failed' },
  Interrupted: { reason: 'Interrupted', message: 'Build Interrupted' },
  Succeeded: { reason: 'Ready', message: 'Build Ready' },
};

/** The five build conditions with exactly one True (FACTS §2.4), all False for `New`. */
export function buildConditions(
  phase: BuildPhase,
  existing: Condition[] | undefined,
  now: string,
): Condition[] {
  const order: Array<Exclude<BuildPhase, 'New'>> = [
    'Prepared',
    'Building',
    'Failed',
    'Interrupted',
    'Succeeded',
  ];
  return mergeConditions(
    existing,
    order.map(type => ({
      type,
      status: type === phase ? 'True' : 'False',
      ...CONDITION_TEXT[type],
    })),
    now,
  );
}

/** Name of the build Job (v1) or build pod (v1alpha1). */
export function builderName(build: MosbView): string {
  return build.api === 'v1' ? `build-${build.name}` : `build-${build.renderedConfig}`;
}

/** The builder reference of a build's status, in the served shape. */
export function builderStatus(build: MosbView): Json {
  if (build.api === 'v1alpha1') {
    return {
      builderReference: {
        imageBuilderType: 'PodImageBuilder',
        buildPod: { group: '', resource: '', namespace: MCO_NAMESPACE, name: builderName(build) },
      },
    };
  }
  return {
    builder: {
      imageBuilderType: 'Job',
      job: { group: 'batch', resource: 'jobs', namespace: MCO_NAMESPACE, name: builderName(build) },
    },
  };
}

/** The status field holding a build's image digest, per version. */
export function digestField(api: MachineOSApi): 'digestedImagePushSpec' | 'finalImagePullspec' {
  return api === 'v1' ? 'digestedImagePushSpec' : 'finalImagePullspec';
}

/** `<repo>:<tag>` → `<repo>:<newTag>` (the tag is the part after the last `:` following the last `/`). */
export function replaceTag(pushSpec: string, tag: string): string {
  return `${repositoryOf(pushSpec)}:${tag}`;
}

/** `host[:port]/path[:tag][@digest]` → `host[:port]/path`. */
export function repositoryOf(reference: string): string {
  const noDigest = reference.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The build a MachineOSConfig names as newest (v1 annotation). */
export function currentBuildAnnotation(mosc: MoscView): string | undefined {
  return mosc.annotations[KEYS.currentMachineOSBuild];
}

/**
 * The inputs of a build (FACTS §5.2): the pool's `spec.configuration` (name and sources), the
 * MachineOSConfig spec, and the rendered config's osImageURL, extensions image and release.
 */
export function buildInputsKey(pool: K8sObject, mosc: MoscView, rendered: K8sObject): string {
  const rspec = (rendered.spec ?? {}) as Json;
  return canonicalJson({
    configuration: (pool.spec as { configuration?: unknown } | undefined)?.configuration,
    machineOSConfig: mosc.spec,
    osImageURL: rspec.osImageURL,
    extensions: rspec.baseOSExtensionsContainerImage,
    release: rendered.metadata.annotations?.[KEYS.releaseImageVersion],
  });
}

/** v1 build name: `<MachineOSConfig name>-<md5(salt + inputs)>`. */
export function v1BuildName(mosc: string, inputsKey: string): string {
  return `${mosc}-${saltedMd5(inputsKey)}`;
}
