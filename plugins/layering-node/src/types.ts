/**
 * Credentials for one registry (or mirror).
 *
 * @public
 */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  token?: string;
}

/**
 * One entry of `layering.registries` (or of a cluster's own `registries`).
 *
 * @public
 */
export interface RegistryConfigEntry {
  /** Registry host the image references name, `*` for every host. */
  host: string;
  /** Endpoint to read from instead, e.g. `https://mirror.example.com`. */
  mirror?: string;
  auth?: RegistryAuthConfig;
  /** Accept content that does not hash to its digest (development registries only). */
  dangerouslySkipDigestVerification?: boolean;
}

/**
 * How the portal proves who it is to a cluster.
 *
 * - `token`: a bearer token written in the configuration.
 * - `tokenFile`: a bearer token read from a file, re-read whenever the file changes (the pod's
 *   projected service account token, which the kubelet rotates).
 * - `clientCertificate`: TLS client authentication; PEM data (base64, as in a kubeconfig) or files.
 * - `user`: act as the person who runs the task, with the OpenShift token they give as the task
 *   secret `openshiftToken`. Only valid for writers.
 *
 * @public
 */
export type LayeringClusterCredential =
  | { type: 'token'; token: string }
  | { type: 'tokenFile'; path: string }
  | {
      type: 'clientCertificate';
      certData?: string;
      keyData?: string;
      certFile?: string;
      keyFile?: string;
    }
  | { type: 'user' };

/**
 * Where a cluster's details came from.
 *
 * @public
 */
export type LayeringClusterSource = 'config' | 'catalog' | 'custom';

/**
 * One cluster the layering plugins can reach: its API server, how to trust it, the read-only
 * credential (watches, pre-flight reads) and the writer credential (the actions' writes).
 *
 * @public
 */
export interface LayeringClusterDetails {
  /** Cluster name, as the catalog and the action inputs use it. */
  name: string;
  title?: string;
  /** API server URL. */
  url: string;
  /** Base64 PEM of the API server's CA. */
  caData?: string;
  /** Path of a PEM file with the API server's CA. */
  caFile?: string;
  /** Skip TLS verification (development clusters only). */
  skipTLSVerify: boolean;
  /** The Kubernetes plugin's auth metadata (entity annotations for catalog clusters). */
  authMetadata: Record<string, string>;
  /** Service credential for watches and reads; undefined when none is usable (see `configError`). */
  reader?: LayeringClusterCredential;
  /** Credential of the actions' writes; undefined means the actions refuse to write. */
  writer?: LayeringClusterCredential;
  /** Registries tried before the global ones for images of this cluster. */
  registries: RegistryConfigEntry[];
  /** Set when the cluster cannot be read as configured; reported as the cluster's error. */
  configError?: string;
  /** Where the details came from. */
  source: LayeringClusterSource;
}

/**
 * The clusters of the layering plugins. The layering backend and the scaffolder module both read
 * their clusters from this service, so one override of {@link layeringClustersServiceRef} reaches
 * both.
 *
 * @public
 */
export interface LayeringClustersService {
  /**
   * The clusters as they are now, after `layering.clusters.include`/`exclude`. Catalog clusters
   * are looked up on each call, so callers that keep a list refresh it from time to time.
   */
  getClusters(): Promise<LayeringClusterDetails[]>;
}
