import { classifyCommand, tokenizeShell } from './containerfileShell';

describe('tokenizeShell', () => {
  it('splits commands on separators and honours quotes and escapes', () => {
    expect(
      tokenizeShell(
        `dnf install -y "a b" 'c;d' e\\ f; rpm-ostree install x|tee y && echo $HOME || true & z`,
      ),
    ).toEqual([
      ['dnf', 'install', '-y', 'a b', 'c;d', 'e f'],
      ['rpm-ostree', 'install', 'x'],
      ['tee', 'y'],
      ['echo', '$HOME'],
      ['true'],
      ['z'],
    ]);
  });
  it('drops comments and joins line continuations', () => {
    expect(tokenizeShell('a \\\n b # comment ; c\nd')).toEqual([
      ['a', 'b'],
      ['d'],
    ]);
  });
  it('keeps escaped characters inside double quotes', () => {
    expect(tokenizeShell('echo "a \\"q\\" $x"')).toEqual([
      ['echo', 'a "q" $x'],
    ]);
  });
});

describe('classifyCommand', () => {
  it('recognises package installs of every tool', () => {
    expect(
      classifyCommand([
        'dnf',
        'install',
        '-y',
        '--setopt',
        'x=1',
        'tmux',
        'https://e.com/a.rpm',
        'local.rpm',
      ]),
    ).toEqual({
      kind: 'install',
      tool: 'dnf',
      packages: ['tmux'],
      urls: ['https://e.com/a.rpm'],
      localFiles: ['local.rpm'],
    });
    expect(
      classifyCommand(['sudo', 'LANG=C', 'yum', '-y', 'install', 'a']),
    ).toMatchObject({ kind: 'install', packages: ['a'] });
    expect(classifyCommand(['microdnf', 'install', 'a'])).toMatchObject({
      kind: 'install',
      tool: 'microdnf',
    });
    expect(classifyCommand(['rpm-ostree', 'install', 'tree'])).toMatchObject({
      kind: 'install',
      packages: ['tree'],
    });
    expect(
      classifyCommand(['rpm', '-Uvh', 'https://e.com/a.rpm']),
    ).toMatchObject({ kind: 'install', urls: ['https://e.com/a.rpm'] });
    expect(classifyCommand(['rpm', '-qi', 'a'])).toEqual({ kind: 'other' });
  });
  it('recognises overrides, repos, units, commit and cleanups', () => {
    expect(
      classifyCommand([
        'rpm-ostree',
        'override',
        'replace',
        'https://e.com/kernel.rpm',
      ]),
    ).toEqual({
      kind: 'override-replace',
      urls: ['https://e.com/kernel.rpm'],
      packages: [],
    });
    expect(
      classifyCommand(['rpm-ostree', 'override', 'remove', 'podman']),
    ).toEqual({ kind: 'override-remove', packages: ['podman'] });
    expect(
      classifyCommand([
        'dnf',
        'config-manager',
        '--add-repo',
        'https://e.com/x.repo',
      ]),
    ).toEqual({
      kind: 'add-repo',
      urls: ['https://e.com/x.repo'],
    });
    expect(
      classifyCommand(['systemctl', 'enable', 'a.service', 'b.timer']),
    ).toEqual({ kind: 'enable-units', units: ['a.service', 'b.timer'] });
    expect(classifyCommand(['ostree', 'container', 'commit'])).toEqual({
      kind: 'commit',
    });
    expect(classifyCommand(['dnf', 'clean', 'all'])).toEqual({
      kind: 'cleanup',
    });
    expect(classifyCommand(['rpm-ostree', 'cleanup', '-m'])).toEqual({
      kind: 'cleanup',
    });
    expect(classifyCommand(['echo', 'hi'])).toEqual({ kind: 'other' });
    expect(classifyCommand([])).toEqual({ kind: 'other' });
  });
});
