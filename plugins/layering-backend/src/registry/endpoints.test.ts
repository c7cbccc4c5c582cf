import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { assertRegistryEntries } from './endpoints';
import { RegistryClient } from './RegistryClient';
import { FleetService } from '../services/FleetService';

describe('assertRegistryEntries', () => {
  it('refuses credentials on a "*" entry without a mirror, naming the key', () => {
    expect(() =>
      assertRegistryEntries(
        [
          { host: 'quay.io', auth: { username: 'u', password: 'p' } },
          { host: '*', auth: { token: 'secret-token' } },
        ],
        'layering.registries',
      ),
    ).toThrow(
      new InputError(
        'Invalid configuration at layering.registries[1].auth: credentials for host "*" without a mirror would be sent to every registry an image names; name the registry host, or give the entry a mirror',
      ),
    );
  });

  it('accepts a "*" entry with a mirror or without credentials, and host entries with credentials', () => {
    expect(() =>
      assertRegistryEntries(
        [
          { host: '*', mirror: 'https://mirror.example.com', auth: { token: 't' } },
          { host: '*' },
          { host: 'quay.io', auth: { username: 'u', password: 'p' } },
        ],
        'layering.registries',
      ),
    ).not.toThrow();
  });

  it('is enforced by the client itself', () => {
    expect(
      () =>
        new RegistryClient({
          registries: [{ host: '*', auth: { username: 'u', password: 'p' } }],
        }),
    ).toThrow(/registries\[0\]\.auth: credentials for host "\*" without a mirror/);
  });

  it('stops the backend at start-up, before any cluster is watched, and never shows the secret', async () => {
    const config = new ConfigReader({});
    const clusters = {
      getClusters: async () => [
        {
          name: 'prod',
          url: 'https://127.0.0.1:1',
          skipTLSVerify: false,
          authMetadata: {},
          reader: { type: 'token' as const, token: 'sa' },
          registries: [{ host: '*', auth: { password: 'pw-never-shown', username: 'u' } }],
          source: 'config' as const,
        },
      ],
    };
    const error: unknown = await FleetService.fromClustersService({
      config,
      logger: mockServices.logger.mock(),
      clusters,
    }).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^Invalid configuration at layering\.clusters\.options\.prod\.registries\[0\]\.auth:/,
    );
    expect((error as Error).message).not.toContain('pw-never-shown');

    const globalEntry = new ConfigReader({
      layering: { registries: [{ host: '*', auth: { token: 'never-shown' } }] },
    });
    await expect(
      FleetService.fromClustersService({
        config: globalEntry,
        logger: mockServices.logger.mock(),
        clusters: { getClusters: async () => [] },
      }),
    ).rejects.toThrow(/^Invalid configuration at layering\.registries\[0\]\.auth:/);
  });
});
