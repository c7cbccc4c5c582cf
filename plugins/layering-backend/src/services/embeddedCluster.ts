import { LoggerService, resolvePackagePath } from '@backstage/backend-plugin-api';
import type { ClusterSpec, RegistryConfigEntry } from '../kubernetes/clusterConfig';
import { loadEmbeddedOpenshift } from './loadEmbeddedOpenshift';

/** The sample state bundled with the embedded cluster (the shared 4.18.21 scenario). */
const SAMPLE_STATE = 'states/ocp-418';

/**
 * Starts the embedded OpenShift cluster in-process with its bundled sample
 * state, for development when no cluster is configured. Its registry is
 * configured as the mirror of every host, as a registries.conf mirror would be.
 */
export async function startEmbeddedDefault(logger: LoggerService): Promise<{
  spec: ClusterSpec;
  registries: RegistryConfigEntry[];
  stop(): Promise<void>;
}> {
  const { startEmbeddedCluster } = await loadEmbeddedOpenshift();
  const stateDir = resolvePackagePath('@rhcos-layering/embedded-openshift', SAMPLE_STATE);
  const cluster = await startEmbeddedCluster({ name: 'embedded', stateDir, speed: 1 });
  logger.warn(
    'No cluster is configured under kubernetes.clusterLocatorMethods: using the embedded OpenShift cluster with its sample state (development only; set layering.embeddedCluster.enabled: false to turn this off)',
    { cluster: cluster.name, url: cluster.url, stateDir },
  );
  return {
    spec: {
      name: cluster.name,
      // Read-only token: the backend only lists and watches.
      token: cluster.tokens.readOnly,
      registries: [],
      // TLS verified with the cluster's own CA when it offers one; otherwise plain HTTP on
      // loopback, which client-node only allows with TLS verification off.
      ...(cluster.httpsUrl && cluster.caCertificate
        ? {
            url: cluster.httpsUrl,
            caData: Buffer.from(cluster.caCertificate).toString('base64'),
            skipTLSVerify: false,
          }
        : { url: cluster.url, skipTLSVerify: true }),
    },
    // The sample images carry made-up digests, which the embedded registry serves as declared.
    registries: [{ host: '*', mirror: cluster.registryUrl, dangerouslySkipDigestVerification: true }],
    stop: () => cluster.stop(),
  };
}
