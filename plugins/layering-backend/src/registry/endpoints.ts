import { InputError } from '@backstage/errors';
import type { ImageReference } from '@rhcos-layering/plugin-layering-common';
import {
  RegistryError,
  type RegistryAuth,
  type RegistryEndpointConfig,
} from './types';

/** Where and how one image is read. */
export interface Endpoint {
  /** Origin plus path prefix, without trailing slash, e.g. `https://quay.io`. */
  base: string;
  origin: string;
  /** Repository path below `/v2/`. */
  repository: string;
  auth?: RegistryAuth;
  /** True when the endpoint is a mirror written in the configuration (trusted as is). */
  explicit: boolean;
  /** False when the configuration asks to accept content that does not match its digest. */
  verifyDigests: boolean;
}

/** How messages name an image read: the reference and the origin it is read from. */
export function describeRead(reference: string, endpoint: Endpoint): string {
  return `${reference} (via ${endpoint.origin})`;
}

/**
 * Cache key of an answer: the digest alone when digests are verified (content
 * is then the same wherever it is read), else scoped to the endpoint.
 */
export function cacheKey(endpoint: Endpoint, digest: string): string {
  return endpoint.verifyDigests ? digest : `${endpoint.origin}|${digest}`;
}

/** Parses a configured mirror URL, refusing what must not be configured there. */
export function parseMirror(mirror: string): URL {
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    throw new RegistryError(
      'invalid-reference',
      'A configured registry mirror is not a valid URL.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError(
      'invalid-reference',
      `Registry mirror ${url.host} must use http or https.`,
    );
  }
  if (url.username || url.password) {
    throw new RegistryError(
      'invalid-reference',
      `Registry mirror ${url.host} has credentials in its URL; put them under auth.`,
    );
  }
  if (url.search || url.hash) {
    throw new RegistryError(
      'invalid-reference',
      `Registry mirror ${url.host} must not have a query or fragment.`,
    );
  }
  return url;
}

/**
 * Picks the endpoint of an image: the first entry for its registry host, else
 * the first `*` entry; its mirror when it has one, else `https://<host>`.
 */
export function resolveEndpoint(
  registries: RegistryEndpointConfig[],
  ref: ImageReference,
): Endpoint {
  let registry = (ref.registry ?? 'docker.io').toLowerCase();
  let repository = ref.repository;
  const names = [registry];
  if (registry === 'docker.io' || registry === 'index.docker.io') {
    registry = 'registry-1.docker.io';
    names.push('docker.io', 'index.docker.io', registry);
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  const entry =
    registries.find(r => names.includes(r.host.trim().toLowerCase())) ??
    registries.find(r => r.host.trim() === '*');
  if (entry?.mirror) {
    const url = parseMirror(entry.mirror);
    const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
    const path = [prefix, entry.host === '*' ? registry : '', repository]
      .filter(Boolean)
      .join('/');
    return {
      base: url.origin,
      origin: url.origin,
      repository: path,
      auth: entry.auth,
      explicit: true,
      verifyDigests: !entry.dangerouslySkipDigestVerification,
    };
  }
  const origin = `https://${registry}`;
  return {
    base: origin,
    origin,
    repository,
    auth: entry?.auth,
    explicit: false,
    verifyDigests: !entry?.dangerouslySkipDigestVerification,
  };
}

/**
 * The start-up rule for registry entries: credentials on a `*` entry without
 * a mirror would go to whatever registry host an image reference names, so
 * such an entry is refused.
 *
 * @param entries - the entries as read from configuration
 * @param key - the configuration key they were read from, for the message
 *   (e.g. `layering.registries`)
 * @throws InputError naming the offending entry's key
 */
export function assertRegistryEntries(
  entries: RegistryEndpointConfig[],
  key: string,
): void {
  entries.forEach((entry, index) => {
    const auth = entry.auth;
    const hasCredentials =
      !!auth &&
      [auth.username, auth.password, auth.token].some(
        value => value !== undefined && value !== '',
      );
    if (entry.host.trim() === '*' && !entry.mirror && hasCredentials) {
      throw new InputError(
        `Invalid configuration at ${key}[${index}].auth: credentials for host "*" without a mirror would be sent to every registry an image names; name the registry host, or give the entry a mirror`,
      );
    }
  });
}
