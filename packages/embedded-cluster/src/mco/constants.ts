/**
 * Names the Machine Config Operator uses (FACTS.md §2–§6). Kept in one place so the simulation and
 * its tests read the same strings.
 */

// The simulator keeps its own copy of the MCO's names rather than depending on layering-common:
// it stands in for a real cluster in the plugins' tests, so it must not share their code.
import { MCO_GROUP } from '../store/resources';

/** API group of the MCO kinds (one definition, in the store's resource table). */
export { MCO_GROUP };
/** apiVersion of MachineConfig / MachineConfigPool (every release). */
export const MCO_V1 = `${MCO_GROUP}/v1`;
/** Namespace of the operator, its ConfigMap, build pods and push secrets. */
export const MCO_NAMESPACE = 'openshift-machine-config-operator';
/** ConfigMap holding the release's default OS images (FACTS §4). */
export const OS_IMAGE_CONFIGMAP = 'machine-config-osimageurl';
/** The ClusterVersion singleton. */
export const CLUSTER_VERSION_NAME = 'version';

const p = (name: string) => `${MCO_GROUP}/${name}`;

/** Annotation and label keys (prefix `machineconfiguration.openshift.io/`). */
export const KEYS = {
  role: p('role'),
  generatedBy: p('generated-by-controller-version'),
  releaseImageVersion: p('release-image-version'),
  osImageUrlOverridden: p('os-image-url-overridden'),
  currentConfig: p('currentConfig'),
  desiredConfig: p('desiredConfig'),
  state: p('state'),
  reason: p('reason'),
  currentImage: p('currentImage'),
  desiredImage: p('desiredImage'),
  desiredDrain: p('desiredDrain'),
  lastAppliedDrain: p('lastAppliedDrain'),
  postConfigAction: p('post-config-action'),
  controlPlaneTopology: p('controlPlaneTopology'),
  currentMachineOSBuild: p('current-machine-os-build'),
  rebuild: p('rebuild'),
  machineOSConfigLabel: p('machine-os-config'),
  targetPoolLabel: p('target-machine-config-pool'),
  renderedConfigLabel: p('rendered-machine-config'),
  pushSecretAnnotation: p('rendered-image-push-secret'),
  requiredForUpgrade: `operator.${MCO_GROUP}/required-for-upgrade`,
} as const;

/** Node `state` annotation values (FACTS §3). */
export type NodeState = 'Done' | 'Working' | 'Degraded' | 'Unreconcilable';

/** Taint the drain controller puts on a cordoned node. */
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** Pool roles with special membership rules (FACTS §2.2). */
export const MASTER_POOL = 'master';
export const WORKER_POOL = 'worker';
export const ARBITER_POOL = 'arbiter';

/** Ignition spec version the simulated render controller writes. */
export const RENDERED_IGNITION_VERSION = '3.4.0';

/**
 * Job `backoffLimit` of a v1 build: up to `backoffLimit + 1` builder pod attempts (FACTS §6).
 */
export const BUILD_BACKOFF_LIMIT = 3;

/**
 * Simulated durations in seconds at speed 1 (the scheduler divides them by `speed`; 0 = no wait).
 */
export const DURATIONS = {
  drain: 3,
  update: 4,
  reboot: 6,
  buildPrepare: 2,
  buildAttempt: 10,
  buildRetry: 2,
  payload: 3,
} as const;
