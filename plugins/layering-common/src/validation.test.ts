import {
  hasErrors,
  imageDigest,
  imageRepository,
  isDns1123Label,
  isDns1123Subdomain,
  parseImageReference,
  validateConfigFilePath,
  validateDigestImage,
  validateDns1123Label,
  validateDns1123Subdomain,
  validatePackageName,
  validatePushSpec,
  validateRpmUrl,
  validateSystemdUnit,
} from './validation';

const D = 'a'.repeat(64);

describe('DNS-1123 names', () => {
  it.each(['worker', 'infra-1', 'a', 'a.b-c.d', '0pool'])(
    'accepts subdomain %p',
    v => expect(isDns1123Subdomain(v)).toBe(true),
  );
  it.each([
    '',
    'Worker',
    '-a',
    'a-',
    'a..b',
    'a_b',
    `${'a'.repeat(64)}.b`,
    'a'.repeat(254),
  ])('rejects subdomain %p', v => expect(isDns1123Subdomain(v)).toBe(false));
  it('labels allow no dots and at most 63 characters', () => {
    expect(isDns1123Label('infra')).toBe(true);
    expect(isDns1123Label('a.b')).toBe(false);
    expect(isDns1123Label('a'.repeat(63))).toBe(true);
    expect(isDns1123Label('a'.repeat(64))).toBe(false);
  });
  it('explains problems per field', () => {
    expect(validateDns1123Subdomain('', 'pool', 'pool name')).toEqual([
      {
        field: 'pool',
        message: 'The pool name is required.',
        severity: 'error',
      },
    ]);
    expect(validateDns1123Subdomain('Bad_Name', 'pool')[0].message).toMatch(
      /lower case/,
    );
    expect(
      validateDns1123Subdomain('a'.repeat(254), 'pool')[0].message,
    ).toMatch(/253/);
    expect(validateDns1123Label('a.b', 'role')[0].field).toBe('role');
    expect(validateDns1123Label('a'.repeat(64), 'role')[0].message).toMatch(
      /63/,
    );
    expect(validateDns1123Label(undefined, 'role')[0].message).toMatch(
      /required/,
    );
    expect(validateDns1123Label('worker', 'role')).toEqual([]);
  });
});

describe('parseImageReference', () => {
  it('parses host, port, path, tag and digest', () => {
    expect(
      parseImageReference(
        `registry.example.com:5000/platform-os/infra-layered:v1@sha256:${D}`,
      ),
    ).toEqual({
      registry: 'registry.example.com:5000',
      host: 'registry.example.com',
      port: 5000,
      repository: 'platform-os/infra-layered',
      tag: 'v1',
      digest: `sha256:${D}`,
    });
  });
  it('treats a first component without dot or port as a path (Docker Hub)', () => {
    expect(parseImageReference('library/busybox:1.36')).toMatchObject({
      registry: null,
      repository: 'library/busybox',
      tag: '1.36',
    });
    expect(parseImageReference('localhost/x')).toMatchObject({
      registry: 'localhost',
      repository: 'x',
    });
    expect(parseImageReference('configs')).toMatchObject({
      registry: null,
      repository: 'configs',
      tag: null,
    });
  });
  it.each([
    '',
    'Quay.io/UPPER/case',
    'quay.io/a b',
    `quay.io/a@sha256:${'A'.repeat(64)}`,
    'quay.io/a@sha256:abc',
    'quay.io/a:bad tag',
    'quay.io/a:-tag',
    'quay.io:99999/a',
    'quay.io/',
    'quay.io//a',
  ])('rejects %p', v => expect(parseImageReference(v)).toBeNull());
  it('extracts digest and repository', () => {
    expect(imageDigest(`quay.io/a/b@sha256:${D}`)).toBe(`sha256:${D}`);
    expect(imageDigest('quay.io/a/b:latest')).toBeNull();
    expect(imageRepository(`quay.io/a/b:1@sha256:${D}`)).toBe('quay.io/a/b');
    expect(imageRepository('busybox')).toBe('busybox');
    expect(imageRepository('not valid')).toBeNull();
  });
});

describe('validateDigestImage', () => {
  it('accepts a digest reference with a registry', () => {
    expect(
      validateDigestImage(`quay.io/a/b@sha256:${D}`, 'osImageURL'),
    ).toEqual([]);
  });
  it('refuses tags, missing registries and malformed values', () => {
    expect(
      validateDigestImage('quay.io/a/b:latest', 'osImageURL')[0].message,
    ).toMatch(/by digest/);
    expect(
      validateDigestImage(`a/b@sha256:${D}`, 'osImageURL')[0].message,
    ).toMatch(/registry host/);
    expect(validateDigestImage('::', 'osImageURL')[0].message).toMatch(
      /not a valid image reference/,
    );
    expect(validateDigestImage(null, 'osImageURL')[0].message).toMatch(
      /required/,
    );
  });
  it('warns when a tag accompanies the digest', () => {
    const issues = validateDigestImage(`quay.io/a/b:1@sha256:${D}`, 'base');
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });
});

describe('validatePushSpec (v1, from the CRD)', () => {
  it.each([
    'registry.example.com/platform-os/infra-layered:latest',
    'registry.example.com:5000/ns/name:tag',
    'quay.io/name:t',
    'image-registry.openshift-image-registry.svc:5000/openshift-machine-config-operator/os-images:latest',
  ])('accepts %p', v => expect(validatePushSpec(v)).toEqual([]));

  it.each([
    ['registry/ns/name:tag', /host\[:port\]/], // host without a dot
    ['registry.example.com/ns/name', /host\[:port\]/], // no tag
    [`registry.example.com/ns/name@sha256:${D}`, /not a digest/],
    ['registry.example.com:1/ns/name:tag', /host\[:port\]/], // one-digit port
    ['registry.example.com/ns/na me:tag', /host\[:port\]/],
  ])('refuses %p', (v, message) => {
    const issues = validatePushSpec(v);
    expect(hasErrors(issues)).toBe(true);
    expect(issues[0].message).toMatch(message);
  });

  it('enforces 1–447 characters', () => {
    expect(validatePushSpec('')[0].message).toMatch(/required/);
    const long = `registry.example.com/ns/${'a'.repeat(430)}:tag`;
    expect(long.length).toBeGreaterThan(447);
    expect(validatePushSpec(long)[0].message).toMatch(/447/);
  });

  it('warns about upper-case repository paths', () => {
    expect(validatePushSpec('Registry.Example.com/Team/img:Tag')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/upper-case/),
      }),
    ]);
  });

  it('warns about more than one namespace segment', () => {
    const issues = validatePushSpec('quay.io/org/team/img:tag', {
      field: 'spec',
    });
    expect(issues).toEqual([
      expect.objectContaining({ field: 'spec', severity: 'warning' }),
    ]);
    expect(issues[0].message).toMatch(/more than one namespace segment/);
  });
});

describe('validatePushSpec (v1alpha1)', () => {
  it('accepts one colon or the in-cluster service form', () => {
    expect(
      validatePushSpec(
        'registry.example.com/platform-os/infra-layered:latest',
        { apiVersion: 'v1alpha1' },
      ),
    ).toEqual([]);
    expect(
      validatePushSpec(
        'image-registry.openshift-image-registry.svc:5000/openshift/os-image:latest',
        { apiVersion: 'v1alpha1' },
      ),
    ).toEqual([]);
  });
  it('refuses a registry port outside the service form', () => {
    const issues = validatePushSpec('registry.example.com:5000/ns/name:tag', {
      apiVersion: 'v1alpha1',
    });
    expect(issues[0].message).toMatch(/exactly one ":"/);
    // v1 accepts the same spec.
    expect(
      validatePushSpec('registry.example.com:5000/ns/name:tag', {
        apiVersion: 'v1',
      }),
    ).toEqual([]);
  });
  it('refuses a host without a dot', () => {
    expect(
      hasErrors(
        validatePushSpec('registry/ns/name:tag', { apiVersion: 'v1alpha1' }),
      ),
    ).toBe(true);
  });
});

describe('allow-lists', () => {
  it('checks package names and the package policy', () => {
    expect(validatePackageName('tmux', 'p')).toEqual([]);
    expect(
      validatePackageName('kernel-rt-core-5.14.0-427.el9.x86_64', 'p'),
    ).toEqual([]);
    expect(validatePackageName('gcc-c++', 'p')).toEqual([]);
    expect(validatePackageName('tmux; rm -rf /', 'p')[0].message).toMatch(
      /not a valid package name/,
    );
    expect(validatePackageName('-y', 'p')).toHaveLength(1);
    expect(validatePackageName('', 'p')).toHaveLength(1);
    expect(
      validatePackageName('htop', 'p', { allowedPackages: ['tmux', 'sys*'] })[0]
        .message,
    ).toMatch(/allowed package list/);
    expect(
      validatePackageName('sysstat', 'p', {
        allowedPackages: ['tmux', 'sys*'],
      }),
    ).toEqual([]);
  });

  it('accepts public https RPM URLs', () => {
    expect(
      validateRpmUrl(
        'https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm',
        'u',
      ),
    ).toEqual([]);
  });

  it.each([
    ['http://example.com/a.rpm', /https/],
    ['ftp://example.com/a.rpm', /https/],
    ['https://user:pw@example.com/a.rpm', /credentials/],
    ['https://example.com/a.rpm?x=1&y=2', /characters/],
    ["https://example.com/a'.rpm", /characters/],
    ['https://example.com/a.txt', /\.rpm/],
    ['https://127.0.0.1/a.rpm', /loopback/],
    ['https://localhost/a.rpm', /loopback/],
    ['https://[::1]/a.rpm', /loopback/],
    ['https://169.254.169.254/latest/a.rpm', /metadata/],
    ['https://metadata.google.internal/a.rpm', /metadata/],
    ['https://10.1.2.3/a.rpm', /private/],
    ['https://192.168.1.1/a.rpm', /private/],
    ['https://172.20.0.1/a.rpm', /private/],
    ['https://[fe80::1]/a.rpm', /link-local/],
    ['https://[::ffff:10.0.0.1]/a.rpm', /private/],
    ['https://0x7f000001/a.rpm', /loopback/], // the URL parser normalises it to 127.0.0.1
    ['not a url', /not a valid URL/],
  ])('refuses %p', (url, message) => {
    const issues = validateRpmUrl(url, 'rpmUrls[0]');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'rpmUrls[0]', severity: 'error' });
    expect(issues[0].message).toMatch(message);
  });

  it('allows a private mirror only when allow-listed', () => {
    expect(
      validateRpmUrl('https://10.1.2.3/a.rpm', 'u', {
        allowedPrivateHosts: ['10.1.2.3'],
      }),
    ).toEqual([]);
    expect(
      validateRpmUrl('https://mirror.corp.internal/a.rpm', 'u', {
        allowedPrivateHosts: ['*.corp.internal'],
      }),
    ).toEqual([]);
  });

  it('enforces the RPM host allow-list', () => {
    const policy = { allowedRpmHosts: ['*.fedoraproject.org'] };
    expect(
      validateRpmUrl('https://dl.fedoraproject.org/a.rpm', 'u', policy),
    ).toEqual([]);
    expect(
      validateRpmUrl('https://evil.example.com/a.rpm', 'u', policy)[0].message,
    ).toMatch(/allowed RPM host list/);
  });

  it('checks configuration file destinations', () => {
    expect(validateConfigFilePath('/etc/chrony.conf', 'f')).toEqual([]);
    expect(validateConfigFilePath('/usr/local/bin/tool', 'f')).toEqual([]);
    expect(validateConfigFilePath('/usr/bin/tool', 'f')[0].message).toMatch(
      /\/etc\//,
    );
    expect(validateConfigFilePath('/var/lib/x', 'f')).toHaveLength(1);
    expect(validateConfigFilePath('etc/x', 'f')).toHaveLength(1);
    expect(validateConfigFilePath('/etc/../usr/bin/x', 'f')[0].message).toMatch(
      /\.\./,
    );
    expect(validateConfigFilePath('/etc/', 'f')).toHaveLength(1);
    expect(validateConfigFilePath('/etc//x', 'f')).toHaveLength(1);
    expect(validateConfigFilePath('/etc/a b', 'f')[0].message).toMatch(
      /only contain/,
    );
    expect(validateConfigFilePath('', 'f')[0].message).toMatch(/required/);
  });

  it('checks systemd unit names', () => {
    expect(validateSystemdUnit('rngd.service', 'u')).toEqual([]);
    expect(validateSystemdUnit('getty@tty1.service', 'u')).toEqual([]);
    expect(validateSystemdUnit('fstrim.timer', 'u')).toEqual([]);
    expect(validateSystemdUnit('rngd', 'u')).toHaveLength(1);
    expect(validateSystemdUnit('a;b.service', 'u')).toHaveLength(1);
    expect(validateSystemdUnit('x.conf', 'u')).toHaveLength(1);
    expect(validateSystemdUnit('', 'u')).toHaveLength(1);
  });
});
