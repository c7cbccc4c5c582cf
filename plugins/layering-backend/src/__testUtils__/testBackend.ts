import {
  createServiceFactory,
  resolvePackagePath,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  signalsServiceRef,
  type SignalPayload,
} from '@backstage/plugin-signals-node';
import type { JsonObject } from '@backstage/types';
import {
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import { layeringPlugin } from '../plugin';

/**
 * Retries `check` every 100 ms until it stops throwing and returns what it returned; after
 * `attempts` tries it rethrows the last failure, so the test fails with the last unmet expectation.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  attempts = 900,
): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
  throw lastError;
}

/**
 * Starts an embedded cluster named `name` from one of the states the embedded-openshift package
 * ships (`ocp-418`, the sample scenario, unless told otherwise), its controllers acting at once.
 */
export function startSampleCluster(
  name: string,
  state = 'ocp-418',
): Promise<EmbeddedCluster> {
  return startEmbeddedCluster({
    name,
    stateDir: resolvePackagePath(
      '@rhcos-layering/embedded-openshift',
      `states/${state}`,
    ),
    speed: 0,
  });
}

/**
 * A `kubernetes.clusterLocatorMethods` cluster entry that reaches an embedded cluster over plain
 * HTTP with a service account token.
 */
export function embeddedClusterConfig(
  cluster: EmbeddedCluster,
  name: string,
  token: string,
) {
  return {
    name,
    url: cluster.url,
    authProvider: 'serviceAccount',
    serviceAccountToken: token,
    skipTLSVerify: true,
  };
}

/**
 * `layering.registries` reading every image from the embedded cluster's registry, which serves
 * made-up digests for the images of its states: content is not checked against them.
 */
export function embeddedRegistries(cluster: EmbeddedCluster) {
  return [
    {
      host: '*',
      mirror: cluster.registryUrl,
      dangerouslySkipDigestVerification: true,
    },
  ];
}

/**
 * Starts a test backend with the layering plugin and `config` as its root config. Signals the
 * plugin publishes are pushed onto `published` when given, else dropped; `features` adds or
 * replaces services (a logger mock, a fleet the test keeps a handle on).
 */
export function startLayeringBackend(options: {
  config: JsonObject;
  published?: SignalPayload[];
  features?: BackendFeature[];
}) {
  const { config, published, features = [] } = options;
  return startTestBackend({
    features: [
      layeringPlugin,
      mockServices.rootConfig.factory({ data: config }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: SignalPayload) => {
            published?.push(signal);
          },
        }),
      }),
      ...features,
    ],
  });
}
