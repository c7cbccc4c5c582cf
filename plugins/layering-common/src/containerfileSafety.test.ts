import { analyzeContainerfile } from './containerfileAnalysis';

const HEAD = 'FROM configs AS final\n';
const analyze = (body: string) =>
  analyzeContainerfile(`${HEAD}${body}`, { mode: 'on-cluster' }).issues;
const errors = (body: string) =>
  analyze(body)
    .filter(i => i.severity === 'error')
    .map(i => `${i.line}:${i.message}`);
const warnings = (body: string) =>
  analyze(body)
    .filter(i => i.severity === 'warning')
    .map(i => `${i.line}:${i.message}`);

// Built at run time so no credential-shaped literal sits in the source.
const GITHUB = `ghp_${'A1b2C3d4'.repeat(5)}`;
const GITHUB_FINE = `github_pat_${'x9'.repeat(20)}`;
const GITLAB = `glpat-${'Zy8-Xw7_'.repeat(3)}`;
const AWS = `AKIA${'Q7WERTY2'.repeat(2)}`;
const KEY_BLOCK = ['-----BEGIN OPENSSH PRIVATE', 'KEY-----'].join(' ');
const SECRET = 'hunter2-s3cr3t';

describe('analyzeContainerfile: credentials are refused', () => {
  it.each([
    ['a GitHub token in ENV', `ENV GH=${GITHUB}`, 'it contains a GitHub token'],
    [
      'a fine-grained GitHub token in RUN',
      `RUN git clone GH_AUTH=${GITHUB_FINE} gh repo clone o/r`,
      'it contains a GitHub token',
    ],
    [
      'a GitLab token in ARG',
      `ARG CI_JOB=${GITLAB}`,
      'it contains a GitLab token',
    ],
    [
      'an AWS access key in RUN',
      `RUN aws configure set aws_access_key_id ${AWS}`,
      'it contains an AWS access key',
    ],
    [
      'a *_TOKEN assignment in ENV',
      `ENV REGISTRY_TOKEN=${SECRET}`,
      'ENV sets REGISTRY_TOKEN to a literal value',
    ],
    [
      'a *PASSWORD assignment in ENV (old form)',
      `ENV PGPASSWORD ${SECRET}`,
      'ENV sets PGPASSWORD to a literal value',
    ],
    [
      'a *_SECRET default in ARG',
      `ARG CLIENT_SECRET=${SECRET}`,
      'ARG gives CLIENT_SECRET a literal default',
    ],
    [
      'a prefix assignment in RUN',
      `RUN API_TOKEN=${SECRET} ./fetch.sh`,
      'API_TOKEN is set to a literal value',
    ],
    [
      'an export in RUN',
      `RUN export DB_PASSWORD='${SECRET}' && ./init.sh`,
      'DB_PASSWORD is set to a literal value',
    ],
    [
      '--password=',
      `RUN ./agent register --password=${SECRET}`,
      '--password is given a literal value',
    ],
    [
      '--token VALUE',
      `RUN oc login --token ${SECRET} https://api.example.com:6443`,
      '--token is given a literal value',
    ],
    [
      'podman login -p',
      `RUN podman login -u bot -p ${SECRET} quay.io`,
      'podman -p is given a literal password',
    ],
    [
      'mysql -pVALUE',
      `RUN mysql -uroot -p${SECRET} -e 'select 1'`,
      'mysql -p is given a literal password',
    ],
    [
      'sshpass -p',
      `RUN sshpass -p ${SECRET} scp a b:`,
      'sshpass -p is given a literal password',
    ],
    [
      'curl -u user:password',
      `RUN curl -u bot:${SECRET} -o /tmp/a https://example.com/a`,
      '-u is given a literal user:password',
    ],
    [
      'skopeo --creds',
      `RUN skopeo copy --creds=bot:${SECRET} docker://a docker://b`,
      '--creds is given a literal user:password',
    ],
    [
      'a bearer Authorization header',
      `RUN curl -H "Authorization: Bearer ${SECRET}" -o /etc/a https://example.com/a`,
      'an Authorization header carries a literal credential',
    ],
    [
      'user:password@ in a URL',
      `RUN git clone https://bot:${SECRET}@git.example.com/o/r.git /opt/r`,
      'a URL carries a literal user:password',
    ],
    [
      'user:password@ in ENV',
      `ENV PROXY=http://bot:${SECRET}@proxy.example.com:3128`,
      'a URL carries a literal user:password',
    ],
  ])('%s', (_name, body, what) => {
    const found = errors(body);
    expect(found).toEqual([
      `2:Line 2: ${
        body.split(' ')[0]
      } carries a credential (${what}): a credential in a Containerfile lands in the pull request, the MachineOSConfig and the image; mount it at build time with RUN --mount=type=secret instead.`,
    ]);
    // The value itself never appears in a finding.
    for (const value of [SECRET, GITHUB, GITHUB_FINE, GITLAB, AWS]) {
      expect(found.join('\n')).not.toContain(value);
    }
  });

  it('finds a private key in a RUN here-document and a COPY here-document, on its own line', () => {
    const run = errors(
      `RUN <<EOF\nmkdir -p /etc/pki/agent\ncat > /etc/pki/agent/key <<'KEY'\n${KEY_BLOCK}\nabc\nKEY\nEOF`,
    );
    expect(run).toEqual([
      expect.stringMatching(
        /^5:Line 5: RUN carries a credential \(it contains a private key\)/,
      ),
    ]);
    const copy = errors(
      `COPY <<EOF /etc/pki/agent/key\n${KEY_BLOCK}\nabc\nEOF`,
    );
    expect(copy).toEqual([
      expect.stringMatching(
        /^3:Line 3: COPY carries a credential \(it contains a private key\)/,
      ),
    ]);
  });

  it('finds a token assignment inside a RUN here-document, on its own line', () => {
    expect(
      errors(`RUN <<EOF\nset -e\nGITLAB_TOKEN=${SECRET} ./push.sh\nEOF`),
    ).toEqual([
      expect.stringMatching(
        /^4:Line 4: RUN carries a credential \(GITLAB_TOKEN is set to a literal value\)/,
      ),
    ]);
  });

  it.each([
    ['ARG without a value', 'ARG TOKEN'],
    ['ARG with an empty default', 'ARG REGISTRY_PASSWORD='],
    ['ENV from an ARG', 'ARG TOKEN\nENV GITHUB_TOKEN=$TOKEN'],
    ['ENV from ${ARG}', 'ARG TOKEN\nENV GITHUB_TOKEN=${TOKEN}'],
    ['RUN with $TOKEN', 'RUN GITHUB_TOKEN=$TOKEN ./fetch.sh'],
    [
      'RUN with a command substitution',
      'RUN API_TOKEN=$(cat /run/secrets/api) ./fetch.sh',
    ],
    [
      'a secret mount',
      'RUN --mount=type=secret,id=token REGISTRY_TOKEN="$(cat /run/secrets/token)" ./push.sh',
    ],
    [
      '--password from a variable',
      'RUN ./agent register --password="$AGENT_PASSWORD"',
    ],
    [
      'podman login with --password-stdin',
      'RUN --mount=type=secret,id=p podman login -u bot --password-stdin quay.io < /run/secrets/p',
    ],
    [
      'mkdir -p and install -p',
      'RUN mkdir -p /etc/agent && install -p -m 0644 a /etc/agent/a',
    ],
    [
      'an Authorization header from a variable',
      'RUN curl -H "Authorization: Bearer ${TOKEN}" -o /etc/a https://example.com/a && sha256sum -c a.sha256',
    ],
    [
      'a URL with a user only',
      'RUN git clone https://bot@git.example.com/o/r.git /opt/r',
    ],
    [
      'a URL with a password variable',
      'RUN git clone https://bot:${PASS}@git.example.com/o/r.git /opt/r',
    ],
    ['a variable named like a key path', 'ENV SSH_KEY_PATH=/etc/ssh/key'],
    [
      'a uid:gid after -u',
      'RUN runuser -u core -- true && podman run -u 0:0 --rm x true',
    ],
    [
      'a build secret by reference',
      'RUN buildah build --secret id=creds,src=/run/secrets/creds -t x .',
    ],
    [
      'curl -u with a variable password',
      'RUN curl -u "bot:$PASS" -o /etc/a https://example.com/a && sha256sum -c a.sha256',
    ],
  ])('accepts %s', (_name, body) => {
    expect(errors(body)).toEqual([]);
  });
});

describe('analyzeContainerfile: downloads get warnings', () => {
  it.each([
    [
      'curl | sh',
      'RUN curl -fsSL https://get.example.com/install.sh | sh',
      'curl pipes a download straight into sh',
    ],
    [
      'wget -O- | bash',
      'RUN wget -qO- https://get.example.com/install.sh | sudo bash -s --',
      'wget pipes a download straight into bash',
    ],
    [
      'bash <(curl …)',
      'RUN bash <(curl -fsSL https://get.example.com/install.sh)',
      'a shell runs what curl downloads',
    ],
    [
      'sh -c "$(curl …)"',
      'RUN sh -c "$(curl -fsSL https://get.example.com/install.sh)"',
      'a shell runs what curl downloads',
    ],
    [
      'curl of a URL without a checksum',
      'RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool && chmod +x /usr/local/bin/tool',
      'curl downloads remote content with no checksum check',
    ],
    [
      'ADD of a URL without --checksum',
      'ADD https://example.com/tool.tar.gz /usr/local/',
      'ADD fetches remote content without --checksum',
    ],
    [
      'dnf install of a URL',
      'RUN dnf install -y https://example.com/agent-1.0-1.el9.x86_64.rpm && dnf clean all && ostree container commit',
      'the RUN step installs an RPM from a URL without checking it first',
    ],
    [
      'rpm -i of a URL',
      'RUN rpm -i https://example.com/agent-1.0-1.el9.x86_64.rpm && ostree container commit',
      'the RUN step installs an RPM from a URL without checking it first',
    ],
  ])('%s', (_name, body, text) => {
    expect(errors(body)).toEqual([]);
    expect(warnings(body)).toContainEqual(
      expect.stringContaining(`2:Line 2: ${text}`),
    );
  });

  it.each([
    [
      'a checked download',
      'RUN curl -fsSLo /tmp/tool https://example.com/tool && echo "abc  /tmp/tool" | sha256sum -c - && install /tmp/tool /usr/local/bin/tool',
    ],
    [
      'an ADD with --checksum',
      `ADD --checksum=sha256:${'2'.repeat(
        64,
      )} https://example.com/tool.tar.gz /usr/local/`,
    ],
    [
      'a checked RPM',
      'RUN curl -fsSLo /tmp/a.rpm https://example.com/a.rpm && rpm -K /tmp/a.rpm && rpm -i /tmp/a.rpm && ostree container commit',
    ],
    [
      'curl into a file piped to nothing',
      'RUN dnf install -y tmux && dnf clean all && ostree container commit',
    ],
  ])('no download warning for %s', (_name, body) => {
    expect(
      warnings(body).filter(w =>
        /download|checksum|checking it first|pipes/.test(w),
      ),
    ).toEqual([]);
  });
});
