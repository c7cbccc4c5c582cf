import { InMemoryObjectStore } from '../store/ObjectStore';
import { SchemaValidator } from '../schema/SchemaValidator';
import { StoreError } from '../store/types';
import {
  authorize,
  forbidden,
  ruleAllows,
  serviceAccountUser,
} from './RbacAuthorizer';
import { requestAttributes } from './requestInfo';

const MCO = 'machineconfiguration.openshift.io';
const RBAC = 'rbac.authorization.k8s.io';
const alice = serviceAccountUser('team', 'alice');
const bob = serviceAccountUser('other', 'bob');

const attrs = (method: string, path: string, query = '') =>
  requestAttributes(method, path, new URLSearchParams(query));

function storeWith(objects: Array<[string, Record<string, unknown>]>) {
  const store = new InMemoryObjectStore();
  for (const ns of ['team', 'other', 'openshift-machine-config-operator']) {
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
  }
  for (const [resource, object] of objects) {
    store.create(resource as never, object as never);
  }
  return store;
}

const clusterRole = (name: string, rules: unknown[]) =>
  [
    'clusterroles',
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name },
      rules,
    },
  ] as [string, Record<string, unknown>];

const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  roleKind: 'ClusterRole' | 'Role',
  subjects: unknown[],
  namespace?: string,
) =>
  [
    kind === 'ClusterRoleBinding' ? 'clusterrolebindings' : 'rolebindings',
    {
      apiVersion: `${RBAC}/v1`,
      kind,
      metadata: {
        name: `${name}-binding`,
        ...(namespace ? { namespace } : {}),
      },
      roleRef: { apiGroup: RBAC, kind: roleKind, name },
      subjects,
    },
  ] as [string, Record<string, unknown>];

const aliceSubject = {
  kind: 'ServiceAccount',
  name: 'alice',
  namespace: 'team',
};

describe('request attributes', () => {
  it('derives verbs, scope, names and subresources as kube-apiserver does', () => {
    expect(attrs('GET', `/apis/${MCO}/v1/machineconfigpools`)).toMatchObject({
      verb: 'list',
      isResourceRequest: true,
      apiGroup: MCO,
      resource: 'machineconfigpools',
      name: '',
      namespace: '',
    });
    expect(
      attrs('GET', `/apis/${MCO}/v1/machineconfigpools`, 'watch=true'),
    ).toMatchObject({ verb: 'watch' });
    expect(
      attrs('PUT', `/apis/${MCO}/v1/machineconfigpools/worker/status`),
    ).toMatchObject({
      verb: 'update',
      name: 'worker',
      subresource: 'status',
    });
    expect(attrs('DELETE', '/api/v1/namespaces/team/secrets')).toMatchObject({
      verb: 'deletecollection',
      namespace: 'team',
      resource: 'secrets',
    });
    expect(
      attrs(
        'GET',
        '/api/v1/namespaces/openshift-machine-config-operator/configmaps',
        'fieldSelector=metadata.name%3Dmachine-config-osimageurl&watch=1',
      ),
    ).toMatchObject({ verb: 'watch', name: 'machine-config-osimageurl' });
    // A namespace is in its own namespace.
    expect(attrs('GET', '/api/v1/namespaces/team')).toMatchObject({
      verb: 'get',
      resource: 'namespaces',
      name: 'team',
      namespace: 'team',
    });
    expect(attrs('PUT', '/api/v1/namespaces/team/status')).toMatchObject({
      resource: 'namespaces',
      name: 'team',
      subresource: 'status',
    });
    for (const path of [
      '/api',
      '/api/v1',
      '/apis',
      `/apis/${MCO}/v1`,
      '/version',
    ]) {
      expect(attrs('GET', path)).toMatchObject({
        isResourceRequest: false,
        verb: 'get',
        path,
      });
    }
  });
});

describe('policy rules', () => {
  const get = attrs('GET', `/apis/${MCO}/v1/machineconfigpools/worker`);
  const status = attrs(
    'PATCH',
    `/apis/${MCO}/v1/machineconfigpools/worker/status`,
  );
  it('match verbs, groups, resources, subresources and names with wildcards', () => {
    const rule = {
      verbs: ['get'],
      apiGroups: [MCO],
      resources: ['machineconfigpools'],
    };
    expect(ruleAllows(rule, get)).toBe(true);
    expect(ruleAllows({ ...rule, verbs: ['list'] }, get)).toBe(false);
    expect(ruleAllows({ ...rule, apiGroups: [''] }, get)).toBe(false);
    expect(ruleAllows({ ...rule, apiGroups: ['*'] }, get)).toBe(true);
    expect(ruleAllows({ ...rule, verbs: ['*'] }, get)).toBe(true);
    expect(ruleAllows({ ...rule, resourceNames: ['master'] }, get)).toBe(false);
    expect(ruleAllows({ ...rule, resourceNames: ['worker'] }, get)).toBe(true);
    // resourceNames never match a request without a name (a plain list).
    expect(
      ruleAllows(
        {
          verbs: ['list'],
          apiGroups: [MCO],
          resources: ['machineconfigpools'],
          resourceNames: ['worker'],
        },
        attrs('GET', `/apis/${MCO}/v1/machineconfigpools`),
      ),
    ).toBe(false);
    const patch = { verbs: ['patch'], apiGroups: [MCO] };
    expect(
      ruleAllows({ ...patch, resources: ['machineconfigpools'] }, status),
    ).toBe(false);
    expect(
      ruleAllows(
        { ...patch, resources: ['machineconfigpools/status'] },
        status,
      ),
    ).toBe(true);
    expect(ruleAllows({ ...patch, resources: ['*/status'] }, status)).toBe(
      true,
    );
    expect(ruleAllows({ ...patch, resources: ['*'] }, status)).toBe(true);
    expect(
      ruleAllows(
        { ...patch, resources: ['machineconfigpools/status'] },
        attrs('PATCH', `/apis/${MCO}/v1/machineconfigpools/worker`),
      ),
    ).toBe(false);
  });

  it('match non-resource URLs exactly or by a trailing star, never resources', () => {
    expect(
      ruleAllows(
        { verbs: ['get'], nonResourceURLs: ['/version'] },
        attrs('GET', '/version'),
      ),
    ).toBe(true);
    expect(
      ruleAllows(
        { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
        attrs('GET', `/apis/${MCO}/v1`),
      ),
    ).toBe(true);
    expect(
      ruleAllows(
        { verbs: ['get'], nonResourceURLs: ['/apis'] },
        attrs('GET', `/apis/${MCO}/v1`),
      ),
    ).toBe(false);
    expect(ruleAllows({ verbs: ['get'], nonResourceURLs: ['*'] }, get)).toBe(
      false,
    );
    expect(
      ruleAllows(
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        attrs('GET', '/version'),
      ),
    ).toBe(false);
  });
});

describe('authorize', () => {
  it('allows discovery to every authenticated caller and nothing else by default', () => {
    const store = storeWith([]);
    for (const path of [
      '/api',
      '/api/v1',
      '/apis',
      `/apis/${MCO}/v1`,
      '/openapi/v3',
      '/version',
    ]) {
      expect(authorize(store, alice, attrs('GET', path)).allowed).toBe(true);
    }
    expect(authorize(store, alice, attrs('GET', '/api/v1/nodes')).allowed).toBe(
      false,
    );
    expect(authorize(store, alice, attrs('GET', '/metrics')).allowed).toBe(
      false,
    );
  });

  it('grants a ClusterRoleBinding cluster-wide, to the subjects it names only', () => {
    const store = storeWith([
      clusterRole('pool-reader', [
        {
          verbs: ['get', 'list', 'watch'],
          apiGroups: [MCO],
          resources: ['machineconfigpools'],
        },
      ]),
      binding('ClusterRoleBinding', 'pool-reader', 'ClusterRole', [
        aliceSubject,
      ]),
    ]);
    const list = attrs(
      'GET',
      `/apis/${MCO}/v1/machineconfigpools`,
      'watch=true',
    );
    expect(authorize(store, alice, list).allowed).toBe(true);
    expect(authorize(store, bob, list).allowed).toBe(false);
    expect(
      authorize(
        store,
        alice,
        attrs('DELETE', `/apis/${MCO}/v1/machineconfigpools/worker`),
      ).allowed,
    ).toBe(false);
  });

  it('matches Group and User subjects', () => {
    const store = storeWith([
      clusterRole('nodes', [
        { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
      ]),
      binding('ClusterRoleBinding', 'nodes', 'ClusterRole', [
        { kind: 'Group', apiGroup: RBAC, name: 'system:serviceaccounts:other' },
      ]),
    ]);
    expect(authorize(store, bob, attrs('GET', '/api/v1/nodes')).allowed).toBe(
      true,
    );
    expect(authorize(store, alice, attrs('GET', '/api/v1/nodes')).allowed).toBe(
      false,
    );
  });

  it('limits a RoleBinding to its namespace, with a Role or a ClusterRole', () => {
    const store = storeWith([
      [
        'roles',
        {
          apiVersion: `${RBAC}/v1`,
          kind: 'Role',
          metadata: { name: 'secrets', namespace: 'team' },
          rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
        },
      ],
      binding(
        'RoleBinding',
        'secrets',
        'Role',
        [{ kind: 'ServiceAccount', name: 'alice' }],
        'team',
      ),
      clusterRole('cm', [
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] },
      ]),
      binding('RoleBinding', 'cm', 'ClusterRole', [aliceSubject], 'other'),
    ]);
    expect(
      authorize(store, alice, attrs('GET', '/api/v1/namespaces/team/secrets/s'))
        .allowed,
    ).toBe(true);
    expect(
      authorize(
        store,
        alice,
        attrs('GET', '/api/v1/namespaces/other/secrets/s'),
      ).allowed,
    ).toBe(false);
    expect(
      authorize(
        store,
        alice,
        attrs('GET', '/api/v1/namespaces/other/configmaps/c'),
      ).allowed,
    ).toBe(true);
    expect(
      authorize(
        store,
        alice,
        attrs('GET', '/api/v1/namespaces/team/configmaps/c'),
      ).allowed,
    ).toBe(false);
    // Namespaced grants never reach cluster-scoped requests.
    expect(
      authorize(store, alice, attrs('GET', '/api/v1/configmaps')).allowed,
    ).toBe(false);
  });

  it('gives the missing role as the reason of a denial', () => {
    const store = storeWith([
      binding('ClusterRoleBinding', 'gone', 'ClusterRole', [aliceSubject]),
    ]);
    const decision = authorize(store, alice, attrs('GET', '/api/v1/nodes'));
    expect(decision).toEqual({
      allowed: false,
      reason: `RBAC: clusterrole.${RBAC} "gone" not found`,
    });
  });
});

describe('forbidden', () => {
  const user = serviceAccountUser('rhcos-layering', 'layering-reader');
  it('words the 403 like kube-apiserver, with Status details', () => {
    const e = forbidden(user, attrs('POST', `/apis/${MCO}/v1/machineconfigs`));
    expect(e.code).toBe(403);
    expect(e.reason).toBe('Forbidden');
    expect(e.message).toBe(
      `machineconfigs.${MCO} is forbidden: User "system:serviceaccount:rhcos-layering:layering-reader" cannot create resource "machineconfigs" in API group "${MCO}" at the cluster scope`,
    );
    expect(e.details).toEqual({
      group: MCO,
      kind: 'machineconfigs',
      name: undefined,
    });
    const named = forbidden(
      user,
      attrs('PATCH', `/apis/${MCO}/v1/machineconfigpools/worker/status`),
    );
    expect(named.message).toBe(
      `machineconfigpools.${MCO} "worker" is forbidden: User "system:serviceaccount:rhcos-layering:layering-reader" cannot patch resource "machineconfigpools/status" in API group "${MCO}" at the cluster scope`,
    );
    expect(
      forbidden(user, attrs('GET', '/api/v1/namespaces/x/secrets/s')).message,
    ).toBe(
      'secrets "s" is forbidden: User "system:serviceaccount:rhcos-layering:layering-reader" cannot get resource "secrets" in API group "" in the namespace "x"',
    );
    expect(forbidden(user, attrs('GET', '/metrics'), 'RBAC: x').message).toBe(
      'forbidden: User "system:serviceaccount:rhcos-layering:layering-reader" cannot get path "/metrics": RBAC: x',
    );
  });
});

describe('RBAC object validation', () => {
  it('refuses bindings without a valid role reference and changes of it, and rules without verbs', async () => {
    const validator = await SchemaValidator.create({
      machineOSApiVersion: 'v1',
    });
    const store = new InMemoryObjectStore({ validator });
    const create = (resource: string, object: Record<string, unknown>) =>
      store.create(resource as never, object as never);
    expect(() =>
      create('clusterrolebindings', {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'x' },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: 'r' },
      }),
    ).toThrow(StoreError);
    expect(() =>
      create('clusterroles', {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'x' },
        rules: [{ apiGroups: [''], resources: ['nodes'] }],
      }),
    ).toThrow(/verbs/);
    create('clusterrolebindings', {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ok' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'r' },
    });
    const current = store.get('clusterrolebindings', 'ok')!;
    expect(() =>
      store.update('clusterrolebindings', {
        ...current,
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'other' },
      }),
    ).toThrow(/cannot change roleRef/);
  });
});
