import { MACHINECONFIGURATION_GROUP } from './mco';

/**
 * Catalog annotation naming the cluster an entity stands for (or belongs to).
 * @public
 */
export const LAYERING_CLUSTER_ANNOTATION = 'layering.openshift.io/cluster';

/**
 * Catalog annotation naming the MachineConfigPool of a pool entity.
 * @public
 */
export const LAYERING_POOL_ANNOTATION = 'layering.openshift.io/pool';

/** The Kubernetes plugin's cluster annotation, also set on cluster entities. @public */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * Annotations the portal writes on the objects it creates or changes
 * (MachineOSConfig, MachineConfig), so a cluster object can be traced back to
 * the request.
 * @public
 */
export const LAYERING_REQUEST_ANNOTATIONS = {
  /** Entity ref of the person who asked, e.g. `user:default/jdoe`. */
  requestedBy: 'layering.openshift.io/requested-by',
  /** Scaffolder task ID of the template run. */
  templateRun: 'layering.openshift.io/template-run',
  /**
   * ID of the request: a UUID made when the manifest is rendered, which the record of the
   * request keeps (the record links it to its pull request, whose URL is not known at render).
   */
  requestId: 'layering.openshift.io/request-id',
  /** OCP release whose rhel-coreos image the change was made against, e.g. `4.18.21`. */
  baseRelease: 'layering.openshift.io/base-release',
  /** The rhel-coreos image (by digest) the change was made against. */
  baseImage: 'layering.openshift.io/base-image',
  /**
   * `sha256:<hex>` over the object's content without annotations (apiVersion, kind, name,
   * labels, spec; see `layeringContentDigest` of the node package): what was reviewed, so the
   * backend can tell that the object on the cluster is the one the request rendered.
   */
  contentDigest: 'layering.openshift.io/content-digest',
} as const;

/** Prefix of the Machine Config Operator's annotations and labels (its API group). @public */
export const MCO_PREFIX = MACHINECONFIGURATION_GROUP;

/**
 * Annotation and label names of the Machine Config Operator that the plugins
 * read or write (see FACTS.md §2–§3).
 * @public
 */
export const MCO_ANNOTATIONS = {
  /** Label on MachineConfigs: the role pools select on. */
  role: `${MCO_PREFIX}/role`,
  currentConfig: `${MCO_PREFIX}/currentConfig`,
  desiredConfig: `${MCO_PREFIX}/desiredConfig`,
  state: `${MCO_PREFIX}/state`,
  reason: `${MCO_PREFIX}/reason`,
  currentImage: `${MCO_PREFIX}/currentImage`,
  desiredImage: `${MCO_PREFIX}/desiredImage`,
  desiredDrain: `${MCO_PREFIX}/desiredDrain`,
  lastAppliedDrain: `${MCO_PREFIX}/lastAppliedDrain`,
  controlPlaneTopology: `${MCO_PREFIX}/controlPlaneTopology`,
  generatedByControllerVersion: `${MCO_PREFIX}/generated-by-controller-version`,
  releaseImageVersion: `${MCO_PREFIX}/release-image-version`,
  osImageUrlOverridden: `${MCO_PREFIX}/os-image-url-overridden`,
  currentMachineOSBuild: `${MCO_PREFIX}/current-machine-os-build`,
  rebuild: `${MCO_PREFIX}/rebuild`,
  preBuiltImage: `${MCO_PREFIX}/pre-built-image`,
  renderedImagePushSecret: `${MCO_PREFIX}/rendered-image-push-secret`,
  /** MachineOSBuild labels. */
  machineOSConfigLabel: `${MCO_PREFIX}/machine-os-config`,
  targetPoolLabel: `${MCO_PREFIX}/target-machine-config-pool`,
  renderedMachineConfigLabel: `${MCO_PREFIX}/rendered-machine-config`,
  /** Labels of the built-in pools. */
  builtInPoolLabel: `${MCO_PREFIX}/mco-built-in`,
} as const;

/** Namespace of the Machine Config Operator, where build secrets must live. @public */
export const MCO_NAMESPACE = 'openshift-machine-config-operator';

/** Secret holding RHEL entitlement certificates for builds that install RHEL packages. @public */
export const ENTITLEMENT_SECRET = 'etc-pki-entitlement';

/**
 * Namespace the MCO takes the entitlement secret from on 4.18 and later (kept there by the
 * Insights Operator under Simple Content Access); the MCO copies it per pool into its own
 * namespace for each build, so nobody copies it by hand any more.
 * @public
 */
export const ENTITLEMENT_SOURCE_NAMESPACE = 'openshift-config-managed';

/** `spec.type` of catalog entities the plugins create or look for. @public */
export const LAYERING_ENTITY_TYPES = {
  /** `Resource` of an OpenShift cluster. */
  cluster: 'kubernetes-cluster',
  /** `Resource` of a MachineConfigPool, named `<cluster>-<pool>`. */
  pool: 'openshift-machine-config-pool',
} as const;

/**
 * Name of the catalog entity of a pool.
 * @public
 */
export function poolEntityName(cluster: string, pool: string): string {
  return `${cluster}-${pool}`;
}
