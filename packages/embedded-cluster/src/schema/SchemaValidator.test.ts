import path from 'node:path';
import { SchemaValidator } from './SchemaValidator';
import { loadStateDir } from '../state/loadState';
import { resourceForKind } from '../store/resources';
import type { K8sObject, ResourceName } from '../store/types';

const SAMPLES = path.resolve(__dirname, '../../states/sample');

const mosc = (overrides: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineOSConfig',
  metadata: { name: 'infra' },
  spec: {
    machineConfigPool: { name: 'infra' },
    imageBuilder: { imageBuilderType: 'Job' },
    renderedImagePushSecret: { name: 'push-secret' },
    renderedImagePushSpec:
      'registry.example.com/platform-os/infra-layered:latest',
    ...overrides,
  },
});

describe('SchemaValidator', () => {
  let validator: SchemaValidator;
  let alpha: SchemaValidator;

  beforeAll(async () => {
    validator = await SchemaValidator.create({ machineOSApiVersion: 'v1' });
    alpha = await SchemaValidator.create({ machineOSApiVersion: 'v1alpha1' });
  });

  it('accepts every object of the sample state', () => {
    const state = loadStateDir(SAMPLES);
    expect(state.objects.length).toBeGreaterThan(15);
    for (const { object, source } of state.objects) {
      const info = resourceForKind(object.apiVersion, object.kind);
      expect(info).toBeDefined();
      const causes = validator.validate(
        info!.resource,
        structuredClone(object),
        undefined,
      );
      expect({ source, causes }).toEqual({ source, causes: [] });
    }
  });

  it('accepts the v1alpha1 samples with the v1alpha1 schemas', () => {
    const state = loadStateDir(SAMPLES, ['v1alpha1']);
    const alphaObjects = state.objects.filter(o =>
      o.object.apiVersion.endsWith('/v1alpha1'),
    );
    expect(alphaObjects.length).toBe(2);
    for (const { object } of alphaObjects) {
      const info = resourceForKind(object.apiVersion, object.kind)!;
      expect(
        alpha.validate(info.resource, structuredClone(object), undefined),
      ).toEqual([]);
    }
  });

  const invalid: Array<
    [string, ResourceName, K8sObject, { field: string; reason: string }]
  > = [
    [
      'wrong type',
      'machineconfigpools',
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfigPool',
        metadata: { name: 'p' },
        spec: { paused: 'yes' },
      },
      { field: 'spec.paused', reason: 'FieldValueTypeInvalid' },
    ],
    [
      'missing required field',
      'machineosconfigs',
      (() => {
        const o = mosc();
        delete (o.spec as Record<string, unknown>).renderedImagePushSpec;
        return o;
      })(),
      { field: 'spec.renderedImagePushSpec', reason: 'FieldValueRequired' },
    ],
    [
      'enum',
      'machineosconfigs',
      mosc({ imageBuilder: { imageBuilderType: 'Docker' } }),
      {
        field: 'spec.imageBuilder.imageBuilderType',
        reason: 'FieldValueNotSupported',
      },
    ],
    [
      'CEL: push spec format',
      'machineosconfigs',
      mosc({ renderedImagePushSpec: 'not a pull spec' }),
      { field: 'spec.renderedImagePushSpec', reason: 'FieldValueInvalid' },
    ],
    [
      'CEL: name must match the pool on create',
      'machineosconfigs',
      mosc({ machineConfigPool: { name: 'worker' } }),
      { field: '<root>', reason: 'FieldValueInvalid' },
    ],
    [
      'CEL format library: dns1123 subdomain',
      'machineosconfigs',
      mosc({ renderedImagePushSecret: { name: 'Not_Valid' } }),
      {
        field: 'spec.renderedImagePushSecret.name',
        reason: 'FieldValueInvalid',
      },
    ],
    [
      'label value',
      'nodes',
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n', labels: { ok: 'not valid!' } },
      },
      { field: 'metadata.labels', reason: 'FieldValueInvalid' },
    ],
    [
      'node spec.unschedulable type',
      'nodes',
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n' },
        spec: { unschedulable: 'true' },
      },
      { field: 'spec.unschedulable', reason: 'FieldValueTypeInvalid' },
    ],
    [
      'secret data must be base64',
      'secrets',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'x' },
        data: { k: '***' },
      },
      { field: 'data[k]', reason: 'FieldValueInvalid' },
    ],
  ];

  it.each(invalid)('rejects %s', (_name, resource, object, expected) => {
    const causes = validator.validate(resource, object, undefined);
    expect(causes).toEqual(
      expect.arrayContaining([expect.objectContaining(expected)]),
    );
  });

  it('evaluates transition rules against the old object', () => {
    const old = mosc();
    const renamed = mosc();
    (renamed.spec as Record<string, unknown>).machineConfigPool = {
      name: 'other',
    };
    const causes = validator.validate('machineosconfigs', renamed, old);
    expect(causes).toEqual([
      expect.objectContaining({
        field: '<root>',
        message: expect.stringContaining(
          'must match the referenced MachineConfigPool',
        ),
      }),
    ]);
    // A MachineOSConfig whose name differs from its pool stays valid once it exists (oldSelf).
    const legacy = mosc({ machineConfigPool: { name: 'other' } });
    expect(
      validator.validate('machineosconfigs', structuredClone(legacy), legacy),
    ).toEqual([]);
    expect(validator.validate('machineosconfigs', mosc(), old)).toEqual([]);
  });

  it('prunes fields the schema does not know', () => {
    const o = mosc({ unknownField: 1 });
    expect(validator.validate('machineosconfigs', o, undefined)).toEqual([]);
    expect(o.spec).not.toHaveProperty('unknownField');
  });

  it('compiles every CEL rule of the served CRDs', () => {
    expect(validator.unenforcedRules()).toEqual([]);
  });
});
