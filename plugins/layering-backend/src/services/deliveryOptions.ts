import type { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ScmIntegrations,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type {
  LayeringDeliveryOptions,
  LayeringForgeHost,
} from '@rhcos-layering/plugin-layering-common';

/**
 * Which GitHub and GitLab hosts have credentials, from the portal's integrations. Only the
 * presence of a token or GitHub App is read out: nothing of the credentials leaves this function.
 */
export function deliveryOptions(
  integrations: ScmIntegrationRegistry,
): LayeringDeliveryOptions {
  const forges: LayeringForgeHost[] = [
    ...integrations.github.list().map(({ config }) => ({
      kind: 'github' as const,
      host: config.host,
      credentials: Boolean(config.token) || (config.apps?.length ?? 0) > 0,
    })),
    ...integrations.gitlab.list().map(({ config }) => ({
      kind: 'gitlab' as const,
      host: config.host,
      credentials: Boolean(config.token),
    })),
  ];
  return { forges, pullRequestAvailable: forges.some(f => f.credentials) };
}

/**
 * {@link deliveryOptions} of the `integrations` section of the config, read at each call so that a
 * reloaded config is seen.
 *
 * @throws ServiceUnavailableError when the section cannot be read. The reader's own message is
 * left out: it may quote a configured value.
 */
export function deliveryOptionsFromConfig(
  config: Config,
): LayeringDeliveryOptions {
  let integrations: ScmIntegrationRegistry;
  try {
    integrations = ScmIntegrations.fromConfig(config);
  } catch {
    throw new ServiceUnavailableError(
      'The integrations section of the portal config cannot be read: check integrations.github and integrations.gitlab in app-config.yaml',
    );
  }
  return deliveryOptions(integrations);
}
