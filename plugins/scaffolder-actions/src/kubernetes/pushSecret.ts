import { InputError } from '@backstage/errors';
import {
  MCO_NAMESPACE,
  normalizeMachineOSConfig,
  parseImageReference,
} from '@rhcos-layering/plugin-layering-common';
import type { TaskSecrets } from '@backstage/plugin-scaffolder-node';
import type { KubeObject } from './types';

/** Keys of `ctx.secrets` the push secret is made from (fill them with `ui:field: Secret`). */
export const PUSH_SECRET_KEYS = {
  username: 'registryUsername',
  password: 'registryPassword',
} as const;

/**
 * Builds the `kubernetes.io/dockerconfigjson` Secret a MachineOSConfig pushes its builds with,
 * from the task secrets. The credentials only ever live in the returned object, which goes to
 * the API server and nowhere else (not into logs, outputs, files or checkpoints).
 */
export function buildPushSecret(
  machineOSConfig: KubeObject,
  secrets: TaskSecrets | undefined,
): { name: string; object: KubeObject } {
  const model = normalizeMachineOSConfig(machineOSConfig);
  if (!model) {
    throw new InputError('manifests: the MachineOSConfig cannot be read');
  }
  const username = secrets?.[PUSH_SECRET_KEYS.username];
  const password = secrets?.[PUSH_SECRET_KEYS.password];
  if (!username || !password) {
    throw new InputError(
      `pushSecretFromCredentials: the task secrets ${PUSH_SECRET_KEYS.username} and ${PUSH_SECRET_KEYS.password} are required (ask for them with ui:field: Secret)`,
    );
  }
  const registry = parseImageReference(model.renderedImagePushSpec)?.registry;
  if (!registry) {
    throw new InputError('pushSpec: the push spec names no registry host to store credentials for');
  }
  const auth = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  const dockerConfig = JSON.stringify({ auths: { [registry]: { auth } } });
  return {
    name: model.renderedImagePushSecret,
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: model.renderedImagePushSecret,
        namespace: MCO_NAMESPACE,
        labels: { 'app.kubernetes.io/managed-by': 'backstage-layering' },
      },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(dockerConfig, 'utf8').toString('base64') },
    },
  };
}
