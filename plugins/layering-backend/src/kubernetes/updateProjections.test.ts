import { projectUpdates } from './updateProjections';

const image = (c: string) => `quay.io/openshift-release-dev/ocp-release@sha256:${c.repeat(64)}`;

describe('projectUpdates', () => {
  it('keeps recommended updates, then conditional ones with their risks and conditions', () => {
    expect(
      projectUpdates({
        availableUpdates: [{ version: '4.18.24', image: image('a'), url: 'https://example.com/4.18.24', channels: ['stable-4.18'] }],
        conditionalUpdates: [
          {
            release: { version: '4.19.9', image: image('b') },
            risks: [{ name: 'SomeRisk', message: 'Something may break.', url: 'https://example.com/risk', matchingRules: [{ type: 'Always' }] }],
            conditions: [{ type: 'Recommended', status: 'False', reason: 'SomeRisk', message: 'Something may break.' }],
          },
        ],
      }),
    ).toEqual([
      { version: '4.18.24', image: image('a'), url: 'https://example.com/4.18.24', conditional: false, risks: [], conditions: [] },
      {
        version: '4.19.9',
        image: image('b'),
        url: null,
        conditional: true,
        risks: [{ name: 'SomeRisk', message: 'Something may break.', url: 'https://example.com/risk' }],
        conditions: [{ type: 'Recommended', status: 'False', reason: 'SomeRisk', message: 'Something may break.' }],
      },
    ]);
  });

  it('drops entries without version or image, and a conditional copy of a recommended version', () => {
    const updates = projectUpdates({
      availableUpdates: [{ version: '4.18.24', image: image('a') }, { version: '4.18.25' }, 'nonsense'],
      conditionalUpdates: [{ release: { version: '4.18.24', image: image('a') }, risks: [] }, { risks: [] }],
    });
    expect(updates.map(u => [u.version, u.conditional])).toEqual([['4.18.24', false]]);
  });

  it('reads a ClusterVersion that offers nothing', () => {
    expect(projectUpdates({ availableUpdates: null })).toEqual([]);
    expect(projectUpdates({})).toEqual([]);
  });
});
