import {
  classifyHost,
  hostMatchesPattern,
  isRestrictedHostClass,
} from './hosts';

describe('classifyHost', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['localhost', 'loopback'],
    ['api.localhost', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['metadata.google.internal', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['224.0.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['quay.io', 'hostname'],
    ['Registry.Example.COM.', 'hostname'],
    ['', 'invalid'],
    ['256.1.1.1', 'invalid'],
    ['a_b.example.com', 'invalid'],
    ['2130706433', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
  ])('%p is %p', (host, kind) => {
    expect(classifyHost(host)).toBe(kind);
  });

  it('marks the refused classes', () => {
    expect(
      ['loopback', 'link-local', 'private', 'metadata', 'unspecified'].every(
        k => isRestrictedHostClass(k as never),
      ),
    ).toBe(true);
    expect(isRestrictedHostClass('public')).toBe(false);
    expect(isRestrictedHostClass('hostname')).toBe(false);
  });
});

describe('hostMatchesPattern', () => {
  it('matches exact names, wildcards and ignores ports', () => {
    expect(hostMatchesPattern('quay.io', ['quay.io'])).toBe(true);
    expect(hostMatchesPattern('QUAY.io:443', ['quay.io'])).toBe(true);
    expect(hostMatchesPattern('cdn.quay.io', ['*.quay.io'])).toBe(true);
    expect(hostMatchesPattern('quay.io', ['*.quay.io'])).toBe(false);
    expect(hostMatchesPattern('evilquay.io', ['*.quay.io'])).toBe(false);
    expect(hostMatchesPattern('anything', ['*'])).toBe(true);
    expect(hostMatchesPattern('[::1]:5000', ['[::1]'])).toBe(true);
    expect(hostMatchesPattern('quay.io', [])).toBe(false);
  });
});
