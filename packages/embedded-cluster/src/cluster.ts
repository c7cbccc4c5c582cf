import { assembleCluster } from './assemble';
import { createMcoSimulator } from './mco';
import { checkSimulationSpeed } from './mco/scheduler';
import type { ImageRecord, McoSimulator, ReleaseRecord } from './store/types';
import type { ServiceAccountToken } from './server/auth';
import type { StateClock } from './state/anchor';
import type { EmbeddedOAuthOptions } from './oauth/OAuthServer';
import type { AuditEvent } from './server/audit';

/**
 * Options of {@link startEmbeddedCluster}.
 *
 * @public
 */
export interface EmbeddedClusterOptions {
  /** Cluster name, default `embedded`. */
  name?: string;
  /** Directory of YAML objects (+ optional images.yaml, releases.yaml). */
  stateDir?: string;
  /** Objects given directly (added after the state directory's). */
  objects?: object[];
  /** Images given directly. */
  images?: ImageRecord[];
  /** Release catalogue for upgrades. */
  releases?: ReleaseRecord[];
  /**
   * Where the state's `anchor` (`state.yaml`) lands on the clock: the start time by default, so
   * the times of the state read as minutes ago. A fixed time pins it (tests); `false` keeps the
   * times the files carry. A state without an anchor keeps its times.
   */
  now?: StateClock;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /**
   * Simulation speed, higher is faster: 0 = instant (tests), 1 = demo pace (default), 10 = ten
   * times faster. Values between 0 and 1 are refused (they used to mean faster than demo pace).
   */
  speed?: number;
  /** Persist state here and reload it on restart. */
  dataDir?: string;
  /** Bearer tokens; random when omitted. */
  tokens?: { admin?: string; readOnly?: string };
  /**
   * Service accounts and their bearer tokens. Each token authenticates as
   * `system:serviceaccount:<namespace>:<name>` (groups `system:serviceaccounts`,
   * `system:serviceaccounts:<namespace>`, `system:authenticated`) and is authorized only by the
   * RBAC objects of the cluster (ClusterRole, ClusterRoleBinding, Role, RoleBinding), which come
   * with the state or are created through the API. `writeKubeconfig` adds a context
   * `<cluster>-<name>` for each.
   */
  serviceAccounts?: ServiceAccountToken[];
  /**
   * An OAuth server for people, as OpenShift runs one: `/oauth/authorize` (a login form for these
   * users), `/oauth/token` (authorization code → `sha256~` access token),
   * `/.well-known/oauth-authorization-server`, `GET /apis/user.openshift.io/v1/users/~` and
   * deletion of one's own token. A user token is authorized by the cluster's RBAC under the
   * user's name, as a person's token is on OpenShift.
   */
  oauth?: EmbeddedOAuthOptions;
  /** Serve MachineOSConfig/MachineOSBuild at this version instead of deriving it from the state. */
  machineOSApiVersion?: 'v1' | 'v1alpha1';
  /** Sub-folders of `stateDir` to read too (e.g. `['v1alpha1']`). */
  includeDirs?: string[];
  /** Log sink (the CLI prints; libraries pass their logger). */
  log?: (message: string, meta?: Record<string, unknown>) => void;
}

/**
 * A running embedded cluster.
 *
 * @public
 */
export interface EmbeddedCluster {
  name: string;
  /** `http://127.0.0.1:PORT` (Kubernetes API). */
  url: string;
  /** `http://127.0.0.1:PORT` (OCI distribution API, same server, `/v2/`). */
  registryUrl: string;
  /** `host[:port]` used in image references of images it serves. */
  registryHost: string;
  /** `https://127.0.0.1:PORT`: the same port over TLS (kubectl sends bearer tokens only over TLS). */
  httpsUrl?: string;
  /** PEM of the self-signed CA of the TLS side. */
  caCertificate?: string;
  tokens: { admin: string; readOnly: string };
  writeKubeconfig(file: string): Promise<void>;
  /** Resolves when no controller has pending work (instant mode). */
  settle(): Promise<void>;
  stop(): Promise<void>;
  /** Answer the next n requests with 429 + Retry-After. */
  throttle(n: number): void;
  /** Make every older resourceVersion answer 410 Gone. */
  expireWatchHistory(): void;
  /** End every open watch stream (clients see a dropped connection). Not in the ARCHITECTURE contract. */
  closeWatches?(): void;
  /** The write requests the API server answered, as `audit.k8s.io/v1` events: who changed what. */
  auditEvents?(): AuditEvent[];
}

/**
 * Start an embedded OpenShift cluster: API server, registry and Machine Config Operator simulation.
 *
 * @public
 */
export async function startEmbeddedCluster(
  options: EmbeddedClusterOptions = {},
): Promise<EmbeddedCluster> {
  // Refuse a speed in its old meaning before anything listens.
  checkSimulationSpeed(options.speed ?? 1);
  let settle: () => Promise<void> = async () => {};
  const core = await assembleCluster({
    ...options,
    hooks: { settle: () => settle() },
  });
  let simulator: McoSimulator;
  try {
    simulator = createMcoSimulator({
      store: core.store,
      images: core.catalog,
      releases: core.releases,
      registryHost: core.registryHost,
      speed: options.speed ?? 1,
      log: options.log,
    });
    simulator.start();
  } catch (error) {
    // Leave nothing listening behind a failed start.
    await core.stop();
    throw error;
  }
  settle = () => simulator.settle();
  return {
    name: core.name,
    url: core.url,
    registryUrl: core.registryUrl,
    registryHost: core.registryHost,
    httpsUrl: core.httpsUrl,
    caCertificate: core.caCertificate,
    tokens: core.tokens,
    writeKubeconfig: file => core.writeKubeconfig(file),
    settle: () => simulator.settle(),
    async stop() {
      simulator.stop();
      await core.stop();
    },
    throttle: n => core.throttle(n),
    expireWatchHistory: () => core.expireWatchHistory(),
    closeWatches: () => core.closeWatches(),
    auditEvents: () => core.auditEvents(),
  };
}
