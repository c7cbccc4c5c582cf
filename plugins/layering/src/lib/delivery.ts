import type {
  LayeringDeliveryOptions,
  LayeringForgeKind,
} from '@rhcos-layering/plugin-layering-common';

/** The two deliveries a template offers. */
export type Delivery = 'pull-request' | 'direct';

/** What the forms say about each forge. */
export const FORGES: Record<
  LayeringForgeKind,
  {
    /** Display name. */
    name: string;
    /** What a change request is called there. */
    request: string;
    /** The app-config key of its integrations. */
    configKey: string;
    /** The credentials that let the portal open a request there. */
    credentials: string;
  }
> = {
  github: {
    name: 'GitHub',
    request: 'pull request',
    configKey: 'integrations.github',
    credentials: 'a token or a GitHub App',
  },
  gitlab: {
    name: 'GitLab',
    request: 'merge request',
    configKey: 'integrations.gitlab',
    credentials: 'a token',
  },
};

/** Every forge kind, in the order the forms list them. */
export const FORGE_KINDS: LayeringForgeKind[] = ['github', 'gitlab'];

/** Why pull-request delivery is unavailable: no forge host has credentials. */
export const NO_FORGE_SENTENCE =
  'No GitHub or GitLab integration with a token is configured in this portal: add integrations.github (token or GitHub App) or integrations.gitlab (token) to app-config.yaml.';

/** The value as a forge kind, when it is one. */
export function asForgeKind(value: unknown): LayeringForgeKind | undefined {
  return value === 'github' || value === 'gitlab' ? value : undefined;
}

/** The value as a delivery, when it is one. */
export function asDelivery(value: unknown): Delivery | undefined {
  return value === 'pull-request' || value === 'direct' ? value : undefined;
}

/** The hosts of this forge kind that the portal has credentials for. */
export function credentialedHosts(
  options: LayeringDeliveryOptions,
  kind: LayeringForgeKind,
): string[] {
  return options.forges
    .filter(f => f.kind === kind && f.credentials)
    .map(f => f.host);
}

/**
 * The host of a `RepoUrlPicker` value (`github.com?owner=acme&repo=fleet`),
 * when the form holds one.
 */
export function repoHost(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const host = value.split('?')[0].trim().toLocaleLowerCase('en-US');
  return host || undefined;
}

/**
 * True when a `ui:field: Secret` field was filled in: the scaffolder keeps
 * the secret itself out of the form data and puts one `*` per character
 * there instead, so only its length can be seen.
 */
export function secretGiven(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/**
 * What the portal can do for a forge, and for the repository's host when
 * the form has one.
 * - `ready`: the portal has credentials (for that host);
 * - `no-credentials`: it has none, so a personal token is needed;
 * - `wrong-forge`: the repository's host is one of the other forge's;
 * - `unknown-host`: the portal has no integration for that host at all, so
 *   not even a personal token helps (the actions find no API URL for it).
 */
export type ForgeReadiness =
  | { status: 'ready'; hosts: string[] }
  | { status: 'no-credentials'; host?: string }
  | { status: 'wrong-forge'; host: string; forge: LayeringForgeKind }
  | { status: 'unknown-host'; host: string };

/** {@link ForgeReadiness} of a forge, for the repository host if known. */
export function forgeReadiness(
  options: LayeringDeliveryOptions,
  kind: LayeringForgeKind,
  host?: string,
): ForgeReadiness {
  if (!host) {
    const hosts = credentialedHosts(options, kind);
    return hosts.length > 0
      ? { status: 'ready', hosts }
      : { status: 'no-credentials' };
  }
  const entry = options.forges.find(
    f => f.kind === kind && f.host.toLocaleLowerCase('en-US') === host,
  );
  if (entry) {
    return entry.credentials
      ? { status: 'ready', hosts: [entry.host] }
      : { status: 'no-credentials', host };
  }
  const other = options.forges.find(
    f => f.kind !== kind && f.host.toLocaleLowerCase('en-US') === host,
  );
  if (other) {
    return { status: 'wrong-forge', host, forge: other.kind };
  }
  return { status: 'unknown-host', host };
}

/**
 * The sentence the forge picker shows under a forge that is not ready, or
 * undefined when it is. `tokenGiven` says whether the user filled in the
 * personal token field.
 */
export function forgeSentence(
  kind: LayeringForgeKind,
  readiness: ForgeReadiness,
  tokenGiven: boolean,
): string | undefined {
  const forge = FORGES[kind];
  switch (readiness.status) {
    case 'ready':
      return undefined;
    case 'no-credentials': {
      const none = `The portal has no ${forge.name} credentials${
        readiness.host ? ` for ${readiness.host}` : ''
      }`;
      if (tokenGiven) {
        return `${none}: the ${forge.request} will be opened with the token you gave.`;
      }
      return `${none}: give your own token below, or add ${forge.credentials} to ${forge.configKey} in app-config.yaml.`;
    }
    case 'wrong-forge':
      return `${readiness.host} is a ${
        FORGES[readiness.forge].name
      } host in this portal: choose ${FORGES[readiness.forge].name} ${
        FORGES[readiness.forge].request
      }, or a ${forge.name} repository.`;
    case 'unknown-host':
      return `The portal has no ${forge.name} integration for ${readiness.host}: add one with ${forge.credentials} to ${forge.configKey} in app-config.yaml.`;
    default:
      return undefined;
  }
}

/**
 * The errors of a forge choice: a request the actions cannot open. A forge
 * without portal credentials is fine when the user gave a personal token.
 */
export function forgeErrors(
  kind: LayeringForgeKind,
  readiness: ForgeReadiness,
  tokenGiven: boolean,
): string[] {
  if (
    readiness.status === 'ready' ||
    (readiness.status === 'no-credentials' && tokenGiven)
  ) {
    return [];
  }
  const sentence = forgeSentence(kind, readiness, tokenGiven);
  return sentence ? [sentence] : [];
}

/** The message of an error, for "could not check" sentences. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
