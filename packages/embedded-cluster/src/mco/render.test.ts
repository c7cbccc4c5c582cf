import type { K8sObject } from '../store/types';
import { KEYS } from './constants';
import { RenderError, renderPool, selectMachineConfigs } from './render';
import { selectorMatches } from './util';

const defaults = {
  baseOSContainerImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`,
  baseOSExtensionsContainerImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'b'.repeat(64)}`,
  releaseVersion: '4.18.21',
};

const mc = (name: string, role: string, spec: Record<string, unknown> = {}, generated = false): K8sObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: {
    name,
    labels: { [KEYS.role]: role },
    ...(generated ? { annotations: { [KEYS.generatedBy]: 'abc' } } : {}),
  },
  spec,
});

const pool = (name: string, roles: string[]): K8sObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
  metadata: { name, uid: `uid-${name}` },
  spec: {
    machineConfigSelector: { matchExpressions: [{ key: KEYS.role, operator: 'In', values: roles }] },
    nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${name}`]: '' } },
  },
});

const img = (c: string) => `registry.example.com/os/custom@sha256:${c.repeat(64)}`;

describe('renderPool', () => {
  it('names renders rendered-<pool>-<32 hex> from the content: same content, same name', () => {
    const configs = [mc('00-worker', 'worker', { config: { ignition: { version: '3.4.0' } } }, true)];
    const a = renderPool(pool('worker', ['worker']), configs, defaults);
    const b = renderPool(pool('worker', ['worker']), [...configs], defaults);
    expect(a.name).toMatch(/^rendered-worker-[0-9a-f]{32}$/);
    expect(b.name).toBe(a.name);
    const c = renderPool(pool('worker', ['worker']), [...configs, mc('99-worker-kargs', 'worker', { kernelArguments: ['nosmt'] })], defaults);
    expect(c.name).not.toBe(a.name);
    expect(c.spec.kernelArguments).toEqual(['nosmt']);
  });

  it('starts from the release default and lets the last non-generated override win', () => {
    const configs = [
      mc('00-worker', 'worker', { osImageURL: img('0') }, true), // generated: skipped
      mc('99-worker-ssh', 'worker'),
      mc('os-layer-custom', 'worker', { osImageURL: img('1'), baseOSExtensionsContainerImage: img('2') }),
    ];
    const r = renderPool(pool('worker', ['worker']), configs, defaults);
    expect(r.spec.osImageURL).toBe(img('1'));
    expect(r.spec.baseOSExtensionsContainerImage).toBe(img('2'));
    expect(r.osImageOverridden).toBe(true);
    const plain = renderPool(pool('worker', ['worker']), configs.slice(0, 2), defaults);
    expect(plain.spec.osImageURL).toBe(defaults.baseOSContainerImage);
    expect(plain.osImageOverridden).toBe(false);
  });

  it('sorts worker-role configs first, then the others, each by name', () => {
    const configs = [
      mc('zz-worker-image', 'worker', { osImageURL: img('1') }),
      mc('aa-infra-image', 'infra', { osImageURL: img('2') }),
      mc('mm-master-image', 'master', { osImageURL: img('3') }),
    ];
    const infra = pool('infra', ['worker', 'infra']);
    expect(selectMachineConfigs(infra, configs).map(m => m.metadata.name)).toEqual(['zz-worker-image', 'aa-infra-image']);
    // The custom pool's own role sorts after every worker config, so it wins although "aa" < "zz".
    expect(renderPool(infra, configs, defaults).spec.osImageURL).toBe(img('2'));
    // ...and the source list is by name.
    expect(renderPool(infra, configs, defaults).sources.map(s => s.name)).toEqual(['aa-infra-image', 'zz-worker-image']);
  });

  it('makes custom pools inherit worker configs, including an osImageURL override', () => {
    const configs = [mc('00-worker', 'worker', {}, true), mc('os-layer-custom', 'worker', { osImageURL: img('4') }), mc('50-infra-chrony', 'infra')];
    const r = renderPool(pool('infra', ['worker', 'infra']), configs, defaults);
    expect(r.spec.osImageURL).toBe(img('4'));
    expect(r.sources.map(s => s.name)).toEqual(['00-worker', '50-infra-chrony', 'os-layer-custom']);
    expect(renderPool(pool('master', ['master']), configs, defaults).sources).toEqual([]);
  });

  // Kernel arguments and extensions are appended config by config, repeats kept, as the MCO's
  // MergeMachineConfigs (pkg/controller/common/helpers.go) does.
  it('merges Ignition files by path and appends extensions and kernel arguments in config order, repeats kept', () => {
    const file = (contents: string) => ({ path: '/etc/a.conf', contents: { source: `data:,${contents}` } });
    const configs = [
      mc('10-a', 'worker', { config: { ignition: { version: '3.2.0' }, storage: { files: [file('one')] } }, extensions: ['usbguard'], kernelArguments: ['a=1'] }),
      mc('20-b', 'worker', { config: { ignition: { version: '3.4.0' }, storage: { files: [file('two')] } }, extensions: ['usbguard', 'kerberos'], kernelArguments: ['a=1', 'b'], fips: true, kernelType: 'realtime' }),
    ];
    const r = renderPool(pool('worker', ['worker']), configs, defaults);
    expect(r.spec.config).toEqual({ ignition: { version: '3.4.0' }, storage: { files: [file('two')] } });
    expect(r.spec.extensions).toEqual(['usbguard', 'usbguard', 'kerberos']);
    expect(r.spec.kernelArguments).toEqual(['a=1', 'a=1', 'b']);
    expect(r.spec.fips).toBe(true);
    expect(r.spec.kernelType).toBe('realtime');
  });

  it('refuses configs it cannot merge', () => {
    expect(() => renderPool(pool('worker', ['worker']), [mc('x', 'worker', { config: { ignition: { version: '9.9.9' } } })], defaults)).toThrow(RenderError);
    expect(() => renderPool(pool('worker', ['worker']), [mc('x', 'worker', { kernelType: 'turbo' })], defaults)).toThrow(/kernelType/);
    const streamPool = pool('worker', ['worker']);
    (streamPool.spec as Record<string, unknown>).osImageStream = { name: 'rhel10-coreos' };
    expect(() => renderPool(streamPool, [mc('x', 'worker', { osImageURL: img('5') })], defaults)).toThrow(/stream/);
  });
});

describe('selectorMatches', () => {
  const labels = { a: '1', b: '2' };
  it.each([
    [{ matchLabels: { a: '1' } }, true],
    [{ matchLabels: { a: '2' } }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [{ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['1'] }] }, true],
    [{ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, false],
    [{}, true],
    [undefined, false],
  ])('%j → %s', (selector, expected) => {
    expect(selectorMatches(selector as never, labels)).toBe(expected);
  });
});
