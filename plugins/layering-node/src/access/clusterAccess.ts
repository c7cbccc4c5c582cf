import type { KubeConfig, User } from '@kubernetes/client-node';
import { InputError, NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import type * as https from 'node:https';
import type { LayeringClusterCredential, LayeringClusterDetails } from '../types';
import { loadClientNode } from './loadClientNode';
import { readTokenFile } from './tokenFile';

/**
 * The task secret that carries the requesting person's OpenShift token when a cluster's writer
 * is `authProvider: user`.
 *
 * @public
 */
export const OPENSHIFT_TOKEN_SECRET = 'openshiftToken';

/** Name of the client-node auth provider that reads a token file through {@link readTokenFile}. */
const TOKEN_FILE_PROVIDER = 'layering-token-file';

/** client-node's authenticator shape (its type is not exported from the package's entry). */
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

const tokenFileAuthenticator: Authenticator = {
  isAuthProvider: (user: User) => user.authProvider?.name === TOKEN_FILE_PROVIDER,
  async applyAuthentication(user: User, opts: https.RequestOptions) {
    const token = await readTokenFile(user.authProvider.config.path);
    opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
  },
};

/**
 * Which credential of a cluster to use: the read-only one (watches, reads) or the writer.
 *
 * @public
 */
export type LayeringClusterRole = 'reader' | 'writer';

/**
 * Options of {@link createClusterAccess}.
 *
 * @public
 */
export interface CreateClusterAccessOptions {
  role: LayeringClusterRole;
  /**
   * The task secrets of the action that asks for a writer; the `openshiftToken` secret is the
   * token a writer with `authProvider: user` acts with. Never logged.
   */
  secrets?: Record<string, string | undefined>;
}

/**
 * TLS material and authorization of one cluster, for callers that make their own requests.
 *
 * @public
 */
export interface LayeringClusterTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
}

/**
 * Everything needed to talk to one cluster with one credential.
 *
 * @public
 */
export interface LayeringClusterAccess {
  readonly cluster: LayeringClusterDetails;
  readonly role: LayeringClusterRole;
  /** A client-node `KubeConfig` whose current context is this cluster and credential. */
  readonly kubeConfig: KubeConfig;
  /** TLS options for an HTTPS agent (CA, client certificate, verification). */
  tls(): Promise<LayeringClusterTls>;
  /**
   * The `Authorization` header for the next request, or undefined for client certificates. A
   * token file is re-read when it changed, so call this per request.
   */
  authorization(): Promise<string | undefined>;
}

function credentialFor(
  cluster: LayeringClusterDetails,
  options: CreateClusterAccessOptions,
): { credential: LayeringClusterCredential; userToken?: string } {
  if (options.role === 'reader') {
    if (!cluster.reader) {
      throw new ServiceUnavailableError(
        cluster.configError ?? `Cluster "${cluster.name}" has no read credential`,
      );
    }
    return { credential: cluster.reader };
  }
  const writer = cluster.writer;
  if (!writer) {
    throw new NotAllowedError(
      `Cluster "${cluster.name}" has no writer credential, so the layering actions do not write to it; configure layering.clusters.options.${cluster.name}.writer (serviceAccountToken, serviceAccountTokenFile, a client certificate, or authProvider: user)`,
    );
  }
  if (writer.type === 'user') {
    const userToken = options.secrets?.[OPENSHIFT_TOKEN_SECRET]?.trim();
    if (!userToken) {
      throw new InputError(
        `secrets.${OPENSHIFT_TOKEN_SECRET}: cluster "${cluster.name}" is written as the requesting person; give your OpenShift token as the task secret ${OPENSHIFT_TOKEN_SECRET} (a ui:field Secret of the template)`,
      );
    }
    return { credential: writer, userToken };
  }
  return { credential: writer };
}

function userEntry(
  name: string,
  credential: LayeringClusterCredential,
  userToken: string | undefined,
): User {
  switch (credential.type) {
    case 'token':
      return { name, token: credential.token };
    case 'user':
      return { name, token: userToken };
    case 'tokenFile':
      return { name, authProvider: { name: TOKEN_FILE_PROVIDER, config: { path: credential.path } } };
    case 'clientCertificate':
      return {
        name,
        certData: credential.certData,
        keyData: credential.keyData,
        certFile: credential.certFile,
        keyFile: credential.keyFile,
      };
    default:
      throw new InputError('Unknown credential type');
  }
}

/**
 * Builds the access to one cluster with its reader or writer credential.
 *
 * @remarks
 * Fails with `ServiceUnavailableError` when the cluster has no usable reader, `NotAllowedError`
 * naming `layering.clusters.options.<cluster>.writer` when a writer is asked for and none is
 * configured (the read-only credential is never used instead), and a field-level `InputError`
 * on `secrets.openshiftToken` when the writer acts as the person and the task has no token.
 *
 * @public
 */
export function createClusterAccess(
  cluster: LayeringClusterDetails,
  options: CreateClusterAccessOptions,
): LayeringClusterAccess {
  const { credential, userToken } = credentialFor(cluster, options);
  const k8s = loadClientNode();
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.addAuthenticator(tokenFileAuthenticator);
  const userName = `layering-${options.role}`;
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        skipTLSVerify: cluster.skipTLSVerify,
        caData: cluster.caData,
        caFile: cluster.caFile,
      },
    ],
    users: [userEntry(userName, credential, userToken)],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: userName }],
    currentContext: cluster.name,
  });
  return {
    cluster,
    role: options.role,
    kubeConfig,
    async tls() {
      const opts: https.RequestOptions = {};
      await kubeConfig.applyToHTTPSOptions(opts);
      // client-node made an agent for these options; callers make their own.
      (opts.agent as https.Agent | undefined)?.destroy();
      return {
        ca: opts.ca as string | Buffer | undefined,
        cert: opts.cert as string | Buffer | undefined,
        key: opts.key as string | Buffer | undefined,
        rejectUnauthorized: opts.rejectUnauthorized,
      };
    },
    async authorization() {
      switch (credential.type) {
        case 'token':
          return `Bearer ${credential.token}`;
        case 'user':
          return `Bearer ${userToken}`;
        case 'tokenFile':
          return `Bearer ${await readTokenFile(credential.path)}`;
        default:
          return undefined;
      }
    },
  };
}
