import * as k8s from '@kubernetes/client-node';
import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import type { K8sObject } from '../store/types';
import {
  MCO,
  collectWatch,
  kubeConfig,
  statusOf,
} from './__testUtils__/clientNode';

jest.setTimeout(60_000);

describe('the API server driven by @kubernetes/client-node', () => {
  let t: TestCluster;
  let admin: k8s.KubeConfig;

  beforeAll(async () => {
    t = await startTestCluster({
      tokens: {
        admin: 'admin-token-client',
        readOnly: 'read-only-token-client',
      },
    });
    admin = kubeConfig(t, 'admin-token-client');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('pages through lists with limit and continue', async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNode({ limit: 2, _continue: token });
      names.push(...page.items.map(n => n.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual([
      'infra-0',
      'master-0',
      'master-1',
      'master-2',
      'worker-0',
      'worker-1',
    ]);
    const selected = await core.listNode({
      labelSelector: 'node-role.kubernetes.io/master',
      fieldSelector: 'metadata.name!=master-0',
    });
    expect(selected.items.map(n => n.metadata!.name)).toEqual([
      'master-1',
      'master-2',
    ]);
  });

  it('answers 410 Expired for a continue token older than the kept history', async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const page = await core.listNode({ limit: 2 });
    await core.patchNode(
      { name: 'worker-0', body: { metadata: { labels: { touched: 'yes' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    t.cluster.expireWatchHistory();
    const status = await statusOf(
      core.listNode({ limit: 2, _continue: page.metadata!._continue }),
    );
    expect(status).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('resumes a watch from a resourceVersion and sends bookmarks', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const list = await custom.listClusterCustomObject({
      ...MCO,
      plural: 'machineconfigpools',
    });
    const rv = list.metadata.resourceVersion as string;
    await custom.patchClusterCustomObject(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'master',
        body: { metadata: { labels: { step: 'one' } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await custom.patchClusterCustomObject(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'master',
        body: { metadata: { labels: { step: 'two' } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const events = await collectWatch(
      admin,
      '/apis/machineconfiguration.openshift.io/v1/machineconfigpools',
      { resourceVersion: rv, allowWatchBookmarks: true },
      ev => ev.some(e => e.type === 'BOOKMARK'),
    );
    expect(events.map(e => [e.type, e.object.metadata?.labels?.step])).toEqual([
      ['MODIFIED', 'one'],
      ['MODIFIED', 'two'],
      ['BOOKMARK', undefined],
    ]);
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(rv),
    );
  });

  it('ends a watch from an expired resourceVersion with a 410 Expired event', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const list = await custom.listClusterCustomObject({
      ...MCO,
      plural: 'machineconfigpools',
    });
    await custom.patchClusterCustomObject(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'master',
        body: { metadata: { labels: { step: 'three' } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    t.cluster.expireWatchHistory();
    const events = await collectWatch(
      admin,
      '/apis/machineconfiguration.openshift.io/v1/machineconfigpools',
      { resourceVersion: list.metadata.resourceVersion },
      ev => ev.length > 0,
    );
    expect(events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
  });

  it('feeds a client-node informer, which recovers from a dropped watch with expired history', async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    let lists = 0;
    const informer = k8s.makeInformer(admin, '/api/v1/nodes', () => {
      lists++;
      return core.listNode();
    });
    const seen: string[] = [];
    const waiters: Array<() => void> = [];
    // Waits for a condition: re-checked on every informer event and, for state that changes
    // without an event (a relist), every few milliseconds.
    const until = (check: () => boolean) =>
      new Promise<void>(resolve => {
        const tick = () => {
          if (check()) resolve();
          else {
            waiters.push(tick);
            setTimeout(() => {
              const i = waiters.indexOf(tick);
              if (i >= 0) waiters.splice(i, 1)[0]();
            }, 20);
          }
        };
        tick();
      });
    const note = (entry: string) => {
      seen.push(entry);
      for (const w of waiters.splice(0)) w();
    };
    informer.on(k8s.ADD, n => note(`add ${n.metadata!.name}`));
    informer.on(k8s.UPDATE, n =>
      note(`update ${n.metadata!.name} ${n.metadata!.labels?.informer ?? ''}`),
    );
    informer.on(k8s.ERROR, () => note('error'));
    await informer.start();
    await until(() => seen.filter(e => e.startsWith('add')).length === 6);
    await core.patchNode(
      { name: 'infra-0', body: { metadata: { labels: { informer: 'one' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => seen.includes('update infra-0 one'));
    // The connection drops while the history it would resume from is gone: the informer gets a
    // 410, lists again and carries on.
    expect(lists).toBe(1);
    // A write elsewhere moves the resourceVersion past the informer's last node event; the
    // history is then forgotten and the connection dropped.
    t.cluster.store.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'bump',
        namespace: 'openshift-machine-config-operator',
      },
    });
    t.cluster.expireWatchHistory();
    t.cluster.closeWatches();
    await until(() => lists === 2);
    await core.patchNode(
      { name: 'infra-0', body: { metadata: { labels: { informer: 'two' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      () =>
        informer.list().find(n => n.metadata?.name === 'infra-0')?.metadata
          ?.labels?.informer === 'two',
    );
    await informer.stop();
    expect(informer.list()).toHaveLength(6);
  });

  it('rejects a stale update with 409 Conflict', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const pool = (await custom.getClusterCustomObject({
      ...MCO,
      plural: 'machineconfigpools',
      name: 'worker',
    })) as K8sObject;
    const fresh = structuredClone(pool);
    fresh.metadata.labels = { ...fresh.metadata.labels, first: 'writer' };
    await custom.replaceClusterCustomObject({
      ...MCO,
      plural: 'machineconfigpools',
      name: 'worker',
      body: fresh,
    });
    pool.metadata.labels = { ...pool.metadata.labels, second: 'writer' };
    const status = await statusOf(
      custom.replaceClusterCustomObject({
        ...MCO,
        plural: 'machineconfigpools',
        name: 'worker',
        body: pool,
      }),
    );
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(status.message).toContain('the object has been modified');
  });

  it('tracks server-side apply ownership and reports conflicts', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const apply = (manager: string, kernelArguments: string[], force = false) =>
      custom.patchClusterCustomObject(
        {
          ...MCO,
          plural: 'machineconfigs',
          name: '50-kargs',
          fieldManager: manager,
          force,
          body: {
            apiVersion: 'machineconfiguration.openshift.io/v1',
            kind: 'MachineConfig',
            metadata: { name: '50-kargs' },
            spec: { kernelArguments },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      ) as Promise<K8sObject>;
    const created = await apply('team-a', ['nosmt']);
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'team-a',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:kernelArguments': {} } },
      }),
    ]);
    const conflict = await statusOf(apply('team-b', ['mitigations=off']));
    expect(conflict).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(conflict.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "team-a"',
        field: '.spec.kernelArguments',
      },
    ]);
    const same = await apply('team-b', ['nosmt']);
    expect(
      same.metadata.managedFields?.map(m => (m as { manager: string }).manager),
    ).toEqual(['team-a', 'team-b']);
    const forced = await apply('team-b', ['mitigations=off'], true);
    expect(
      (forced.spec as { kernelArguments: string[] }).kernelArguments,
    ).toEqual(['mitigations=off']);
    expect(
      forced.metadata.managedFields?.map(
        m => (m as { manager: string }).manager,
      ),
    ).toEqual(['team-b']);
    const missingManager = await statusOf(
      custom.patchClusterCustomObject(
        {
          ...MCO,
          plural: 'machineconfigs',
          name: '50-kargs',
          body: {
            apiVersion: 'machineconfiguration.openshift.io/v1',
            kind: 'MachineConfig',
            metadata: { name: '50-kargs' },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      ),
    );
    expect(missingManager).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('leaves nothing behind on dry run', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const before = t.cluster.store.currentResourceVersion();
    const created = (await custom.createClusterCustomObject({
      ...MCO,
      plural: 'machineconfigs',
      dryRun: 'All',
      body: {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfig',
        metadata: { name: '60-dry' },
        spec: {},
      },
    })) as K8sObject;
    expect(created.metadata.name).toBe('60-dry');
    await custom.deleteClusterCustomObject({
      ...MCO,
      plural: 'machineconfigs',
      name: 'rendered-master-5926f68270c3e115f23e40a81a8ec9c4',
      dryRun: 'All',
    });
    await custom.patchClusterCustomObject(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'infra',
        dryRun: 'All',
        body: { spec: { paused: false } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(t.cluster.store.currentResourceVersion()).toBe(before);
    expect(t.cluster.store.get('machineconfigs', '60-dry')).toBeUndefined();
    expect(
      t.cluster.store.get(
        'machineconfigs',
        'rendered-master-5926f68270c3e115f23e40a81a8ec9c4',
      ),
    ).toBeDefined();
    expect(
      (
        t.cluster.store.get('machineconfigpools', 'infra')?.spec as {
          paused: boolean;
        }
      ).paused,
    ).toBe(true);
  });

  const invalid: Array<
    [
      string,
      string,
      object,
      Array<{ field: string; reason: string; message?: string }>,
    ]
  > = [
    [
      'a pool whose maxUnavailable is an object',
      'machineconfigpools',
      { metadata: { name: 'p1' }, spec: { maxUnavailable: { a: 1 } } },
      [
        {
          field: 'spec.maxUnavailable',
          reason: 'FieldValueTypeInvalid',
          message:
            'Invalid value: "object": spec.maxUnavailable in body must be of type integer,string: "object"',
        },
      ],
    ],
    [
      'a pool with a bad name',
      'machineconfigpools',
      { metadata: { name: 'Bad_Name' } },
      [{ field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ],
    [
      'a config whose kernel arguments are not a list',
      'machineconfigs',
      { metadata: { name: 'c1' }, spec: { kernelArguments: 'nosmt' } },
      [{ field: 'spec.kernelArguments', reason: 'FieldValueTypeInvalid' }],
    ],
    [
      'a MachineOSConfig with an unknown builder',
      'machineosconfigs',
      {
        metadata: { name: 'infra4' },
        spec: {
          machineConfigPool: { name: 'infra4' },
          imageBuilder: { imageBuilderType: 'Docker' },
          renderedImagePushSecret: { name: 's' },
          renderedImagePushSpec: 'registry.example.com/os:latest',
        },
      },
      [
        {
          field: 'spec.imageBuilder.imageBuilderType',
          reason: 'FieldValueNotSupported',
        },
      ],
    ],
    [
      'a MachineOSConfig without a push spec',
      'machineosconfigs',
      {
        metadata: { name: 'infra2' },
        spec: {
          machineConfigPool: { name: 'infra2' },
          imageBuilder: { imageBuilderType: 'Job' },
          renderedImagePushSecret: { name: 's' },
        },
      },
      [{ field: 'spec.renderedImagePushSpec', reason: 'FieldValueRequired' }],
    ],
    [
      'a MachineOSConfig with a tag-less push spec',
      'machineosconfigs',
      {
        metadata: { name: 'infra3' },
        spec: {
          machineConfigPool: { name: 'infra3' },
          imageBuilder: { imageBuilderType: 'Job' },
          renderedImagePushSecret: { name: 's' },
          renderedImagePushSpec: 'registry.example.com/os',
        },
      },
      [{ field: 'spec.renderedImagePushSpec', reason: 'FieldValueInvalid' }],
    ],
  ];

  it.each(invalid)(
    'answers 422 with causes for %s',
    async (_name, plural, body, causes) => {
      const custom = admin.makeApiClient(k8s.CustomObjectsApi);
      const kind = {
        machineconfigpools: 'MachineConfigPool',
        machineconfigs: 'MachineConfig',
        machineosconfigs: 'MachineOSConfig',
      }[plural];
      const status = await statusOf(
        custom.createClusterCustomObject({
          ...MCO,
          plural,
          body: {
            apiVersion: 'machineconfiguration.openshift.io/v1',
            kind,
            ...body,
          },
        }),
      );
      expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(status.details?.causes).toEqual(
        expect.arrayContaining(causes.map(c => expect.objectContaining(c))),
      );
      expect(
        t.cluster.store.get(
          plural as 'machineconfigs',
          (body as { metadata: { name: string } }).metadata.name,
        ),
      ).toBeUndefined();
    },
  );

  it('writes only status through the status subresource, and ignores status on the main resource', async () => {
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const before = t.cluster.store.get('machineconfigpools', 'master')!;
    await custom.patchClusterCustomObjectStatus(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'master',
        body: {
          spec: { paused: true },
          status: { degradedMachineCount: 0, observedGeneration: 99 },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const afterStatus = t.cluster.store.get('machineconfigpools', 'master')!;
    expect(
      (afterStatus.status as { observedGeneration: number }).observedGeneration,
    ).toBe(99);
    expect(afterStatus.spec).toEqual(before.spec);
    await custom.patchClusterCustomObject(
      {
        ...MCO,
        plural: 'machineconfigpools',
        name: 'master',
        body: { status: { observedGeneration: 1 } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(
      (
        t.cluster.store.get('machineconfigpools', 'master')!.status as {
          observedGeneration: number;
        }
      ).observedGeneration,
    ).toBe(99);
  });
});
