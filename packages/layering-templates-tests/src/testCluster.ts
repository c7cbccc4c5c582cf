import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  startEmbeddedCluster,
  type EmbeddedCluster,
  type ImageRecord,
} from '@rhcos-layering/embedded-openshift';

/** Name the test cluster is configured under (the sample scenario: OCP 4.18.21). */
export const TEST_CLUSTER = 'ocp-418';

/** Secrets the templates' build settings refer to, in openshift-machine-config-operator. */
export const TEST_PUSH_SECRET = 'layering-push';

/**
 * A custom pool with no nodes: the "build first" target of the issue. It selects worker and
 * `edge` MachineConfigs and nodes labelled `node-role.kubernetes.io/edge`, which none are.
 */
export const EMPTY_POOL = 'edge';

/** Every pool of the test cluster. */
export const TEST_POOLS = ['master', 'worker', 'infra', EMPTY_POOL];

const extraObjects = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: TEST_PUSH_SECRET,
      namespace: 'openshift-machine-config-operator',
    },
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
    },
  },
  {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: {
      name: EMPTY_POOL,
      labels: { 'pools.operator.machineconfiguration.openshift.io/edge': '' },
    },
    spec: {
      machineConfigSelector: {
        matchExpressions: [
          {
            key: 'machineconfiguration.openshift.io/role',
            operator: 'In',
            values: ['worker', EMPTY_POOL],
          },
        ],
      },
      nodeSelector: { matchLabels: { 'node-role.kubernetes.io/edge': '' } },
      paused: false,
    },
  },
];

/**
 * Starts the embedded cluster on the sample scenario, or another state of the fleet named after
 * it (master in sync; worker on an
 * out-of-cluster image one release behind; infra paused with an on-cluster image) plus the
 * empty `edge` pool and a push secret, in instant mode on a free port.
 */
export async function startTestCluster(
  options: {
    state?: 'ocp-417' | 'ocp-418' | 'ocp-419';
    /** Images the registry serves besides the state's (e.g. a CI's rebuilt image, by tag). */
    images?: Array<{ image: string; labels?: Record<string, string> }>;
  } = {},
): Promise<EmbeddedCluster> {
  const state = options.state ?? 'ocp-418';
  const cluster = await startEmbeddedCluster({
    name: state === 'ocp-418' ? TEST_CLUSTER : state,
    stateDir: path.join(
      resolvePackagePath('@rhcos-layering/embedded-openshift'),
      'states',
      state,
    ),
    objects: extraObjects,
    // Images given by tag get the digest of their content (ImageCatalog's ImageInput).
    images: options.images as ImageRecord[] | undefined,
    port: 0,
    speed: 0,
  });
  await cluster.settle();
  return cluster;
}

/** Reads the embedded cluster as admin, independently of the code under test. */
export function clusterReader(cluster: EmbeddedCluster) {
  return {
    /** The object at an API path, or undefined when the cluster answers 404. */
    async get<T = any>(apiPath: string): Promise<T | undefined> {
      await cluster.settle();
      const res = await fetch(`${cluster.url}${apiPath}`, {
        headers: { authorization: `Bearer ${cluster.tokens.admin}` },
      });
      if (res.status === 404) {
        return undefined;
      }
      if (!res.ok) {
        throw new Error(`GET ${apiPath} answered ${res.status}`);
      }
      return (await res.json()) as T;
    },
  };
}

/** API path of a MachineConfigPool. */
export const poolPath = (pool: string) =>
  `/apis/machineconfiguration.openshift.io/v1/machineconfigpools/${pool}`;
/** API path of a MachineOSConfig (v1). */
export const machineOSConfigPath = (name: string) =>
  `/apis/machineconfiguration.openshift.io/v1/machineosconfigs/${name}`;
/** API path of a MachineConfig. */
export const machineConfigPath = (name: string) =>
  `/apis/machineconfiguration.openshift.io/v1/machineconfigs/${name}`;
