import { DockerfileParser } from 'dockerfile-ast';
import {
  composeContainerfile,
  parseContainerfileToSpec,
  validateContainerfileSpec,
  type ContainerfileSpec,
} from './containerfile';

const BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'4'.repeat(
  64,
)}`;
const EPEL =
  'https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm';

describe('composeContainerfile', () => {
  it('composes an on-cluster Containerfile from packages, RPMs, files and units', () => {
    const spec: ContainerfileSpec = {
      mode: 'on-cluster',
      repoRpms: [EPEL],
      packages: ['htop', 'tmux'],
      rpmUrls: ['https://example.com/repo/agent-1.0-1.el9.x86_64.rpm'],
      configFiles: [
        {
          destination: '/etc/agent/agent.conf',
          content: 'level=debug\n',
          mode: '644',
        },
      ],
      enableUnits: ['agent.service'],
    };
    const result = composeContainerfile(spec);
    expect(result.content).toBe(
      [
        'FROM configs AS final',
        `RUN dnf install -y ${EPEL} && \\`,
        '    dnf install -y htop tmux https://example.com/repo/agent-1.0-1.el9.x86_64.rpm && \\',
        '    dnf clean all && \\',
        '    ostree container commit',
        'COPY --chmod=0644 <<EOF /etc/agent/agent.conf',
        'level=debug',
        'EOF',
        'RUN systemctl enable agent.service && \\',
        '    ostree container commit',
        '',
      ].join('\n'),
    );
    expect(result.analysis?.entitlement).toBe('possible');
    expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ field: 'configFiles', severity: 'warning' }),
    );
    // The output is a valid Containerfile that dockerfile-ast reads back.
    const parsed = DockerfileParser.parse(result.content!);
    expect(parsed.getInstructions().map(i => i.getKeyword())).toEqual([
      'FROM',
      'RUN',
      'COPY',
      'RUN',
    ]);
  });

  it('composes an out-of-cluster Containerfile FROM the release image by digest', () => {
    const result = composeContainerfile({
      mode: 'out-of-cluster',
      baseImage: BASE,
      packages: ['libreswan'],
      configFiles: [
        {
          source: 'files/host-to-host.conf',
          destination: '/etc/ipsec.d/host-to-host.conf',
        },
      ],
      kernelOverride: ['https://example.com/k/kernel-5.14.0-1.el9.x86_64.rpm'],
    });
    expect(result.content?.split('\n')[0]).toBe(`FROM ${BASE}`);
    expect(result.content).toContain(
      'RUN rpm-ostree override replace https://example.com/k/kernel-5.14.0-1.el9.x86_64.rpm && \\\n    ostree container commit',
    );
    expect(result.content).toContain(
      'COPY files/host-to-host.conf /etc/ipsec.d/host-to-host.conf',
    );
    expect(result.analysis?.entitlement).toBe('required');
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringMatching(/libreswan.*extension/),
        }),
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringMatching(/replaces the kernel/),
        }),
      ]),
    );
  });

  it('picks a here-document delimiter that is not in the content', () => {
    const result = composeContainerfile({
      mode: 'on-cluster',
      configFiles: [{ destination: '/etc/x.conf', content: 'a\nEOF\nb' }],
    });
    expect(result.content).toContain(
      'COPY <<EOF1 /etc/x.conf\na\nEOF\nb\nEOF1',
    );
  });

  it('refuses invalid values before composing anything', () => {
    const result = composeContainerfile({
      mode: 'on-cluster',
      packages: ['tmux && curl evil | sh'],
      rpmUrls: ['http://127.0.0.1/a.rpm'],
      configFiles: [{ destination: '/usr/bin/x', source: 'x' }],
      enableUnits: ['x;reboot'],
    });
    expect(result.content).toBeNull();
    expect(result.analysis).toBeNull();
    expect(result.issues.map(i => i.field)).toEqual([
      'packages[0]',
      'rpmUrls[0]',
      'configFiles[0].destination',
      'configFiles[0].source',
      'enableUnits[0]',
    ]);
  });

  it('requires a digest base for out-of-cluster and something to layer', () => {
    const result = composeContainerfile({
      mode: 'out-of-cluster',
      baseImage: 'quay.io/x/y:latest',
    });
    expect(result.content).toBeNull();
    expect(result.issues.map(i => i.field)).toEqual(['baseImage', 'packages']);
  });

  it('applies the policy', () => {
    const result = composeContainerfile(
      { mode: 'on-cluster', packages: ['htop'] },
      { allowedPackages: ['tmux'] },
    );
    expect(result.content).toBeNull();
    expect(result.issues[0]).toMatchObject({ field: 'packages[0]' });
  });
});

describe('validateContainerfileSpec', () => {
  it('checks config file entries', () => {
    const issues = validateContainerfileSpec({
      mode: 'out-of-cluster',
      baseImage: BASE,
      configFiles: [
        { destination: '/etc/a', content: 'x', source: 'y' },
        { destination: '/etc/a', source: '../secret' },
        { destination: '/etc/b', content: 'x', mode: '999' },
      ],
    });
    expect(issues.map(i => i.field)).toEqual([
      'configFiles[0]',
      'configFiles[1].destination',
      'configFiles[1].source',
      'configFiles[2].mode',
    ]);
  });
});

describe('parseContainerfileToSpec', () => {
  it('reads a composed Containerfile back into the same spec', () => {
    const spec: ContainerfileSpec = {
      mode: 'on-cluster',
      repoRpms: [EPEL],
      packages: ['htop', 'tmux'],
      rpmUrls: ['https://example.com/a-1.rpm'],
      kernelOverride: ['https://example.com/kernel-5.14.rpm'],
      configFiles: [
        { destination: '/etc/a.conf', content: 'x=1\n', mode: '0600' },
      ],
      enableUnits: ['a.service'],
    };
    const content = composeContainerfile(spec).content!;
    expect(parseContainerfileToSpec(content)).toEqual({
      spec,
      exact: true,
      unrecognized: [],
    });
  });

  it('reads the documentation-style examples', () => {
    const parsed = parseContainerfileToSpec(
      `FROM ${BASE}\n\n# config\nCOPY my-host-to-host.conf /etc/ipsec.d/\n\nRUN dnf install -y libreswan && \\\n    dnf clean all && \\\n    systemctl enable ipsec && \\\n    ostree container commit\n`,
    );
    expect(parsed.exact).toBe(true);
    expect(parsed.spec).toMatchObject({
      mode: 'out-of-cluster',
      baseImage: BASE,
      packages: ['libreswan'],
      enableUnits: ['ipsec'],
      configFiles: [
        { source: 'my-host-to-host.conf', destination: '/etc/ipsec.d/' },
      ],
    });
  });

  it('lists what it cannot represent', () => {
    const parsed = parseContainerfileToSpec(
      `FROM registry.example.com/tools@sha256:${'a'.repeat(64)}` +
        ' AS tools\nFROM configs AS final\nENV A=1\nRUN echo hi && dnf install -y tmux\nRUN --mount=type=cache,target=/var/cache dnf install -y x\nCOPY --from=tools /a /usr/local/bin/a\n',
    );
    expect(parsed.exact).toBe(false);
    expect(parsed.spec.mode).toBe('on-cluster');
    expect(parsed.spec.packages).toEqual(['tmux']);
    expect(parsed.unrecognized.map(u => u.line)).toEqual([1, 3, 4, 5, 6]);
    expect(parsed.unrecognized[2].text).toBe('echo hi');
  });
});
