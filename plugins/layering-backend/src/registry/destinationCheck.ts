import { isIP } from 'node:net';
import {
  classifyHost,
  isRestrictedHostClass,
} from '@rhcos-layering/plugin-layering-common';
import { RegistryError } from './types';

const RESTRICTED_LABELS: Record<string, string> = {
  loopback: 'a loopback',
  'link-local': 'a link-local',
  private: 'a private',
  metadata: 'a cloud metadata',
  unspecified: 'an unspecified',
};

const HOW_TO_ALLOW =
  "write it as a mirror under layering.registries (or under the cluster's registries) to allow it";

/**
 * The destination check for every host that is not a configured mirror:
 * loopback, link-local, private, cloud metadata and unspecified addresses are
 * refused, whether written in the URL or answered by DNS.
 *
 * @param host - the host as written in the URL
 * @param address - an address the host resolved to; undefined to judge the
 *   host as written, before any lookup
 * @returns the refusal, or undefined when the destination is allowed
 */
export function refuseRestricted(
  host: string,
  address?: string,
): RegistryError | undefined {
  if (address === undefined) {
    const kind = classifyHost(host);
    // A name is judged by the addresses it resolves to.
    if (kind === 'public' || kind === 'hostname') return undefined;
    if (kind === 'invalid') {
      return new RegistryError(
        'refused-endpoint',
        `Refusing to connect to ${host}: it is not a valid host name or address.`,
      );
    }
    return new RegistryError(
      'refused-endpoint',
      `Refusing to connect to ${host}: it is ${
        RESTRICTED_LABELS[kind] ?? kind
      } ${isIP(host) ? 'address' : 'host name'}; ${HOW_TO_ALLOW}.`,
    );
  }
  const kind = classifyHost(address);
  if (kind === 'public') return undefined;
  if (!isRestrictedHostClass(kind)) {
    return new RegistryError(
      'refused-endpoint',
      `Refusing to connect to ${host}: it resolved to something that is not an IP address.`,
    );
  }
  return new RegistryError(
    'refused-endpoint',
    `Refusing to connect to ${host}: it resolved to ${address}, ${
      RESTRICTED_LABELS[kind] ?? kind
    } address; ${HOW_TO_ALLOW}.`,
  );
}
