import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readLayeringActionsConfig } from './config';
import { readClusterConnections } from './kubernetes/clusterConfig';

describe('readLayeringActionsConfig', () => {
  it('has safe defaults', () => {
    expect(readLayeringActionsConfig(new ConfigReader({}))).toEqual({
      fieldManager: 'backstage-layering',
      allowedUrlHosts: [],
      allowedPackages: [],
      allowDegradedOverride: false,
      maxRetries: 3,
      maxRetryAfterMs: 30_000,
      timeouts: { clusterMs: 30_000, forgeMs: 30_000, layeringBackendMs: 15_000 },
    });
  });

  it('reads the time limits of outgoing calls in seconds and refuses unusable ones', () => {
    expect(
      readLayeringActionsConfig(
        new ConfigReader({
          layering: { actions: { timeouts: { clusterSeconds: 0.5, forgeSeconds: 10 } } },
        }),
      ).timeouts,
    ).toEqual({ clusterMs: 500, forgeMs: 10_000, layeringBackendMs: 15_000 });
    expect(() =>
      readLayeringActionsConfig(
        new ConfigReader({ layering: { actions: { timeouts: { layeringBackendSeconds: 0 } } } }),
      ),
    ).toThrow(
      'layering.actions.timeouts.layeringBackendSeconds must be a number of seconds above 0 and at most 3600',
    );
  });

  it('reads layering.actions and refuses unusable values', () => {
    const config = new ConfigReader({
      layering: {
        actions: {
          fieldManager: 'portal',
          allowedUrlHosts: ['mirror.example.com'],
          allowedPackages: ['tmux'],
          allowDegradedOverride: true,
          maxRetries: 1,
          maxRetryAfterSeconds: 5,
        },
      },
    });
    expect(readLayeringActionsConfig(config)).toMatchObject({
      fieldManager: 'portal',
      allowedUrlHosts: ['mirror.example.com'],
      allowDegradedOverride: true,
      maxRetries: 1,
      maxRetryAfterMs: 5000,
    });
    expect(() =>
      readLayeringActionsConfig(new ConfigReader({ layering: { actions: { fieldManager: 'Has Spaces' } } })),
    ).toThrow('layering.actions.fieldManager must be lower-case letters');
    expect(() =>
      readLayeringActionsConfig(new ConfigReader({ layering: { actions: { maxRetries: 50 } } })),
    ).toThrow('layering.actions.maxRetries must be an integer from 0 to 10');
  });
});

describe('readClusterConnections', () => {
  it('reads config-located service account clusters and skips the others with a warning', () => {
    const logger = mockServices.logger.mock();
    const connections = readClusterConnections(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                {
                  name: 'ocp-418',
                  url: 'https://api.example.com:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'token',
                  caData: 'Y2E=',
                },
                { name: 'oidc', url: 'https://x', authProvider: 'oidc' },
              ],
            },
          ],
        },
      }),
      logger,
    );
    expect(connections).toEqual([
      {
        name: 'ocp-418',
        url: 'https://api.example.com:6443',
        serviceAccountToken: 'token',
        caData: 'Y2E=',
        skipTLSVerify: false,
      },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Skipping cluster for layering actions: only the serviceAccount auth provider is supported',
      { cluster: 'oidc', authProvider: 'oidc' },
    );
  });
});
