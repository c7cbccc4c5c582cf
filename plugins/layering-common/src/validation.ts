/**
 * Field-level validation rules shared by the scaffolder actions (backend) and
 * the template form fields (browser). Everything here is pure and uses no
 * Node.js-only API.
 */
import { issue } from './issue';
import {
  classifyHost,
  hostMatchesPattern,
  isRestrictedHostClass,
} from './hosts';

/** Severity of a validation finding. @public */
export type IssueSeverity = 'error' | 'warning';

/**
 * One validation finding, addressed to a form field so callers can show it
 * next to the input that caused it.
 * @public
 */
export interface ValidationIssue {
  /** Form field (or field path such as `packages[2]`) the finding belongs to. */
  field: string;
  message: string;
  severity: IssueSeverity;
  /** 1-based line of a Containerfile, when the finding points into one. */
  line?: number;
}

/** True when at least one issue is an error. @public */
export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some(found => found.severity === 'error');
}

// ---------------------------------------------------------------------------
// Kubernetes names

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether a value is a DNS-1123 label (Kubernetes names of namespaces,
 * node-role suffixes): lower case alphanumerics and `-`, at most 63 characters.
 * @public
 */
export function isDns1123Label(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && DNS1123_LABEL.test(value);
}

/**
 * Whether a value is a DNS-1123 subdomain (names of pools, secrets,
 * MachineConfigs): labels joined by dots, at most 253 characters.
 * @public
 */
export function isDns1123Subdomain(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= 253 &&
    value
      .split('.')
      .every(part => part.length <= 63 && DNS1123_LABEL.test(part))
  );
}

/** One DNS-1123 check: a required value, a length limit, then the character rules. */
function validateDnsName(
  value: string | null | undefined,
  field: string,
  what: string,
  rule: { max: number; valid: (value: string) => boolean; characters: string },
): ValidationIssue[] {
  if (!value) {
    return [issue(field, `The ${what} is required.`)];
  }
  if (value.length > rule.max) {
    return [
      issue(
        field,
        `The ${what} must be at most ${rule.max} characters (it has ${value.length}).`,
      ),
    ];
  }
  if (!rule.valid(value)) {
    return [
      issue(
        field,
        `The ${what} "${value}" must consist of ${rule.characters}, and start and end with a letter or digit.`,
      ),
    ];
  }
  return [];
}

/** Checks a DNS-1123 subdomain name and explains what is wrong. @public */
export function validateDns1123Subdomain(
  value: string | null | undefined,
  field: string,
  what = 'name',
): ValidationIssue[] {
  return validateDnsName(value, field, what, {
    max: 253,
    valid: isDns1123Subdomain,
    characters: "lower case letters, digits, '-' and '.'",
  });
}

/** Checks a DNS-1123 label and explains what is wrong. @public */
export function validateDns1123Label(
  value: string | null | undefined,
  field: string,
  what = 'name',
): ValidationIssue[] {
  return validateDnsName(value, field, what, {
    max: 63,
    valid: isDns1123Label,
    characters: "lower case letters, digits and '-'",
  });
}

// ---------------------------------------------------------------------------
// Image references

/** A parsed container image reference. @public */
export interface ImageReference {
  /** `host[:port]` when the reference names a registry, else null (Docker Hub implied). */
  registry: string | null;
  host: string | null;
  port: number | null;
  /** Repository path below the registry, e.g. `openshift-release-dev/ocp-v4.0-art-dev`. */
  repository: string;
  tag: string | null;
  /** `sha256:<64 hex>` when the reference is by digest. */
  digest: string | null;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Parses `host[:port]/path[:tag][@sha256:<64 hex>]`. The first component is
 * taken as a registry when it contains a `.` or `:` or is `localhost`, as
 * Docker does.
 *
 * @returns the parts, or null when the reference is malformed
 * @public
 */
export function parseImageReference(
  value: string | null | undefined,
): ImageReference | null {
  if (typeof value !== 'string') return null;
  const ref = value.trim();
  if (!ref || ref.length > 4096 || /\s/.test(ref)) return null;

  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }

  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }

  let tag: string | null = null;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon >= 0) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return null;
  }
  if (!rest || !rest.split('/').every(part => PATH_COMPONENT.test(part)))
    return null;

  let host: string | null = null;
  let port: number | null = null;
  if (registry !== null) {
    const portMatch = /^(.*?)(?::(\d{1,5}))?$/.exec(registry);
    host = portMatch?.[1] ?? '';
    port = portMatch?.[2] ? Number(portMatch[2]) : null;
    if (
      !REGISTRY_HOST.test(host) ||
      (port !== null && (port < 1 || port > 65535))
    )
      return null;
  }
  return { registry, host, port, repository: rest, tag, digest };
}

/** The `sha256:…` digest of an image reference, or null when it has none. @public */
export function imageDigest(value: string | null | undefined): string | null {
  return parseImageReference(value)?.digest ?? null;
}

/** `registry/repository` of a reference, without tag or digest. @public */
export function imageRepository(
  value: string | null | undefined,
): string | null {
  const ref = parseImageReference(value);
  if (!ref) return null;
  return ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
}

/**
 * Checks that an image is given by digest, with an explicit registry, as the
 * out-of-cluster `osImageURL` and Containerfile bases should be (a tag makes
 * each node resolve it separately).
 * @public
 */
export function validateDigestImage(
  value: string | null | undefined,
  field: string,
  what = 'image',
): ValidationIssue[] {
  if (!value) return [issue(field, `The ${what} is required.`)];
  const ref = parseImageReference(value);
  if (!ref) {
    return [
      issue(
        field,
        `The ${what} "${value}" is not a valid image reference (host[:port]/path@sha256:<64 hex>).`,
      ),
    ];
  }
  const issues: ValidationIssue[] = [];
  if (!ref.registry) {
    issues.push(
      issue(
        field,
        `The ${what} must name its registry host, e.g. quay.io/org/image@sha256:….`,
      ),
    );
  }
  if (!ref.digest) {
    issues.push(
      issue(
        field,
        `The ${what} must be given by digest (…@sha256:<64 hex>), not by tag: nodes resolve tags separately and can end up on different images.`,
      ),
    );
  } else if (ref.tag) {
    issues.push(
      issue(
        field,
        `The ${what} has both a tag and a digest; the tag is ignored.`,
        'warning',
      ),
    );
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Push specs (MachineOSConfig renderedImagePushSpec)

/**
 * The ImageTagFormat rules of the v1 MachineOSConfig CRD (`renderedImagePushSpec`),
 * copied from `0000_80_machine-config_01_machineosconfigs.crd.yaml`. The CRD's
 * `[a-zA-Z0-9-_]` is written `[a-zA-Z0-9_-]` here: the same set, unambiguous in
 * JavaScript.
 * @public
 */
export const PUSH_SPEC_TAG_PATTERN =
  /^([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(:[0-9]{2,5})?(\/[a-zA-Z0-9_-]{1,61})*\/[a-zA-Z0-9_.-]+:[a-zA-Z0-9._-]+$/;
/** The in-cluster service form `<svc>.<ns>.svc:<port>/<repo>/<name>:<tag>`. @public */
export const PUSH_SPEC_SVC_PATTERN =
  /^[^.]+\.[^.]+\.svc:\d+\/[^/]+\/[^/]+:[^/]+$/;
/** Name part of the CRD's ImageDigestFormat (`currentImagePullSpec`): at most one namespace segment. @public */
export const DIGEST_SPEC_NAME_PATTERN =
  /^([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(:[0-9]{2,5})?\/([a-zA-Z0-9_-]{0,61}\/)?[a-zA-Z0-9_.-]*?$/;
/** v1alpha1 rule 1: exactly one `:`, with a tag of these characters. */
const V1ALPHA1_TAG_PART = /^([a-zA-Z0-9-./:])+$/;
/** v1alpha1 rule 2: the name part before the `:`. */
const V1ALPHA1_NAME_PART =
  /^([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(:[0-9]{2,5})?\/([a-zA-Z0-9_-]{0,61}\/)?[a-zA-Z0-9_.-]*?$/;

/** MachineOSConfig API version. @public */
export type MachineOSConfigApiVersion = 'v1' | 'v1alpha1';

/**
 * Validates a `renderedImagePushSpec` the way the API server will, for the
 * given MachineOSConfig API version, and warns about specs the server accepts
 * but that fail later (more than one namespace segment cannot be expressed in
 * the digest form the MCO writes back to status).
 * @public
 */
export function validatePushSpec(
  value: string | null | undefined,
  options: { field?: string; apiVersion?: MachineOSConfigApiVersion } = {},
): ValidationIssue[] {
  const field = options.field ?? 'pushSpec';
  const apiVersion = options.apiVersion ?? 'v1';
  if (!value) return [issue(field, 'The push spec is required.')];
  if (value.length > 447) {
    return [
      issue(
        field,
        `The push spec must be at most 447 characters (it has ${value.length}).`,
      ),
    ];
  }
  if (value.includes('@')) {
    return [
      issue(
        field,
        'The push spec must be a tag reference (host[:port]/namespace/name:tag), not a digest: each build pushes to <repository>:<build name>.',
      ),
    ];
  }
  const isSvc = PUSH_SPEC_SVC_PATTERN.test(value);
  if (apiVersion === 'v1alpha1') {
    const parts = value.split(':');
    const ok =
      isSvc ||
      (parts.length === 2 &&
        V1ALPHA1_TAG_PART.test(parts[1]) &&
        V1ALPHA1_NAME_PART.test(parts[0]));
    if (!ok) {
      return [
        issue(
          field,
          parts.length > 2
            ? 'On v1alpha1 the push spec may contain exactly one ":" (the tag): a registry port is only allowed for an in-cluster <svc>.<namespace>.svc:<port> host.'
            : 'The push spec must look like host/[namespace/]name:tag (host with a dot), or <svc>.<namespace>.svc:<port>/<repo>/<name>:<tag>.',
        ),
      ];
    }
  } else if (!isSvc && !PUSH_SPEC_TAG_PATTERN.test(value)) {
    return [
      issue(
        field,
        'The push spec must look like host[:port]/namespace/name:tag (host with at least one dot, port of 2–5 digits), or <svc>.<namespace>.svc:<port>/<repo>/<name>:<tag>.',
      ),
    ];
  }
  const issues: ValidationIssue[] = [];
  const name = value.slice(0, value.lastIndexOf(':'));
  const repositoryPath = name.slice(name.indexOf('/') + 1);
  if (repositoryPath !== repositoryPath.toLowerCase()) {
    issues.push(
      issue(
        field,
        'The repository path has upper-case letters: the API accepts them, but registries refuse to push to such repositories. Use lower case.',
        'warning',
      ),
    );
  }
  if (!isSvc && !DIGEST_SPEC_NAME_PATTERN.test(name)) {
    issues.push(
      issue(
        field,
        'The push spec has more than one namespace segment: the API accepts it, but the digest the MCO records afterwards (host/namespace/name@sha256:…) allows only one. Use host[:port]/namespace/name:tag.',
        'warning',
      ),
    );
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Allow-lists: packages, RPM URLs, file paths, systemd units

/**
 * Organisation policy for what a layered image may contain. Every list is
 * optional; when given, values outside it are refused.
 * @public
 */
export interface LayeringPolicy {
  /** Package name patterns (`*` wildcard), e.g. `['tmux', 'sysstat', 'kernel-*']`. */
  allowedPackages?: string[];
  /** Hosts RPMs may be downloaded from (`*.example.com` allowed). */
  allowedRpmHosts?: string[];
  /** Private or loopback hosts that are nonetheless allowed (an internal mirror). */
  allowedPrivateHosts?: string[];
}

const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function wildcardMatch(value: string, pattern: string): boolean {
  const escaped = pattern
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(value);
}

/** Checks an RPM package name (optionally with version/arch) against syntax and policy. @public */
export function validatePackageName(
  value: string,
  field: string,
  policy: LayeringPolicy = {},
): ValidationIssue[] {
  if (!value) return [issue(field, 'The package name is empty.')];
  if (value.length > 255 || !PACKAGE_NAME.test(value)) {
    return [
      issue(
        field,
        `"${value}" is not a valid package name (letters, digits and . _ + - only, starting with a letter or digit).`,
      ),
    ];
  }
  if (
    policy.allowedPackages &&
    !policy.allowedPackages.some(p => wildcardMatch(value, p))
  ) {
    return [
      issue(
        field,
        `The package "${value}" is not on the allowed package list.`,
      ),
    ];
  }
  return [];
}

/** Characters allowed in an RPM URL: no shell metacharacters, quotes or spaces. */
const SAFE_URL = /^[A-Za-z0-9._~:/?#@!%+=,-]+$/;

/**
 * Checks an RPM URL: `https` only, no credentials, no shell metacharacters, a
 * path ending in `.rpm`, and a literal host that is not loopback, link-local,
 * private or a cloud metadata endpoint unless allow-listed. Host names are not
 * resolved here (that needs DNS); the backend re-checks resolved addresses.
 * @public
 */
export function validateRpmUrl(
  value: string,
  field: string,
  policy: LayeringPolicy = {},
): ValidationIssue[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // A value with "@" may hold user:password; it is not repeated back.
    return [
      issue(
        field,
        value.includes('@')
          ? 'The value is not a valid URL.'
          : `"${value}" is not a valid URL.`,
      ),
    ];
  }
  if (url.protocol !== 'https:') {
    return [
      issue(
        field,
        `RPM URLs must use https (got ${url.protocol.replace(':', '')}).`,
      ),
    ];
  }
  if (url.username || url.password) {
    return [
      issue(
        field,
        'RPM URLs must not contain credentials; they would end up in the image history.',
      ),
    ];
  }
  const host = url.hostname;
  const kind = classifyHost(host);
  const privateAllowed = hostMatchesPattern(
    host,
    policy.allowedPrivateHosts ?? [],
  );
  if (kind === 'invalid') {
    return [
      issue(field, `The RPM URL host "${host}" is not a valid host name.`),
    ];
  }
  if (isRestrictedHostClass(kind) && !privateAllowed) {
    return [
      issue(
        field,
        `The RPM URL points at a ${kind} address (${host}); only public hosts are allowed unless the host is allow-listed.`,
      ),
    ];
  }
  if (
    policy.allowedRpmHosts &&
    !privateAllowed &&
    !hostMatchesPattern(host, policy.allowedRpmHosts)
  ) {
    return [
      issue(field, `The host ${host} is not on the allowed RPM host list.`),
    ];
  }
  if (!SAFE_URL.test(value)) {
    return [
      issue(
        field,
        'The RPM URL contains characters that are not allowed (spaces, quotes, $, &, ;, |, *, brackets or backslashes).',
      ),
    ];
  }
  if (!url.pathname.toLowerCase().endsWith('.rpm')) {
    return [issue(field, 'The RPM URL must point at a .rpm file.')];
  }
  return [];
}

const SAFE_PATH = /^[A-Za-z0-9._@+=,-]+$/;

/**
 * Checks where a configuration file is written in the image: an absolute path
 * under `/etc/` or `/usr/local/`, without `..`, `.` or empty segments, made of
 * safe characters.
 * @public
 */
export function validateConfigFilePath(
  value: string,
  field: string,
): ValidationIssue[] {
  if (!value) return [issue(field, 'The destination path is required.')];
  if (!value.startsWith('/etc/') && !value.startsWith('/usr/local/')) {
    return [
      issue(
        field,
        'Configuration files may only be written under /etc/ or /usr/local/ (the rest of /usr is read-only content of the base image and /var is not part of the image).',
      ),
    ];
  }
  const segments = value.split('/').slice(1);
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    return [
      issue(
        field,
        'The destination path must not contain "..", "." or empty segments, and must name a file.',
      ),
    ];
  }
  if (!segments.every(s => SAFE_PATH.test(s))) {
    return [
      issue(
        field,
        'The destination path may only contain letters, digits and . _ @ + = , - characters.',
      ),
    ];
  }
  if (value.length > 1024) {
    return [issue(field, 'The destination path is too long.')];
  }
  return [];
}

const UNIT_NAME =
  /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|timer|path|mount|automount|target|swap)$/;

/** Checks a systemd unit name, e.g. `rngd.service` or `getty@tty1.service`. @public */
export function validateSystemdUnit(
  value: string,
  field: string,
): ValidationIssue[] {
  if (!value) return [issue(field, 'The unit name is required.')];
  if (value.length > 255 || !UNIT_NAME.test(value)) {
    return [
      issue(
        field,
        `"${value}" is not a systemd unit name (name[@instance].service|socket|timer|path|mount|automount|target|swap).`,
      ),
    ];
  }
  return [];
}
