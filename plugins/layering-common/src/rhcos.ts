/**
 * RHCOS build identifiers.
 *
 * Two families of build IDs exist (see the project's FACTS.md, section 8):
 *
 * - legacy `<OCP><RHEL>.<YYYYMMDDHHMM>-<n>`, e.g. `418.94.202501300706-0`;
 * - RHEL-style `<RHELmajor>.<RHELminor>.<YYYYMMDD>-<n>`, e.g. `9.6.20251023-0`,
 *   and the hybrid `420.96.20250826-1` with an OCP part but a date-only stamp.
 *
 * They are told apart by the length of the timestamp (12 or 8 digits), which
 * is how the Machine Config Operator does it too.
 */

/** Which family a build ID belongs to. @public */
export type RhcosVersionFormat = 'legacy' | 'rhel' | 'hybrid';

/** A parsed RHCOS build ID. @public */
export interface RhcosVersion {
  /** The ID as given, trimmed. */
  raw: string;
  format: RhcosVersionFormat;
  /** OCP version encoded in the ID (`418` → 4.18); null for the RHEL-style format. */
  ocp: { major: number; minor: number } | null;
  rhel: { major: number; minor: number };
  /** Build time as an ISO string (UTC assumed; date-only stamps give midnight UTC). */
  buildDate: string;
  /** Build time in milliseconds since the epoch (UTC assumed). */
  buildTime: number;
  /** Whether the stamp carried hours and minutes (12 digits) or only a date (8). */
  timestampPrecision: 'minute' | 'day';
  /** The `-<n>` counter of builds with the same prefix. */
  serial: number;
}

const BUILD_ID = /^(\d{1,4})\.(\d{1,4})\.(\d{8}|\d{12})-(\d{1,6})$/;

/**
 * Splits a `<major><minor>` number such as `418` or `810`: the first digit is
 * the major version, the rest the minor.
 */
function splitMajorMinor(
  part: string,
): { major: number; minor: number } | null {
  if (part.length < 2) {
    return null;
  }
  return { major: Number(part[0]), minor: Number(part.slice(1)) };
}

function timestampToMillis(stamp: string): number | null {
  const year = Number(stamp.slice(0, 4));
  const month = Number(stamp.slice(4, 6));
  const day = Number(stamp.slice(6, 8));
  const hour = stamp.length === 12 ? Number(stamp.slice(8, 10)) : 0;
  const minute = stamp.length === 12 ? Number(stamp.slice(10, 12)) : 0;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59
  ) {
    return null;
  }
  const millis = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(millis);
  // Reject dates such as 2025-02-30 that Date.UTC silently rolls over.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return millis;
}

/**
 * Parses an RHCOS build ID in the legacy, RHEL-style or hybrid format.
 *
 * @param value - the build ID, e.g. `418.94.202501300706-0` or `9.6.20251023-0`
 * @returns the parsed build, or null when the value is not a build ID
 * @public
 */
export function parseRhcosVersion(
  value: string | null | undefined,
): RhcosVersion | null {
  if (typeof value !== 'string') {
    return null;
  }
  const raw = value.trim();
  const match = BUILD_ID.exec(raw);
  if (!match) {
    return null;
  }
  const [, first, second, stamp, serial] = match;
  const buildTime = timestampToMillis(stamp);
  if (buildTime === null) {
    return null;
  }
  let format: RhcosVersionFormat;
  let ocp: RhcosVersion['ocp'];
  let rhel: RhcosVersion['rhel'] | null;
  if (stamp.length === 12) {
    // Legacy: <OCP><RHEL>.<YYYYMMDDHHMM>; both leading parts are run-together numbers.
    format = 'legacy';
    ocp = splitMajorMinor(first);
    rhel = splitMajorMinor(second);
    if (!ocp || !rhel) {
      return null;
    }
  } else if (first.length >= 3) {
    // Hybrid: the OCP part of the legacy format, the date-only stamp of the RHEL format.
    format = 'hybrid';
    ocp = splitMajorMinor(first);
    rhel = splitMajorMinor(second);
    if (!ocp || !rhel) {
      return null;
    }
  } else {
    format = 'rhel';
    ocp = null;
    rhel = { major: Number(first), minor: Number(second) };
  }
  return {
    raw,
    format,
    ocp,
    rhel,
    buildDate: new Date(buildTime).toISOString(),
    buildTime,
    timestampPrecision: stamp.length === 12 ? 'minute' : 'day',
    serial: Number(serial),
  };
}

const OS_IMAGE_PREFIX = 'Red Hat Enterprise Linux CoreOS ';

/**
 * Reads the RHCOS build ID out of a node's `status.nodeInfo.osImage`, e.g.
 * `Red Hat Enterprise Linux CoreOS 418.94.202501300706-0` or
 * `Red Hat Enterprise Linux CoreOS 9.6.20250715-0 (Plow)`.
 *
 * @returns the build ID string, or null when the value names no RHCOS build
 * @public
 */
export function rhcosVersionFromOsImage(
  osImage: string | null | undefined,
): string | null {
  if (typeof osImage !== 'string') {
    return null;
  }
  const text = osImage.trim();
  if (!text.startsWith(OS_IMAGE_PREFIX)) {
    return null;
  }
  // The build ID is the first word after the product name; a codename in brackets may follow.
  const [candidate] = text.slice(OS_IMAGE_PREFIX.length).trim().split(/\s+/);
  return parseRhcosVersion(candidate) ? candidate : null;
}

/**
 * Orders two builds by build time, then by serial.
 *
 * @remarks
 * A date-only stamp is compared as midnight UTC of that day, so a RHEL-style
 * build and a legacy build of the same day compare by the legacy build's time.
 *
 * @returns a negative number when `a` is older, positive when newer, 0 when equal
 * @public
 */
export function compareRhcosVersions(a: RhcosVersion, b: RhcosVersion): number {
  if (a.buildTime !== b.buildTime) {
    return a.buildTime < b.buildTime ? -1 : 1;
  }
  if (a.serial !== b.serial) {
    return a.serial < b.serial ? -1 : 1;
  }
  return 0;
}

/**
 * Whether two build ID strings name the same build (after trimming).
 * @public
 */
export function sameRhcosBuild(
  a: string | null | undefined,
  b: string | null | undefined,
): boolean {
  if (!a || !b) {
    return false;
  }
  return a.trim() === b.trim();
}

/** Image config label names that carry the RHCOS build ID. @public */
export const RHCOS_VERSION_LABELS = {
  ociVersion: 'org.opencontainers.image.version',
  legacyVersion: 'version',
  buildVersions: 'io.openshift.build.versions',
} as const;

/**
 * Reads the RHCOS build ID from an image's config labels: the
 * `org.opencontainers.image.version` label, else the legacy `version` label,
 * else the `machine-os=` component of `io.openshift.build.versions`. Values
 * that are not build IDs are skipped, so a layered image that set its own
 * `version` label still falls through to the next source.
 *
 * @returns the build ID, or null when no label names one
 * @public
 */
export function rhcosVersionFromLabels(
  labels: Record<string, string> | null | undefined,
): string | null {
  if (!labels) {
    return null;
  }
  for (const key of [
    RHCOS_VERSION_LABELS.ociVersion,
    RHCOS_VERSION_LABELS.legacyVersion,
  ]) {
    const value = labels[key];
    if (parseRhcosVersion(value)) {
      return value.trim();
    }
  }
  const components = labels[RHCOS_VERSION_LABELS.buildVersions];
  if (typeof components === 'string') {
    for (const entry of components.split(',')) {
      const separator = entry.indexOf('=');
      if (separator < 0) {
        continue;
      }
      const name = entry.slice(0, separator).trim();
      const value = entry.slice(separator + 1).trim();
      if (name === 'machine-os' && parseRhcosVersion(value)) {
        return value;
      }
    }
  }
  return null;
}

/**
 * Parses an OCP release version such as `4.18.21` (pre-release suffixes such as
 * `-rc.1` or `-0.nightly-…` are kept aside).
 *
 * @returns major/minor/patch, or null when the string is not an OCP version
 * @public
 */
export function parseOcpVersion(
  version: string | null | undefined,
): { major: number; minor: number; patch: number | null } | null {
  if (typeof version !== 'string') {
    return null;
  }
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(version.trim());
  if (!match) {
    return null;
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? null : Number(match[3]),
  };
}

/**
 * Orders two OCP versions by major, minor, then patch (a missing patch sorts
 * first). Pre-release suffixes are ignored.
 *
 * @returns a negative number when `a` is older, positive when newer, 0 when equal
 * @public
 */
export function compareOcpVersions(
  a: { major: number; minor: number; patch?: number | null },
  b: { major: number; minor: number; patch?: number | null },
): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  const pa = a.patch ?? -1;
  const pb = b.patch ?? -1;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return 0;
}

/**
 * Image config labels that say which OS an image is and which OCP release it
 * belongs to. `com.coreos.osname` is set by coreos-assembler (`rhcos`,
 * `fedora-coreos`, `scos`); `releaseversion` is added by on-cluster builds of
 * 4.16 and 4.17; `io.openshift.release` names a release payload.
 *
 * @public
 */
export const IMAGE_OS_LABELS = {
  osName: 'com.coreos.osname',
  releaseVersion: 'releaseversion',
  release: 'io.openshift.release',
} as const;

/** What an image's labels say about its OS, beyond the build ID. @public */
export interface ImageOsFacts {
  /** `com.coreos.osname`, e.g. `rhcos` or `fedora-coreos`; null when not labelled. */
  osName: string | null;
  /** The OCP release the image belongs to, e.g. `4.16.40`; null when no label says. */
  ocpVersion: string | null;
}

/**
 * Reads the OS name and OCP release from an image's config labels.
 *
 * @public
 */
export function imageOsFromLabels(
  labels: Record<string, string> | null | undefined,
): ImageOsFacts {
  if (!labels) {
    return { osName: null, ocpVersion: null };
  }
  const osName = labels[IMAGE_OS_LABELS.osName]?.trim() || null;
  let ocpVersion: string | null = null;
  for (const key of [IMAGE_OS_LABELS.releaseVersion, IMAGE_OS_LABELS.release]) {
    const value = labels[key]?.trim();
    if (value && parseOcpVersion(value)) {
      ocpVersion = value;
      break;
    }
  }
  return { osName, ocpVersion };
}

/**
 * The OS name a node reports in `status.nodeInfo.osImage`: `rhcos` for Red Hat
 * Enterprise Linux CoreOS, otherwise the product name as written (e.g.
 * `Fedora CoreOS`), or null when the node reports nothing.
 *
 * @public
 */
export function osNameFromOsImage(
  osImage: string | null | undefined,
): string | null {
  if (typeof osImage !== 'string' || !osImage.trim()) {
    return null;
  }
  const text = osImage.trim();
  if (text.startsWith(OS_IMAGE_PREFIX.trim())) {
    return 'rhcos';
  }
  // The product name is what precedes the first word that starts with a digit (the version).
  const words = text.split(/\s+/);
  const end = words.findIndex(word => /^\d/.test(word));
  return (end > 0 ? words.slice(0, end) : words).join(' ');
}
