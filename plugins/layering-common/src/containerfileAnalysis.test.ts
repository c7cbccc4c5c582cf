import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { SAMPLES_DIR } from './__testUtils__/loadSamples';
import { analyzeContainerfile } from './containerfileAnalysis';

const BASE = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'4'.repeat(
  64,
)}`;
const onCluster = (content: string) =>
  analyzeContainerfile(content, { mode: 'on-cluster' });
const outOfCluster = (content: string, expectedBaseImage?: string) =>
  analyzeContainerfile(content, { mode: 'out-of-cluster', expectedBaseImage });
const messages = (
  content: string,
  mode: 'on-cluster' | 'out-of-cluster' = 'on-cluster',
) =>
  analyzeContainerfile(content, { mode }).issues.map(
    i => `${i.severity}:${i.line ?? '-'}:${i.message}`,
  );

describe('analyzeContainerfile: structure', () => {
  it('accepts the sample MachineOSConfig content', () => {
    const mosc = parse(
      readFileSync(join(SAMPLES_DIR, '30-machineosconfig-infra.yaml'), 'utf8'),
    );
    const result = onCluster(mosc.spec.containerFile[0].content);
    expect(result.parsed).toBe(true);
    expect(result.froms).toEqual([
      { image: 'configs', stage: 'final', line: 1 },
    ]);
    expect(result.packages.map(p => p.name)).toEqual(['tmux', 'sysstat']);
    expect(result.entitlement).toBe('required');
    // sysstat is an MCO extension: a warning, not an error.
    expect(result.issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 2,
        message: expect.stringMatching(/sysstat.*extension/),
      }),
    ]);
  });

  it('reports empty files, unknown instructions and missing arguments with line numbers', () => {
    expect(messages('')).toEqual(['error:-:The Containerfile is empty.']);
    expect(messages('  \n')).toEqual(['error:-:The Containerfile is empty.']);
    expect(messages('# only a comment\n')).toEqual([
      'error:-:The Containerfile has no instructions.',
    ]);
    const result = onCluster('FROM configs AS final\nFOO bar\nRUN\n');
    expect(result.parsed).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 2,
        message: 'Line 2: unknown instruction "FOO".',
      }),
      expect.objectContaining({
        severity: 'error',
        line: 3,
        message: 'Line 3: RUN needs arguments.',
      }),
    ]);
  });

  it('requires FROM first (ARG may precede it)', () => {
    expect(messages('RUN echo\nFROM configs AS final')).toContainEqual(
      'error:1:Line 1: RUN before the first FROM; only ARG may come before FROM.',
    );
    expect(messages('ARG X=1\nFROM configs AS final')).toEqual([]);
    expect(messages('ARG X=1\n')).toEqual([
      'error:-:The Containerfile has no FROM instruction.',
    ]);
  });

  it('checks the FROM syntax and stage names', () => {
    expect(messages('FROM configs final')[0]).toMatch(/FROM takes an image/);
    expect(messages('FROM configs AS final extra')[0]).toMatch(
      /FROM takes an image/,
    );
    expect(messages('FROM configs AS 9final')[0]).toMatch(
      /not a valid stage name/,
    );
  });

  it('reports an unterminated here-document', () => {
    expect(
      messages('FROM configs AS final\nRUN <<EOF\necho hi\n'),
    ).toContainEqual(
      'error:2:Line 2: the here-document <<EOF is not terminated.',
    );
  });
});

describe('analyzeContainerfile: on-cluster and out-of-cluster rules', () => {
  it('requires the final stage FROM configs AS final, case-insensitively like Docker', () => {
    expect(messages('from Configs as FINAL')).toEqual([]);
    expect(messages('FROM configs')[0]).toMatch(/FROM configs AS final/);
    expect(
      messages(
        `FROM configs AS final\nFROM registry.example.com/x@sha256:${'a'.repeat(
          64,
        )}`,
      )[0],
    ).toMatch(/last stage/);
    expect(messages(`FROM ${BASE}`)[0]).toMatch(/FROM configs AS final/);
  });

  it('warns about helper stages not pinned by digest', () => {
    const issues = messages(
      'FROM registry.example.com/tools:1 AS tools\nFROM configs AS final\nCOPY --from=tools /x /usr/local/bin/x',
    );
    expect(issues).toEqual([
      'warning:1:Line 1: the helper stage image "registry.example.com/tools:1" is not pinned by digest; builds may differ over time.',
    ]);
  });

  it('requires out-of-cluster content to start FROM an image by digest', () => {
    expect(outOfCluster(`FROM ${BASE}\nRUN echo hi`).issues).toEqual([]);
    expect(
      messages(
        'FROM quay.io/openshift-release-dev/ocp-v4.0-art-dev:latest',
        'out-of-cluster',
      )[0],
    ).toMatch(/by digest/);
    expect(messages('FROM configs AS final', 'out-of-cluster')[0]).toMatch(
      /by digest/,
    );
  });

  it('resolves an ARG used as the out-of-cluster base', () => {
    expect(
      outOfCluster(`ARG RHCOS=${BASE}\nFROM \${RHCOS}\nRUN echo hi`).issues,
    ).toEqual([]);
    expect(
      messages(
        'ARG RHCOS=quay.io/a/b:latest\nFROM $RHCOS',
        'out-of-cluster',
      )[0],
    ).toMatch(/by digest/);
    expect(messages('FROM $UNSET', 'out-of-cluster')[0]).toMatch(/by digest/);
  });

  it('warns when the out-of-cluster base is not the release image', () => {
    const other = BASE.replace(/4{64}/, '5'.repeat(64));
    expect(outOfCluster(`FROM ${other}`, BASE).issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(
          /not this cluster's current rhel-coreos image/,
        ),
      }),
    ]);
    expect(outOfCluster(`FROM ${BASE}`, BASE).issues).toEqual([]);
  });

  it('warns when a RUN that changes packages does not end with ostree container commit', () => {
    expect(
      messages('FROM configs AS final\nRUN dnf install -y tmux'),
    ).toContainEqual(
      expect.stringMatching(/^warning:2:.*ostree container commit/),
    );
    expect(
      messages(
        'FROM configs AS final\nRUN dnf install -y tmux && ostree container commit && echo done',
      ),
    ).toContainEqual(expect.stringMatching(/ostree container commit/));
    expect(
      messages(
        'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit',
      ),
    ).toEqual([]);
    expect(messages('FROM configs AS final\nRUN echo hello')).toEqual([]);
  });

  it('reads RUN steps in exec form and here-documents', () => {
    expect(
      onCluster(
        'FROM configs AS final\nRUN ["/bin/sh", "-c", "dnf install -y tmux && ostree container commit"]',
      ).packages,
    ).toEqual([{ name: 'tmux', line: 2, fromExtraRepo: false }]);
    const heredoc = onCluster(
      'FROM configs AS final\nRUN <<EOF\ndnf install -y tmux\nostree container commit\nEOF\n',
    );
    expect(heredoc.packages.map(p => p.name)).toEqual(['tmux']);
    expect(heredoc.issues).toEqual([]);
  });
});

describe('analyzeContainerfile: COPY and ADD', () => {
  it('warns that on-cluster builds have no build context', () => {
    expect(
      messages('FROM configs AS final\nCOPY chrony.conf /etc/chrony.conf'),
    ).toEqual([
      expect.stringMatching(/^warning:2:.*on-cluster build has no context/),
    ]);
    expect(
      messages(
        'FROM configs AS final\nCOPY <<EOF /etc/chrony.conf\npool x\nEOF\n',
      ),
    ).toEqual([]);
    expect(
      messages(
        `FROM registry.example.com/tools@sha256:${'a'.repeat(
          64,
        )} AS tools\nFROM configs AS final\nCOPY --from=tools /bin/x /usr/local/bin/x`,
      ),
    ).toEqual([]);
    expect(
      messages(
        `FROM ${BASE}\nCOPY chrony.conf /etc/chrony.conf`,
        'out-of-cluster',
      ),
    ).toEqual([]);
  });

  it('checks ADD URLs like RPM URLs', () => {
    expect(
      messages(
        'FROM configs AS final\nADD http://169.254.169.254/latest/meta-data /etc/x',
      ),
    ).toEqual([expect.stringMatching(/^error:2:.*ADD URLs must use https/)]);
    expect(
      messages('FROM configs AS final\nADD https://10.0.0.1/agent.tar /etc/x'),
    ).toEqual([expect.stringMatching(/^error:2:.*private address/)]);
    expect(
      messages(
        'FROM configs AS final\nADD https://example.com/agent.conf /etc/x',
      ),
    ).toEqual([
      expect.stringMatching(
        /^warning:2:.*ADD fetches remote content without --checksum/,
      ),
    ]);
    expect(
      messages(
        `FROM configs AS final\nADD --checksum=sha256:${'1'.repeat(
          64,
        )} https://example.com/agent.conf /etc/x`,
      ),
    ).toEqual([]);
  });

  it('warns about content written under /var, /tmp or /run', () => {
    expect(
      messages(
        `FROM ${BASE}\nCOPY agent.db /var/lib/agent/agent.db`,
        'out-of-cluster',
      ),
    ).toEqual([
      expect.stringMatching(
        /^warning:2:.*\/var\/lib\/agent\/agent\.db is not managed/,
      ),
    ]);
  });
});

describe('analyzeContainerfile: packages, RPMs and entitlement', () => {
  it('warns about real-time kernel and extension packages', () => {
    const issues = messages(
      'FROM configs AS final\nRUN rpm-ostree install kernel-rt-core usbguard && ostree container commit',
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^warning:2:.*"kernel-rt-core" is a real-time kernel package/,
      ),
      expect.stringMatching(
        /^warning:2:.*"usbguard" is also available as a MachineConfig extension/,
      ),
    ]);
    expect(
      messages(
        'FROM configs AS final\nRUN rpm-ostree override replace https://e.com/kernel-rt-5.14.rpm && ostree container commit',
      ),
    ).toEqual([
      expect.stringMatching(/real-time kernel/),
      expect.stringMatching(
        /^warning:2:.*installs an RPM from a URL without checking it first/,
      ),
    ]);
  });

  it('refuses unsafe RPM URLs and bad package names with the line', () => {
    const result = onCluster(
      'FROM configs AS final\n\nRUN dnf install -y http://e.com/a.rpm "bad name" && ostree container commit',
    );
    expect(result.issues.map(i => [i.severity, i.line])).toEqual([
      ['error', 3],
      ['error', 3],
    ]);
    expect(result.issues[0].message).toMatch(
      /^Line 3: RPM URLs must use https/,
    );
  });

  it('applies the package policy', () => {
    const result = analyzeContainerfile(
      'FROM configs AS final\nRUN dnf install -y htop && ostree container commit',
      {
        mode: 'on-cluster',
        policy: { allowedPackages: ['tmux'] },
      },
    );
    expect(result.issues[0].message).toMatch(/allowed package list/);
  });

  it('needs entitlement for RHEL packages installed by name', () => {
    expect(
      onCluster(
        'FROM configs AS final\nRUN dnf install -y libreswan && ostree container commit',
      ).entitlement,
    ).toBe('required');
  });

  it('may need entitlement for third-party RPMs and packages from an extra repository', () => {
    const epel = onCluster(
      'FROM configs AS final\nRUN dnf install -y https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm && \\\n    dnf install -y htop && \\\n    dnf clean all && \\\n    ostree container commit',
    );
    expect(epel.entitlement).toBe('possible');
    expect(epel.packages).toEqual([
      { name: 'htop', line: 2, fromExtraRepo: true },
    ]);
    expect(epel.rpmUrls.map(r => r.url)).toEqual([
      'https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm',
    ]);
    expect(
      onCluster(
        'FROM configs AS final\nRUN dnf install -y https://dl.fedoraproject.org/pub/epel/9/Everything/x86_64/Packages/f/fish-3.3.1-3.el9.x86_64.rpm && ostree container commit',
      ).entitlement,
    ).toBe('possible');
    expect(
      onCluster(
        'FROM configs AS final\nCOPY corp.repo /etc/yum.repos.d/corp.repo\nRUN dnf install -y corp-agent && ostree container commit',
      ).entitlement,
    ).toBe('possible');
  });

  it('needs no entitlement when nothing is installed', () => {
    expect(
      onCluster('FROM configs AS final\nRUN systemctl enable rngd.service')
        .entitlement,
    ).toBe('none');
  });

  it('warns about variables it cannot check', () => {
    expect(
      messages(
        'FROM configs AS final\nARG PKG=tmux\nRUN dnf install -y $PKG && ostree container commit',
      ),
    ).toEqual([expect.stringMatching(/^warning:3:.*uses a variable/)]);
  });

  it('checks repository URLs added with config-manager', () => {
    expect(
      messages(
        'FROM configs AS final\nRUN dnf config-manager --add-repo http://10.0.0.1/x.repo',
      )[0],
    ).toMatch(/https/);
    expect(
      messages(
        'FROM configs AS final\nRUN dnf config-manager --add-repo https://10.0.0.1/x.repo',
      )[0],
    ).toMatch(/private/);
  });
});
