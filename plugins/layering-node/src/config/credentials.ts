import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { LayeringClusterCredential } from '../types';

/**
 * Where the pod's own service account token is mounted when the portal runs in a cluster.
 *
 * @public
 */
export const POD_SERVICE_ACCOUNT_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Reads one credential block (`layering.clusters.options.<cluster>.reader` or `.writer`):
 * exactly one of `serviceAccountToken`, `serviceAccountTokenFile`, a client certificate
 * (`clientCertData` or `clientCertFile`, with `clientKeyData` or `clientKeyFile`) or, for writers
 * only, `authProvider: oidc` with `oidcTokenProvider: openshift` (the Kubernetes plugin's names
 * for a person's OpenShift OAuth token; `authProvider: user` is the same).
 *
 * @remarks
 * A block that names no form, or more than one, is a configuration mistake: it is refused with an
 * error naming the key, so the backend does not start with a credential other than the one meant.
 */
export function readCredentialBlock(
  block: Config,
  key: string,
  role: 'reader' | 'writer',
): LayeringClusterCredential {
  const forms: LayeringClusterCredential[] = [];
  const authProvider = block.getOptionalString('authProvider');
  const tokenProvider = block.getOptionalString('oidcTokenProvider');
  if (authProvider !== undefined) {
    if ((authProvider !== 'oidc' && authProvider !== 'user') || role !== 'writer') {
      throw new InputError(
        `${key}.authProvider: only "oidc" (with oidcTokenProvider: openshift) is supported${
          role === 'reader' ? ', and only for writers (watches always use a service credential)' : ''
        }; got "${authProvider}"`,
      );
    }
    if (tokenProvider !== undefined && tokenProvider !== 'openshift') {
      throw new InputError(
        `${key}.oidcTokenProvider: only "openshift" is supported (the person's OpenShift OAuth token); got "${tokenProvider}"`,
      );
    }
    forms.push({ type: 'user' });
  } else if (tokenProvider !== undefined) {
    throw new InputError(`${key}.oidcTokenProvider: only valid with authProvider: oidc`);
  }
  const token = block.getOptionalString('serviceAccountToken');
  if (token !== undefined) {
    if (!token.trim()) {
      throw new InputError(`${key}.serviceAccountToken: must not be empty`);
    }
    forms.push({ type: 'token', token: token.trim() });
  }
  const tokenFile = block.getOptionalString('serviceAccountTokenFile');
  if (tokenFile !== undefined) {
    forms.push({ type: 'tokenFile', path: tokenFile });
  }
  const certData = block.getOptionalString('clientCertData');
  const certFile = block.getOptionalString('clientCertFile');
  const keyData = block.getOptionalString('clientKeyData');
  const keyFile = block.getOptionalString('clientKeyFile');
  if (certData || certFile || keyData || keyFile) {
    if (!(certData || certFile) || !(keyData || keyFile)) {
      throw new InputError(
        `${key}: a client certificate needs both clientCertData (or clientCertFile) and clientKeyData (or clientKeyFile)`,
      );
    }
    if ((certData && certFile) || (keyData && keyFile)) {
      throw new InputError(
        `${key}: give the client certificate and key either as data or as files, not both`,
      );
    }
    forms.push({ type: 'clientCertificate', certData, certFile, keyData, keyFile });
  }
  if (forms.length !== 1) {
    const allowed = [
      'serviceAccountToken',
      'serviceAccountTokenFile',
      'clientCertData/clientKeyData (or clientCertFile/clientKeyFile)',
      ...(role === 'writer' ? ['authProvider: oidc'] : []),
    ].join(', ');
    throw new InputError(
      forms.length === 0
        ? `${key}: no credential given; use one of ${allowed}`
        : `${key}: more than one credential given; use exactly one of ${allowed}`,
    );
  }
  return forms[0];
}

/**
 * The reader of a cluster whose entry uses the Kubernetes plugin's `serviceAccount` auth
 * provider: the configured token, else the pod's own token file.
 */
export function serviceAccountReader(
  token: string | undefined,
  podTokenPath: string,
): LayeringClusterCredential {
  return token ? { type: 'token', token } : { type: 'tokenFile', path: podTokenPath };
}
