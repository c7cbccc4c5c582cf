/*
 * Runs the scaffolder with only the layering actions, against an embedded cluster this entry point
 * starts (a dev dependency; the module itself never starts one): `yarn start`. The actions read
 * with the cluster's read-only token and write with its admin token (development only; the portal
 * uses the writer service account of deploy/rbac/).
 *
 * Then, for example:
 *
 *   curl -s localhost:7007/api/scaffolder/v2/actions | jq '.[].id | select(startswith("layering:"))'
 *   curl -s -X POST localhost:7007/api/scaffolder/v2/dry-run -H 'content-type: application/json' \
 *     -d '{"template":{"apiVersion":"scaffolder.backstage.io/v1beta3","kind":"Template",
 *          "metadata":{"name":"try"},"spec":{"steps":[{"id":"compose",
 *          "action":"layering:containerfile:compose",
 *          "input":{"cluster":"ocp-418","mode":"on-cluster","packages":["tmux"]}}]}},
 *          "values":{},"directoryContents":[]}' | jq .output
 *
 * The dev backend allows every permission and has no layering backend: request records fail
 * with a clear error (the layering backend plugin is wired in packages/backend).
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { startEmbeddedCluster } from '@rhcos-layering/embedded-openshift';

async function main() {
  const cluster = await startEmbeddedCluster({
    name: 'ocp-418',
    stateDir: resolvePackagePath('@rhcos-layering/embedded-openshift', 'states/ocp-418'),
    speed: 1,
  });
  const backend = createBackend();
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }));
  backend.add(catalogServiceMock.factory({ entities: [] }));
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
                  url: cluster.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.tokens.readOnly,
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
        layering: {
          clusters: {
            options: { [cluster.name]: { writer: { serviceAccountToken: cluster.tokens.admin } } },
          },
        },
      },
    }),
  );
  backend.add(import('@backstage/plugin-scaffolder-backend'));
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
