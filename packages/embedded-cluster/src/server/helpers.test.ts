import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { evaluateJsonPath, humanDuration } from './table';
import { fieldPaths, fromFieldsV1, toFieldsV1 } from './managedFields';
import type { K8sObject } from '../store/types';

describe('label and field selectors', () => {
  const labels = {
    'node-role.kubernetes.io/worker': '',
    zone: 'a',
    tier: 'gold',
  };

  it.each([
    ['node-role.kubernetes.io/worker', true],
    ['!node-role.kubernetes.io/master', true],
    ['zone in (a,b),tier notin (silver)', true],
    ['zone=b', false],
    ['zone!=b,tier==gold', true],
    ['missing', false],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('rejects malformed selectors and unsupported fields with a 400', () => {
    expect(() => parseLabelSelector('a in b')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
    expect(() => parseFieldSelector('spec.foo=1', 'Node')).toThrow(
      /field label not supported: spec.foo/,
    );
  });

  it('matches fields', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { unschedulable: true },
    } as K8sObject;
    expect(
      matchesFields(
        parseFieldSelector('metadata.name=n1,spec.unschedulable=true', 'Node'),
        node,
      ),
    ).toBe(true);
    expect(
      matchesFields(
        parseFieldSelector('spec.unschedulable!=true', 'Node'),
        node,
      ),
    ).toBe(false);
  });
});

describe('patches', () => {
  const doc = { spec: { list: [1, 2, 3], a: { b: 1 } } };

  it('applies RFC 6902 operations without touching the input', () => {
    const out = jsonPatch(doc, [
      { op: 'move', from: '/spec/a/b', path: '/spec/c' },
      { op: 'copy', from: '/spec/c', path: '/spec/d' },
      { op: 'add', path: '/spec/list/-', value: 4 },
      { op: 'remove', path: '/spec/list/0' },
    ]);
    expect(out).toEqual({ spec: { list: [2, 3, 4], a: {}, c: 1, d: 1 } });
    expect(doc.spec.list).toEqual([1, 2, 3]);
    expect(() =>
      jsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }]),
    ).toThrow(/missing path/);
  });

  it('merges with RFC 7386 and strategic merge semantics', () => {
    expect(mergePatch({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } })).toEqual(
      { b: { c: 2, d: 3 } },
    );
    const status = {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'DiskPressure', status: 'False' },
      ],
    };
    expect(
      strategicMergePatch(
        { status },
        {
          status: {
            conditions: [
              { type: 'Ready', status: 'False' },
              { type: 'DiskPressure', $patch: 'delete' },
            ],
          },
        },
      ),
    ).toEqual({
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
    expect(
      strategicMergePatch(
        { spec: { a: 1, b: 2 } },
        { spec: { $patch: 'replace', c: 3 } },
      ),
    ).toEqual({ spec: { c: 3 } });
  });
});

describe('tables', () => {
  it.each([
    [45_000, '45s'],
    [303_000, '5m3s'],
    [3 * 3600_000, '3h'],
    [(6 * 24 + 20) * 3600_000, '6d20h'],
    [400 * 24 * 3600_000, '400d'],
    [(3 * 365 + 10) * 24 * 3600_000, '3y10d'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('evaluates printer-column JSONPaths with filters and escaped dots', () => {
    const o = {
      metadata: { annotations: { 'a.b/c': 'x' } },
      status: {
        conditions: [
          { type: 'Updated', status: 'True' },
          { type: 'Degraded', status: 'False' },
        ],
      },
    };
    expect(
      evaluateJsonPath(o, '.status.conditions[?(@.type=="Degraded")].status'),
    ).toEqual(['False']);
    expect(evaluateJsonPath(o, '.metadata.annotations.a\\.b/c')).toEqual(['x']);
    expect(evaluateJsonPath(o, '.status.missing')).toEqual([]);
  });
});

describe('managed fields', () => {
  it('lists leaf paths, keyed lists by their keys, and round-trips FieldsV1', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            paused: { type: 'boolean' },
            args: { type: 'array', items: { type: 'string' } },
          },
        },
        status: {
          type: 'object',
          properties: {
            conditions: {
              type: 'array',
              'x-kubernetes-list-type': 'map' as const,
              'x-kubernetes-list-map-keys': ['type'],
              items: {
                type: 'object',
                properties: {
                  type: { type: 'string' },
                  status: { type: 'string' },
                },
              },
            },
          },
        },
      },
    };
    const object = {
      metadata: { name: 'x', labels: { a: 'b' } },
      spec: { paused: true, args: ['x'] },
      status: { conditions: [{ type: 'Updated', status: 'True' }] },
    };
    const main = fieldPaths(object, schema, 'main');
    expect(main).toEqual([
      ['f:metadata', 'f:labels', 'f:a'],
      ['f:spec', 'f:paused'],
      ['f:spec', 'f:args'],
    ]);
    const status = fieldPaths(object, schema, 'status');
    expect(status).toEqual([
      ['f:status', 'f:conditions', 'k:{"type":"Updated"}', 'f:type'],
      ['f:status', 'f:conditions', 'k:{"type":"Updated"}', 'f:status'],
    ]);
    expect(fromFieldsV1(toFieldsV1(main))).toEqual(main);
  });
});
