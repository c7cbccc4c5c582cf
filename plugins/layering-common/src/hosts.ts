/**
 * Pure checks on literal host names and IP addresses, shared by the RPM URL
 * rules (browser and backend) and the backend's registry client, which applies
 * them to the addresses a DNS lookup returns.
 */

/** What kind of destination a literal host or address is. @public */
export type HostClass =
  | 'public'
  | 'hostname'
  | 'loopback'
  | 'link-local'
  | 'private'
  | 'metadata'
  | 'unspecified'
  | 'invalid';

/** Host names that resolve to cloud instance metadata services. */
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

function parseIPv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4) {
    return null;
  }
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) {
      return null;
    }
    const value = Number(part);
    if (value > 255) {
      return null;
    }
    octets.push(value);
  }
  return octets;
}

function classifyIPv4([a, b, c, d]: number[]): HostClass {
  if (a === 169 && b === 254 && c === 169 && d === 254) return 'metadata';
  if (a === 100 && b === 100 && c === 100 && d === 200) return 'metadata'; // Alibaba Cloud
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT, RFC 6598
  if (a === 192 && b === 0 && c === 0) return 'private'; // IETF protocol assignments
  if (a === 198 && (b === 18 || b === 19)) return 'private'; // benchmarking, RFC 2544
  if (a >= 224) return 'private'; // multicast and reserved: never a registry or repo
  return 'public';
}

/** Expands an IPv6 literal to eight 16-bit groups, or null when it is not one. */
function parseIPv6(host: string): number[] | null {
  let text = host;
  if (text.startsWith('[') && text.endsWith(']')) {
    text = text.slice(1, -1);
  }
  const zone = text.indexOf('%');
  if (zone >= 0) {
    text = text.slice(0, zone);
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) {
    return null;
  }
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const lastPart = text.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    const v4 = parseIPv4(lastPart);
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = `${text.slice(0, lastColon + 1)}${tail.length ? '0:0' : ''}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return null;
  }
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) {
    return null;
  }
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) {
    return null;
  }
  if (tail.length) {
    groups[6] = tail[0];
    groups[7] = tail[1];
  }
  return groups;
}

function classifyIPv6(g: number[]): HostClass {
  const allZeroPrefix = (n: number) => g.slice(0, n).every(x => x === 0);
  if (allZeroPrefix(7) && g[7] === 0) return 'unspecified';
  if (allZeroPrefix(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses: judge the IPv4 part.
  if (allZeroPrefix(5) && (g[5] === 0xffff || g[5] === 0)) {
    return classifyIPv4([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  }
  // NAT64 (64:ff9b::/96) embeds an IPv4 address too.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every(x => x === 0)) {
    return classifyIPv4([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  }
  // AWS instance metadata over IPv6.
  if (
    g[0] === 0xfd00 &&
    g[1] === 0x0ec2 &&
    g.slice(2, 7).every(x => x === 0) &&
    g[7] === 0x254
  ) {
    return 'metadata';
  }
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'private'; // multicast
  return 'public';
}

/**
 * Classifies a literal host: an IPv4 or IPv6 address is judged by its range;
 * `localhost` names are loopback; well-known metadata names are `metadata`;
 * any other syntactically valid DNS name is `hostname` (it must be resolved
 * before it can be judged, which only the backend does).
 *
 * @param host - a host as written in a URL or image reference (IPv6 may be bracketed)
 * @public
 */
export function classifyHost(host: string): HostClass {
  const text = host.trim().toLowerCase().replace(/\.$/, '');
  if (!text) return 'invalid';
  const v4 = parseIPv4(text);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(text);
  if (v6) return classifyIPv6(v6);
  if (text.includes(':') || text.startsWith('[')) return 'invalid';
  if (text === 'localhost' || text.endsWith('.localhost')) return 'loopback';
  if (METADATA_HOSTNAMES.has(text)) return 'metadata';
  if (
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(
      text,
    )
  ) {
    return 'invalid';
  }
  // All-numeric forms such as "2130706433" or "0x7f.1" are read as IPv4 by some resolvers.
  if (/^[0-9.]+$/.test(text) || /^0x/.test(text)) return 'invalid';
  return 'hostname';
}

/**
 * Whether a host class is a destination the plugin refuses unless the host is
 * explicitly allow-listed: loopback, link-local, private, cloud metadata or
 * unspecified addresses.
 * @public
 */
export function isRestrictedHostClass(kind: HostClass): boolean {
  return (
    kind === 'loopback' ||
    kind === 'link-local' ||
    kind === 'private' ||
    kind === 'metadata' ||
    kind === 'unspecified'
  );
}

/**
 * Matches a host against allow-list patterns: exact names, or `*.example.com`
 * for any subdomain. Comparison is case-insensitive; a port in `host` is ignored.
 * @public
 */
export function hostMatchesPattern(
  host: string,
  patterns: readonly string[],
): boolean {
  const name = stripPort(host).toLowerCase();
  return patterns.some(raw => {
    const pattern = raw.trim().toLowerCase();
    if (pattern === '*') return true;
    if (pattern.startsWith('*.')) {
      return (
        name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1
      );
    }
    return stripPort(pattern) === name;
  });
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
