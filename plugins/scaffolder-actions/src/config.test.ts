import { ConfigReader } from '@backstage/config';
import { readLayeringActionsConfig } from './config';

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
