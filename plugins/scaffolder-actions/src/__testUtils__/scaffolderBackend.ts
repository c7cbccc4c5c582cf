import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';

/**
 * The part of a Backstage app-config that points the kubernetes config at the embedded cluster
 * (read with its read-only token) and gives the actions a writer (by default its admin token),
 * with the backend on a free port; for `mockServices.rootConfig.factory({ data })`. `writer: null`
 * leaves the writer out.
 */
export function backendConfigFor(
  cluster: EmbeddedCluster,
  options: { writer?: Record<string, string> | null } = {},
) {
  const writer =
    options.writer === undefined ? { serviceAccountToken: cluster.tokens.admin } : options.writer;
  return {
    backend: { baseUrl: 'http://localhost:7007', listen: { port: 0 } },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'ocp-418',
              url: cluster.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: cluster.tokens.readOnly,
              skipTLSVerify: true,
            },
          ],
        },
      ],
    },
    ...(writer ? { layering: { clusters: { options: { 'ocp-418': { writer } } } } } : {}),
  };
}

/** A Template entity named `name` (namespace default) that runs `steps`, for the scaffolder API. */
export function templateEntity(name: string, steps: object[]) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:default/platform',
      type: 'service',
      parameters: [],
      steps,
    },
  };
}
