import type { EmbeddedOAuthOptions } from './oauth/OAuthServer';
import path from 'node:path';
import { startEmbeddedCluster, EmbeddedCluster } from './cluster';
import {
  DEFAULT_RBAC_DIR,
  READER_SERVICE_ACCOUNT,
  WRITER_SERVICE_ACCOUNT,
  loadRbacManifests,
} from './rbac/manifests';
import type { ServiceAccountToken } from './server/auth';
import { checkSimulationSpeed } from './mco/scheduler';
import type { StateClock } from './state/anchor';

/**
 * The clusters of the demo fleet, in port order: each is a state folder under `states/`.
 *
 * @public
 */
export const FLEET_CLUSTERS = [
  'ocp-417',
  'ocp-418',
  'ocp-419',
  'sno-419',
] as const;

/**
 * Options of {@link startFleet}.
 *
 * @public
 */
export interface FleetOptions {
  /** Folder holding one state folder per fleet cluster; the package's `states/` by default. */
  baseDir?: string;
  /** Port of the first cluster; the others follow (default 6441 → 6441..6444). 0 = free ports. */
  basePort?: number;
  /** Simulation speed, higher is faster: 0 = instant, 1 = demo pace (default), 10 = ten times faster; below 1 is refused. */
  speed?: number;
  /** Persist each cluster under `<dataDir>/<cluster>` and reload it on restart. */
  dataDir?: string;
  /** Where the states' anchors land on the clock (see `EmbeddedClusterOptions.now`); the start time by default. */
  now?: StateClock;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Bearer tokens shared by every cluster of the fleet; random per cluster when omitted. */
  tokens?: { admin?: string; readOnly?: string };
  /**
   * Token of the reader service account `rhcos-layering/layering-reader` (default: env
   * `EMBEDDED_OPENSHIFT_READER_TOKEN`). With a reader or writer token, every cluster gets the
   * RBAC objects of `rbacDir` at start and authorizes those tokens by them.
   */
  readerToken?: string;
  /** Token of the writer service account `rhcos-layering/layering-writer` (default: env `EMBEDDED_OPENSHIFT_WRITER_TOKEN`). */
  writerToken?: string;
  /** Folder of the RBAC manifests applied with the service accounts (default: the repository's `deploy/rbac/`). */
  rbacDir?: string;
  /**
   * People and OAuth clients of every cluster's OAuth server (see `EmbeddedClusterOptions.oauth`).
   * Default: from the environment — `EMBEDDED_OPENSHIFT_OAUTH_CLIENT_SECRET` (client `backstage`;
   * no OAuth server without it), `EMBEDDED_OPENSHIFT_OAUTH_REDIRECT_URIS` (comma-separated; the
   * local portal's openshift handler by default) and `EMBEDDED_OPENSHIFT_OAUTH_USERS`
   * (`name:password,…`), each user in the group `rhcos-layering-appliers` that
   * `deploy/rbac/people.yaml` binds to the writer roles.
   */
  oauth?: EmbeddedOAuthOptions;
  /** Log sink, called with the cluster name in the meta data. */
  log?: (message: string, meta?: Record<string, unknown>) => void;
}

/**
 * A running fleet.
 *
 * @public
 */
export interface Fleet {
  clusters: EmbeddedCluster[];
  stop(): Promise<void>;
}

/** Default folder of the packaged states (`states/` of this package, shipped with it). */
export const DEFAULT_STATES_DIR = path.join(
  path.dirname(
    require.resolve('@rhcos-layering/embedded-openshift/package.json'),
  ),
  'states',
);

/**
 * Start the four demo clusters (`ocp-417`, `ocp-418`, `ocp-419`, `sno-419`), each its own API
 * server and registry endpoint on consecutive ports. If one cannot start, the ones already
 * started are stopped again and the error is raised.
 *
 * @public
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  checkSimulationSpeed(options.speed ?? 1);
  const baseDir = options.baseDir ?? DEFAULT_STATES_DIR;
  const basePort = options.basePort ?? 6441;
  if (
    !Number.isInteger(basePort) ||
    basePort < 0 ||
    basePort + FLEET_CLUSTERS.length - 1 > 65535
  ) {
    throw new Error(
      `basePort must be 0 or a port with room for ${FLEET_CLUSTERS.length} clusters, got ${basePort}`,
    );
  }
  const readerToken =
    options.readerToken ??
    (process.env.EMBEDDED_OPENSHIFT_READER_TOKEN || undefined);
  const writerToken =
    options.writerToken ??
    (process.env.EMBEDDED_OPENSHIFT_WRITER_TOKEN || undefined);
  const oauth = options.oauth ?? oauthFromEnv();
  const serviceAccounts: ServiceAccountToken[] = [
    ...(readerToken ? [{ ...READER_SERVICE_ACCOUNT, token: readerToken }] : []),
    ...(writerToken ? [{ ...WRITER_SERVICE_ACCOUNT, token: writerToken }] : []),
  ];
  if (readerToken && readerToken === writerToken) {
    throw new Error('the reader and writer tokens must differ');
  }
  const rbacObjects =
    serviceAccounts.length > 0
      ? loadRbacManifests(options.rbacDir ?? DEFAULT_RBAC_DIR).map(
          o => o.object,
        )
      : [];
  const clusters: EmbeddedCluster[] = [];
  try {
    for (const [i, name] of FLEET_CLUSTERS.entries()) {
      const log = options.log;
      clusters.push(
        await startEmbeddedCluster({
          name,
          stateDir: path.join(baseDir, name),
          host: options.host,
          port: basePort === 0 ? 0 : basePort + i,
          speed: options.speed ?? 1,
          dataDir: options.dataDir
            ? path.join(options.dataDir, name)
            : undefined,
          tokens: options.tokens,
          now: options.now,
          oauth,
          ...(serviceAccounts.length > 0
            ? { serviceAccounts, objects: rbacObjects }
            : {}),
          log: log
            ? (message, meta) => log(message, { cluster: name, ...meta })
            : undefined,
        }),
      );
    }
  } catch (error) {
    await Promise.allSettled(clusters.map(c => c.stop()));
    throw error;
  }
  return {
    clusters,
    async stop() {
      await Promise.allSettled(clusters.map(c => c.stop()));
    },
  };
}

/** The group `deploy/rbac/people.yaml` binds to the writer roles. */
const APPLIERS_GROUP = 'rhcos-layering-appliers';

/** The OAuth server of the development fleet, from the environment (see `FleetOptions.oauth`). */
function oauthFromEnv(): EmbeddedOAuthOptions | undefined {
  const secret = process.env.EMBEDDED_OPENSHIFT_OAUTH_CLIENT_SECRET;
  if (!secret) return undefined;
  const redirects = (
    process.env.EMBEDDED_OPENSHIFT_OAUTH_REDIRECT_URIS ||
    'http://localhost:7007/api/auth/openshift/handler/frame'
  )
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const users = (process.env.EMBEDDED_OPENSHIFT_OAUTH_USERS ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map(entry => {
      const colon = entry.indexOf(':');
      if (colon <= 0 || colon === entry.length - 1) {
        throw new Error(
          'EMBEDDED_OPENSHIFT_OAUTH_USERS: each entry is name:password',
        );
      }
      return {
        name: entry.slice(0, colon),
        password: entry.slice(colon + 1),
        groups: [APPLIERS_GROUP],
      };
    });
  return {
    users,
    clients: [{ name: 'backstage', secret, redirectURIs: redirects }],
  };
}
