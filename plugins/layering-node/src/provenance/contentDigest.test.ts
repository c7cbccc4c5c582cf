import { LAYERING_REQUEST_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import {
  layeringContentDigest,
  readLayeringProvenance,
  withLayeringProvenance,
} from './contentDigest';

const mosc = {
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineOSConfig',
  metadata: {
    name: 'worker',
    annotations: { [LAYERING_REQUEST_ANNOTATIONS.templateRun]: 'task-1' },
  },
  spec: {
    machineConfigPool: { name: 'worker' },
    containerFile: [{ containerfileArch: 'NoArch', content: 'FROM configs AS final\n' }],
    renderedImagePushSpec: 'registry.example.com/os/worker:latest',
  },
};

describe('layeringContentDigest', () => {
  it('does not depend on key order, annotations, server metadata or status', () => {
    const digest = layeringContentDigest(mosc);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const fromCluster = {
      status: { currentImagePullSpec: 'x' },
      spec: { renderedImagePushSpec: mosc.spec.renderedImagePushSpec, containerFile: mosc.spec.containerFile, machineConfigPool: { name: 'worker' } },
      metadata: {
        uid: 'u',
        resourceVersion: '7',
        name: 'worker',
        annotations: { 'machineconfiguration.openshift.io/current-machine-os-build': 'worker-1' },
      },
      kind: 'MachineOSConfig',
      apiVersion: 'machineconfiguration.openshift.io/v1',
    };
    expect(layeringContentDigest(fromCluster)).toBe(digest);
  });

  it('changes with the spec, the name, the labels and the API version', () => {
    const digest = layeringContentDigest(mosc);
    const changed = [
      { ...mosc, spec: { ...mosc.spec, renderedImagePushSpec: 'registry.example.com/os/other:latest' } },
      { ...mosc, metadata: { ...mosc.metadata, name: 'infra' } },
      { ...mosc, metadata: { ...mosc.metadata, labels: { a: 'b' } } },
      { ...mosc, apiVersion: 'machineconfiguration.openshift.io/v1alpha1' },
    ];
    for (const object of changed) expect(layeringContentDigest(object)).not.toBe(digest);
  });
});

describe('provenance annotations', () => {
  it('annotates the request id and digest, and reads them back', () => {
    const annotated = withLayeringProvenance(mosc, '0b9c7b0e-8a3f-4d7e-9a51-8f7e2f3c1d20');
    expect(mosc.metadata.annotations).not.toHaveProperty(LAYERING_REQUEST_ANNOTATIONS.requestId);
    expect(readLayeringProvenance(annotated)).toEqual({
      requestId: '0b9c7b0e-8a3f-4d7e-9a51-8f7e2f3c1d20',
      taskId: 'task-1',
      requestedBy: null,
      digest: layeringContentDigest(mosc),
      digestMatches: true,
    });
  });

  it('says when the content was changed after it was rendered', () => {
    const annotated = withLayeringProvenance(mosc, 'r1');
    const edited = { ...annotated, spec: { ...annotated.spec, renderedImagePushSpec: 'elsewhere/x:y' } };
    expect(readLayeringProvenance(edited)).toMatchObject({ requestId: 'r1', digestMatches: false });
  });

  it('ignores objects without provenance', () => {
    expect(readLayeringProvenance({ metadata: { name: 'x' } })).toBeUndefined();
    expect(readLayeringProvenance(null)).toBeUndefined();
  });
});
