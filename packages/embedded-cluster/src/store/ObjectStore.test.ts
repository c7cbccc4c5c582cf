import { InMemoryObjectStore } from './ObjectStore';
import { StoreError, StoreEvent } from './types';

const pool = (name: string) => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
  metadata: { name },
  spec: { paused: false },
});

describe('InMemoryObjectStore', () => {
  it('assigns uid, resourceVersion and generation, and notifies subscribers in order', () => {
    const store = new InMemoryObjectStore();
    const events: StoreEvent[] = [];
    store.subscribe(e => events.push(e));
    const created = store.create('machineconfigpools', pool('infra'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.generation).toBe(1);
    const rv1 = Number(created.metadata.resourceVersion);
    const changed = store.update('machineconfigpools', {
      ...created,
      spec: { paused: true },
    });
    expect(changed.metadata.generation).toBe(2);
    expect(Number(changed.metadata.resourceVersion)).toBe(rv1 + 1);
    const statusOnly = store.update(
      'machineconfigpools',
      { ...changed, spec: { paused: false }, status: { machineCount: 1 } },
      { subresource: 'status' },
    );
    expect(statusOnly.spec).toEqual({ paused: true });
    expect(statusOnly.status).toEqual({ machineCount: 1 });
    expect(statusOnly.metadata.generation).toBe(2);
    expect(events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
    expect(events[1].old?.spec).toEqual({ paused: false });
  });

  it('rejects stale resourceVersions when asked to, and duplicates', () => {
    const store = new InMemoryObjectStore();
    const created = store.create('machineconfigpools', pool('infra'));
    store.update('machineconfigpools', { ...created, spec: { paused: true } });
    expect(() =>
      store.update('machineconfigpools', created, {
        checkResourceVersion: true,
      }),
    ).toThrow(expect.objectContaining({ code: 409, reason: 'Conflict' }));
    expect(() => store.create('machineconfigpools', pool('infra'))).toThrow(
      StoreError,
    );
  });

  it('hands out copies and keeps a history for watch resumption', () => {
    const store = new InMemoryObjectStore({ historySize: 2 });
    const a = store.create('machineconfigpools', pool('a'));
    a.spec = { paused: true };
    expect(store.get('machineconfigpools', 'a')?.spec).toEqual({
      paused: false,
    });
    store.create('machineconfigpools', pool('b'));
    store.create('machineconfigpools', pool('c'));
    expect(store.eventsSince(Number(a.metadata.resourceVersion) - 1)).toBe(
      'expired',
    );
    const since = store.eventsSince(Number(a.metadata.resourceVersion));
    expect(
      since !== 'expired' && since.map(e => e.event.object.metadata.name),
    ).toEqual(['b', 'c']);
    store.expireHistory();
    expect(store.eventsSince(Number(a.metadata.resourceVersion))).toBe(
      'expired',
    );
  });

  it('serves one MachineOSConfig version and rejects the other with a clear message', () => {
    const store = new InMemoryObjectStore({ machineOSApiVersion: 'v1alpha1' });
    expect(store.servedApiVersion('machineosconfigs')).toBe(
      'machineconfiguration.openshift.io/v1alpha1',
    );
    expect(() =>
      store.create('machineosconfigs', {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineOSConfig',
        metadata: { name: 'infra' },
      }),
    ).toThrow(/not served by this cluster/);
  });

  it('deletes dependents with their owner and objects of a deleted namespace', () => {
    const store = new InMemoryObjectStore();
    const owner = store.create('machineconfigpools', pool('infra'));
    store.create('machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: {
        name: 'rendered-infra-1',
        ownerReferences: [
          {
            apiVersion: owner.apiVersion,
            kind: owner.kind,
            name: 'infra',
            uid: owner.metadata.uid!,
          },
        ],
      },
    });
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns1' },
    });
    store.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns1' },
    });
    store.delete('machineconfigpools', 'infra');
    expect(store.list('machineconfigs')).toEqual([]);
    store.delete('namespaces', 'ns1');
    expect(store.list('configmaps')).toEqual([]);
  });
});
