import {
  compareOcpVersions,
  compareRhcosVersions,
  imageOsFromLabels,
  osNameFromOsImage,
  parseOcpVersion,
  parseRhcosVersion,
  rhcosVersionFromLabels,
  rhcosVersionFromOsImage,
  sameRhcosBuild,
} from './rhcos';

describe('parseRhcosVersion', () => {
  it('parses the legacy format with OCP, RHEL, minute timestamp and serial', () => {
    expect(parseRhcosVersion('418.94.202501300706-0')).toEqual({
      raw: '418.94.202501300706-0',
      format: 'legacy',
      ocp: { major: 4, minor: 18 },
      rhel: { major: 9, minor: 4 },
      buildDate: '2025-01-30T07:06:00.000Z',
      buildTime: Date.UTC(2025, 0, 30, 7, 6),
      timestampPrecision: 'minute',
      serial: 0,
    });
  });

  it('splits a two-digit RHEL minor and a one-digit OCP minor', () => {
    const v = parseRhcosVersion('48.810.202101011200-3');
    expect(v?.ocp).toEqual({ major: 4, minor: 8 });
    expect(v?.rhel).toEqual({ major: 8, minor: 10 });
    expect(v?.serial).toBe(3);
  });

  it('parses the RHEL-style format without an OCP version', () => {
    const v = parseRhcosVersion('9.6.20251023-0');
    expect(v).toMatchObject({
      format: 'rhel',
      ocp: null,
      rhel: { major: 9, minor: 6 },
      buildDate: '2025-10-23T00:00:00.000Z',
      timestampPrecision: 'day',
      serial: 0,
    });
    expect(parseRhcosVersion('10.2.20260101-4')).toMatchObject({
      format: 'rhel',
      rhel: { major: 10, minor: 2 },
      serial: 4,
    });
  });

  it('parses the hybrid format (OCP part, date-only stamp)', () => {
    expect(parseRhcosVersion('420.96.20250826-1')).toMatchObject({
      format: 'hybrid',
      ocp: { major: 4, minor: 20 },
      rhel: { major: 9, minor: 6 },
      buildDate: '2025-08-26T00:00:00.000Z',
      serial: 1,
    });
  });

  it('trims whitespace', () => {
    expect(parseRhcosVersion('  418.94.202501300706-0\n')?.raw).toBe(
      '418.94.202501300706-0',
    );
  });

  it.each([
    [''],
    ['latest'],
    ['418.94.2025013007-0'], // 10-digit stamp
    ['418.94.202501300706'], // no serial
    ['418.94.202513300706-0'], // month 13
    ['418.94.202502300706-0'], // 30 February
    ['418.94.202501302460-0'], // hour 24
    ['9.6.20251023'],
    ['4.18.21'],
    ['418.94.202501300706-0 extra'],
  ])('rejects %p', value => {
    expect(parseRhcosVersion(value)).toBeNull();
  });

  it('rejects non-strings', () => {
    expect(parseRhcosVersion(null)).toBeNull();
    expect(parseRhcosVersion(undefined)).toBeNull();
  });
});

describe('rhcosVersionFromOsImage', () => {
  it('reads the 4.18 PRETTY_NAME form', () => {
    expect(
      rhcosVersionFromOsImage(
        'Red Hat Enterprise Linux CoreOS 418.94.202501300706-0',
      ),
    ).toBe('418.94.202501300706-0');
  });

  it('ignores a codename suffix', () => {
    expect(
      rhcosVersionFromOsImage(
        'Red Hat Enterprise Linux CoreOS 9.6.20250715-0 (Plow)',
      ),
    ).toBe('9.6.20250715-0');
  });

  it('returns null for other operating systems and malformed values', () => {
    expect(rhcosVersionFromOsImage('Ubuntu 22.04.4 LTS')).toBeNull();
    expect(
      rhcosVersionFromOsImage('Red Hat Enterprise Linux CoreOS'),
    ).toBeNull();
    expect(
      rhcosVersionFromOsImage('Red Hat Enterprise Linux CoreOS 4.18'),
    ).toBeNull();
    expect(rhcosVersionFromOsImage(null)).toBeNull();
  });
});

describe('compareRhcosVersions', () => {
  const v = (s: string) => parseRhcosVersion(s)!;

  it('orders by build time', () => {
    expect(
      compareRhcosVersions(
        v('418.94.202506121335-0'),
        v('418.94.202507221249-0'),
      ),
    ).toBeLessThan(0);
    expect(
      compareRhcosVersions(
        v('418.94.202507221249-0'),
        v('418.94.202506121335-0'),
      ),
    ).toBeGreaterThan(0);
  });

  it('orders by minute within the same day', () => {
    expect(
      compareRhcosVersions(
        v('418.94.202507221249-0'),
        v('418.94.202507221250-0'),
      ),
    ).toBeLessThan(0);
  });

  it('orders by serial when the stamps are equal', () => {
    expect(
      compareRhcosVersions(
        v('418.94.202507221249-0'),
        v('418.94.202507221249-1'),
      ),
    ).toBeLessThan(0);
    expect(
      compareRhcosVersions(v('9.6.20251023-2'), v('9.6.20251023-1')),
    ).toBeGreaterThan(0);
  });

  it('returns 0 for the same build', () => {
    expect(compareRhcosVersions(v('9.6.20251023-0'), v('9.6.20251023-0'))).toBe(
      0,
    );
  });

  it('compares across formats by date', () => {
    expect(
      compareRhcosVersions(v('419.96.202505011200-0'), v('9.6.20251023-0')),
    ).toBeLessThan(0);
  });
});

describe('sameRhcosBuild', () => {
  it('compares trimmed strings and treats missing values as different', () => {
    expect(sameRhcosBuild('9.6.20251023-0', ' 9.6.20251023-0')).toBe(true);
    expect(sameRhcosBuild('9.6.20251023-0', '9.6.20251023-1')).toBe(false);
    expect(sameRhcosBuild(null, null)).toBe(false);
  });
});

describe('rhcosVersionFromLabels', () => {
  it('prefers org.opencontainers.image.version', () => {
    expect(
      rhcosVersionFromLabels({
        'org.opencontainers.image.version': '418.94.202507221249-0',
        version: '418.94.202506121335-0',
      }),
    ).toBe('418.94.202507221249-0');
  });

  it('falls back to the legacy version label', () => {
    expect(rhcosVersionFromLabels({ version: '418.94.202506121335-0' })).toBe(
      '418.94.202506121335-0',
    );
  });

  it('skips a label that is not a build ID', () => {
    expect(
      rhcosVersionFromLabels({
        'org.opencontainers.image.version': '1.2.3',
        version: '9.6.20251023-0',
      }),
    ).toBe('9.6.20251023-0');
  });

  it('falls back to the machine-os component of io.openshift.build.versions', () => {
    expect(
      rhcosVersionFromLabels({
        'io.openshift.build.versions':
          'kernel=5.14.0, machine-os=418.94.202507221249-0',
      }),
    ).toBe('418.94.202507221249-0');
  });

  it('returns null when no label names a build', () => {
    expect(
      rhcosVersionFromLabels({
        'io.openshift.build.versions': 'machine-os=abc',
      }),
    ).toBeNull();
    expect(
      rhcosVersionFromLabels({ 'io.openshift.build.versions': 'garbage' }),
    ).toBeNull();
    expect(rhcosVersionFromLabels({})).toBeNull();
    expect(rhcosVersionFromLabels(null)).toBeNull();
  });
});

describe('parseOcpVersion', () => {
  it('parses release versions', () => {
    expect(parseOcpVersion('4.18.21')).toEqual({
      major: 4,
      minor: 18,
      patch: 21,
    });
    expect(parseOcpVersion('4.19')).toEqual({
      major: 4,
      minor: 19,
      patch: null,
    });
    expect(parseOcpVersion('4.16.0-0.nightly-2024-04-03-065948')).toEqual({
      major: 4,
      minor: 16,
      patch: 0,
    });
  });

  it('rejects other strings', () => {
    expect(parseOcpVersion('latest')).toBeNull();
    expect(parseOcpVersion(undefined)).toBeNull();
  });
});

describe('compareOcpVersions', () => {
  it('orders by major, minor, then patch', () => {
    const v = (s: string) => parseOcpVersion(s)!;
    expect(compareOcpVersions(v('4.16.45'), v('4.18.1'))).toBeLessThan(0);
    expect(compareOcpVersions(v('4.18.24'), v('4.18.21'))).toBeGreaterThan(0);
    expect(compareOcpVersions(v('5.0.1'), v('4.22.9'))).toBeGreaterThan(0);
    expect(compareOcpVersions(v('4.18'), v('4.18.0'))).toBeLessThan(0);
    expect(compareOcpVersions(v('4.18.21'), v('4.18.21'))).toBe(0);
  });
});

describe('imageOsFromLabels', () => {
  it('reads the osname and the release a label names', () => {
    expect(
      imageOsFromLabels({ 'com.coreos.osname': 'rhcos', releaseversion: '4.16.40' }),
    ).toEqual({ osName: 'rhcos', ocpVersion: '4.16.40' });
    expect(imageOsFromLabels({ 'com.coreos.osname': 'fedora-coreos' })).toEqual({
      osName: 'fedora-coreos',
      ocpVersion: null,
    });
  });

  it('ignores a release label that is not an OCP version', () => {
    expect(imageOsFromLabels({ releaseversion: 'latest' }).ocpVersion).toBeNull();
    expect(imageOsFromLabels(undefined)).toEqual({ osName: null, ocpVersion: null });
  });
});

describe('osNameFromOsImage', () => {
  it('is rhcos for Red Hat Enterprise Linux CoreOS, else the product name', () => {
    expect(osNameFromOsImage('Red Hat Enterprise Linux CoreOS 9.6.20250715-0 (Plow)')).toBe('rhcos');
    expect(osNameFromOsImage('Fedora CoreOS 42.20250901.3.0')).toBe('Fedora CoreOS');
    expect(osNameFromOsImage('CentOS Stream CoreOS 418.9.202501010000-0')).toBe('CentOS Stream CoreOS');
    expect(osNameFromOsImage('')).toBeNull();
    expect(osNameFromOsImage(null)).toBeNull();
  });
});
