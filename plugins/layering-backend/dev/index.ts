/*
 * Runs the layering backend alone: `yarn start` in plugins/layering-backend.
 *
 * The plugin never starts a cluster itself; this development entry point starts the embedded
 * OpenShift cluster (a dev dependency) with its sample 4.18.21 state, and configures it as the
 * only cluster, read with its read-only token over TLS verified by its own CA.
 * Authentication is mocked: every request without a token acts as user:default/mock.
 *
 *   curl http://localhost:7007/api/layering/health
 *   curl http://localhost:7007/api/layering/clusters
 *   curl http://localhost:7007/api/layering/clusters/embedded/pools/worker
 *   curl 'http://localhost:7007/api/layering/pools?drift=behind'
 *   curl http://localhost:7007/api/layering/clusters/embedded/release
 */
import { createBackend } from '@backstage/backend-defaults';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { startEmbeddedCluster } from '@rhcos-layering/embedded-openshift';

async function main() {
  const cluster = await startEmbeddedCluster({
    name: 'embedded',
    stateDir: resolvePackagePath('@rhcos-layering/embedded-openshift', 'states/ocp-418'),
    speed: 1,
  });
  const backend = createBackend();
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: { baseUrl: 'http://localhost:7007', listen: { port: 7007 } },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: cluster.name,
                  url: cluster.httpsUrl ?? cluster.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.tokens.readOnly,
                  ...(cluster.caCertificate
                    ? { caData: Buffer.from(cluster.caCertificate).toString('base64') }
                    : { skipTLSVerify: true }),
                },
              ],
            },
          ],
        },
        layering: {
          // The sample images carry made-up digests, which the embedded registry serves as declared.
          registries: [
            { host: '*', mirror: cluster.registryUrl, dangerouslySkipDigestVerification: true },
          ],
        },
      },
    }),
  );
  backend.add(import('../src'));
  await backend.start();
  const stop = () => cluster.stop().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
