import { labelSelectorMatches } from './labelSelector';

describe('labelSelectorMatches', () => {
  const worker = { 'node-role.kubernetes.io/worker': '', zone: 'a' };

  it.each([
    [{}, true],
    [{ matchLabels: { 'node-role.kubernetes.io/worker': '' } }, true],
    [{ matchLabels: { 'node-role.kubernetes.io/worker': 'x' } }, false],
    [
      {
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
      },
      true,
    ],
    [
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
      false,
    ],
    [
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] },
      true,
    ],
    [
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'missing', operator: 'NotIn', values: ['a'] },
        ],
      },
      true,
    ],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'Exists' }] }, false],
    [
      { matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] },
      true,
    ],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, false],
    [
      { matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] },
      false,
    ],
  ])('%j on a worker node → %s', (selector, expected) => {
    expect(labelSelectorMatches(selector, worker)).toBe(expected);
  });

  it('needs every part of the selector to hold', () => {
    expect(
      labelSelectorMatches(
        {
          matchLabels: { zone: 'a' },
          matchExpressions: [
            { key: 'node-role.kubernetes.io/infra', operator: 'Exists' },
          ],
        },
        worker,
      ),
    ).toBe(false);
  });
});
