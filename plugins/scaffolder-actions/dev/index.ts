/*
 * Runs the scaffolder with only the layering actions, against the embedded cluster:
 *
 *   yarn --cwd ../../packages/embedded-cluster cluster --state states/ocp-418 --port 6442
 *   LAYERING_EMBEDDED_TOKEN=<admin token it prints> yarn start
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
                name: 'ocp-418',
                url: process.env.LAYERING_CLUSTER_URL ?? 'http://127.0.0.1:6442',
                authProvider: 'serviceAccount',
                serviceAccountToken: process.env.LAYERING_EMBEDDED_TOKEN ?? '',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    },
  }),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('../src'));

backend.start();
