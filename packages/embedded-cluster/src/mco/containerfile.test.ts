import { evaluateContainerfile } from './containerfile';

describe('evaluateContainerfile', () => {
  it('accepts the documented shape and collects final-stage labels', () => {
    const v = evaluateContainerfile(
      [
        '# tools for the infra nodes',
        'FROM quay.io/example/builder:latest AS tools',
        'LABEL stage=tools',
        'FROM configs AS final',
        'LABEL maintainer="platform team" tier=infra',
        'RUN dnf install -y tmux sysstat && \\',
        '    dnf clean all && \\',
        '    ostree container commit',
      ].join('\n'),
    );
    expect(v).toEqual({ ok: true, labels: { maintainer: 'platform team', tier: 'infra' } });
    expect(evaluateContainerfile(undefined)).toEqual({ ok: true, labels: {} });
  });

  it.each([
    ['RUN echo hi', /first instruction must be FROM/],
    ['FROM configs AS final\nINSTALL tmux', /unknown instruction: INSTALL/],
    ['FROM quay.io/fedora/fedora:40\nRUN dnf install -y tmux', /final stage must be "FROM configs AS final"/],
    ['FROM configs AS final\nRUN rpm-ostree install tmux simulate-build-failure && ostree container commit', /package simulate-build-failure is not available/],
    ['FROM configs AS final\nRUN dnf -y install does-not-exist', /package does-not-exist/],
  ])('fails %j', (content, reason) => {
    const v = evaluateContainerfile(content);
    expect(v.ok).toBe(false);
    expect(v.ok === false && v.reason).toMatch(reason);
  });
});
