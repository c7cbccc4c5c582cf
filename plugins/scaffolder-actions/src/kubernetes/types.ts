/**
 * Minimal shapes of the Kubernetes and OpenShift objects the actions read and write. Only the
 * fields the actions use are typed; everything else is carried through untouched.
 */

/**
 * The `metadata` of an object, with the fields the actions read typed.
 *
 * @public
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  [key: string]: unknown;
}

/**
 * Any Kubernetes or OpenShift object, as read from or written to a cluster.
 *
 * @public
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** @public */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** @public */
export interface MachineConfigPool extends KubeObject {
  spec?: {
    paused?: boolean;
    machineConfigSelector?: LabelSelector;
    nodeSelector?: LabelSelector;
    configuration?: { name?: string };
  };
  status?: {
    machineCount?: number;
    /** Machines whose desired config is the pool's current target. */
    updatedMachineCount?: number;
    degradedMachineCount?: number;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }>;
    configuration?: { name?: string };
  };
}

/** @public */
export interface MachineConfig extends KubeObject {
  spec?: { osImageURL?: string; [key: string]: unknown };
}

/** @public */
export interface MachineOSConfig extends KubeObject {
  spec?: {
    machineConfigPool?: { name?: string };
    renderedImagePushSpec?: string;
    renderedImagePushSecret?: { name?: string };
    baseImagePullSecret?: { name?: string };
    containerFile?: Array<{ containerfileArch?: string; content?: string }>;
    buildInputs?: {
      renderedImagePushspec?: string;
      renderedImagePushSecret?: { name?: string };
      baseImagePullSecret?: { name?: string };
      containerFile?: Array<{ containerfileArch?: string; content?: string }>;
    };
    [key: string]: unknown;
  };
  status?: { currentImagePullSpec?: string; currentImagePullspec?: string };
}

/** @public */
export interface MachineOSBuild extends KubeObject {
  spec?: {
    machineOSConfig?: { name?: string };
    renderedImagePushSpec?: string;
    renderedImagePushspec?: string;
  };
  status?: {
    digestedImagePushSpec?: string;
    finalImagePullspec?: string;
    conditions?: Array<{ type: string; status: string }>;
  };
}

/** @public */
export interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean };
  status?: { nodeInfo?: { osImage?: string; architecture?: string } };
}

/** Reference to one object. @public */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export {
  MACHINECONFIGURATION_GROUP as MCO_GROUP,
  MCO_NAMESPACE,
} from '@rhcos-layering/plugin-layering-common';
