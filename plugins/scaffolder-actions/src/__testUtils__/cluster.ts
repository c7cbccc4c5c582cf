import path from 'node:path';
import {
  loadStateDir,
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockServices } from '@backstage/backend-test-utils';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  LayeringClusterCredential,
  LayeringClusterDetails,
} from '@rhcos-layering/plugin-layering-node';
import { ClusterClients } from '../kubernetes/ClusterClients';
import type { LayeringActionOptions } from '../services/actionOptions';
import type { LayeringActionsConfig } from '../config';
import { RecordingLayeringBackend } from './backend';
import { outputsOf, runAction } from './context';

/** The sample state of the embedded cluster package (OCP 4.18.21, v1 MachineOSConfig). */
export function stateDir(name = 'ocp-418'): string {
  return path.join(
    path.dirname(require.resolve('@rhcos-layering/embedded-openshift/package.json')),
    'states',
    name,
  );
}

/**
 * Secrets the tests refer to besides the ones the state brings (`global-pull-secret-copy`,
 * `infra-os-images-push`); only their names matter.
 */
export const TEST_SECRETS = ['push-secret', 'etc-pki-entitlement'];

/** What a test cluster starts from; every field is optional. */
export interface TestClusterOptions {
  state?: string;
  objects?: object[];
  machineOSApiVersion?: 'v1' | 'v1alpha1';
  secrets?: string[];
  /** Leave out the state's MachineOSConfigs and MachineOSBuilds (e.g. to serve v1alpha1). */
  withoutMachineOS?: boolean;
  /** Change objects of the state before the cluster starts. */
  edit?: (object: any) => any;
}

/**
 * Secret objects of the given names in the MCO namespace. `etc-pki-entitlement` also goes to
 * `openshift-config-managed`, where the MCO of 4.18 and later takes it from.
 */
export function testSecrets(names: string[]): object[] {
  const secret = (name: string, namespace: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
    },
  });
  return names.flatMap(name => [
    secret(name, 'openshift-machine-config-operator'),
    ...(name === 'etc-pki-entitlement'
      ? [secret(name, 'openshift-config-managed')]
      : []),
  ]);
}

/** Starts an embedded cluster in instant mode on a free port, with the test secrets. */
export async function startTestCluster(
  options: TestClusterOptions = {},
): Promise<EmbeddedCluster> {
  const secrets = testSecrets(options.secrets ?? TEST_SECRETS);
  const edited = options.withoutMachineOS || options.edit;
  const stateObjects = edited ? loadStateObjects(stateDir(options.state)) : [];
  const kept = stateObjects
    .filter(
      o =>
        !options.withoutMachineOS ||
        !['MachineOSConfig', 'MachineOSBuild'].includes(o.kind),
    )
    .map(o => (options.edit ? options.edit(o) : o));
  const cluster = await startEmbeddedCluster({
    name: 'ocp-418',
    stateDir: edited ? undefined : stateDir(options.state),
    objects: [...kept, ...secrets, ...(options.objects ?? [])],
    port: 0,
    speed: 0,
    machineOSApiVersion: options.machineOSApiVersion,
  });
  await cluster.settle();
  return cluster;
}

/**
 * Gives the tests of the enclosing `describe` an embedded cluster started with `options`: a fresh
 * one per test (`'each'`, the default) or one for them all (`'all'`), stopped afterwards. Read
 * `cluster` inside tests and hooks; reading it while tests are collected throws.
 */
export function useTestCluster(
  options: TestClusterOptions = {},
  scope: 'each' | 'all' = 'each',
): { readonly cluster: EmbeddedCluster } {
  let current: EmbeddedCluster | undefined;
  (scope === 'each' ? beforeEach : beforeAll)(async () => {
    current = await startTestCluster(options);
  });
  (scope === 'each' ? afterEach : afterAll)(async () => {
    const started = current;
    current = undefined;
    await started?.stop();
  });
  return {
    get cluster() {
      if (!current) {
        throw new Error(
          'The test cluster runs only inside tests and their hooks',
        );
      }
      return current;
    },
  };
}

/** The objects of a state directory, with those of its base state (`state.yaml` `base:`). */
function loadStateObjects(dir: string): any[] {
  return loadStateDir(dir).objects.map(o => o.object);
}

/** Test settings: no waiting on retries, nothing allow-listed. */
export const testConfig: LayeringActionsConfig = {
  fieldManager: 'backstage-layering',
  allowedUrlHosts: [],
  allowedPackages: [],
  allowDegradedOverride: false,
  maxRetries: 3,
  maxRetryAfterMs: 30_000,
};

/**
 * The details the layering clusters service would give for cluster `name` at `url` (plain HTTP
 * to an embedded cluster, so TLS verification is off): a reader and, unless `writer` is null, a
 * writer credential.
 */
export function clusterDetails(
  name: string,
  url: string,
  credentials: { reader?: LayeringClusterCredential; writer?: LayeringClusterCredential | null },
): LayeringClusterDetails {
  return {
    name,
    url,
    skipTLSVerify: true,
    authMetadata: {},
    reader: credentials.reader,
    writer: credentials.writer ?? undefined,
    registries: [],
    source: 'custom',
  };
}

/** Action options wired to an embedded cluster, a recording backend and a permission result. */
export function actionOptions(
  cluster: EmbeddedCluster,
  overrides: {
    allow?: boolean;
    config?: Partial<LayeringActionsConfig>;
    /** Token of both the reader and the writer (default: read-only reader, admin writer). */
    token?: string;
    /** The writer credential instead of the admin token; null for none. */
    writer?: LayeringClusterCredential | null;
    sleeps?: number[];
  } = {},
): LayeringActionOptions & {
  backend: RecordingLayeringBackend;
  clientLogger: ReturnType<typeof mockServices.logger.mock>;
} {
  const logger = mockServices.logger.mock();
  const sleeps = overrides.sleeps ?? [];
  const clusters = new ClusterClients(
    [
      clusterDetails('ocp-418', cluster.url, {
        reader: { type: 'token', token: overrides.token ?? cluster.tokens.readOnly },
        writer:
          overrides.writer !== undefined
            ? overrides.writer
            : { type: 'token', token: overrides.token ?? cluster.tokens.admin },
      }),
    ],
    {
      logger,
      retry: {
        maxRetries: overrides.config?.maxRetries ?? testConfig.maxRetries,
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
    },
  );
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(() => ({
        result:
          overrides.allow === false
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
  });
  return {
    clusters,
    backend: new RecordingLayeringBackend(),
    permissions,
    config: { ...testConfig, ...overrides.config },
    clientLogger: logger,
  };
}

/**
 * The outputs of a dry run of a pool action (pause, resume) for `pool` of ocp-418, with the
 * action wired to `cluster`: what the pre-flight checks say without changing anything.
 */
export async function poolDryRun(
  createAction: (
    options: LayeringActionOptions,
  ) => TemplateAction<any, any, any>,
  cluster: EmbeddedCluster,
  pool: string,
): Promise<Record<string, unknown>> {
  const { output } = await runAction(
    createAction(actionOptions(cluster)),
    { cluster: 'ocp-418', pool },
    { isDryRun: true },
  );
  return outputsOf(output);
}

/** Plain HTTP access to the embedded cluster as admin, independent of the code under test. */
export function adminApi(cluster: EmbeddedCluster) {
  const headers = {
    authorization: `Bearer ${cluster.tokens.admin}`,
    'content-type': 'application/json',
  };
  return {
    async get(apiPath: string): Promise<any> {
      const res = await fetch(`${cluster.url}${apiPath}`, { headers });
      return res.status === 404 ? undefined : res.json();
    },
    async send(
      method: string,
      apiPath: string,
      body?: unknown,
      contentType?: string,
    ): Promise<Response> {
      return fetch(`${cluster.url}${apiPath}`, {
        method,
        headers: {
          ...headers,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
  };
}

/** A MachineConfigPool as the cluster has it now, read as admin; undefined when missing. */
export async function machineConfigPool(
  cluster: EmbeddedCluster,
  name: string,
): Promise<any> {
  return adminApi(cluster).get(
    `/apis/machineconfiguration.openshift.io/v1/machineconfigpools/${name}`,
  );
}

const SNAPSHOT_PATHS = [
  '/apis/machineconfiguration.openshift.io/v1/machineconfigs',
  '/apis/machineconfiguration.openshift.io/v1/machineconfigpools',
  '/api/v1/nodes',
];

/**
 * Names and resourceVersions of everything the actions may write, to assert that a failed or
 * refused action left the cluster unchanged.
 */
export async function snapshotCluster(
  cluster: EmbeddedCluster,
): Promise<string[]> {
  await cluster.settle();
  const api = adminApi(cluster);
  const paths = [...SNAPSHOT_PATHS];
  for (const version of ['v1', 'v1alpha1']) {
    const group = await api.get(
      `/apis/machineconfiguration.openshift.io/${version}`,
    );
    if (
      group?.resources?.some(
        (r: { name: string }) => r.name === 'machineosconfigs',
      )
    ) {
      paths.push(
        `/apis/machineconfiguration.openshift.io/${version}/machineosconfigs`,
      );
      paths.push(
        `/apis/machineconfiguration.openshift.io/${version}/machineosbuilds`,
      );
    }
  }
  const entries: string[] = [];
  for (const p of paths) {
    const list = await api.get(p);
    for (const item of list?.items ?? []) {
      entries.push(
        `${item.kind ?? p}/${item.metadata.name}@${
          item.metadata.resourceVersion
        }`,
      );
    }
  }
  return entries.sort();
}
