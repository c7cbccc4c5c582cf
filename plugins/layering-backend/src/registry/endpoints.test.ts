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

  it('stops the backend at start-up, before any cluster is started, and never shows the secret', async () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'prod', url: 'https://127.0.0.1:1', serviceAccountToken: 'sa' },
            ],
          },
        ],
      },
      layering: {
        clusters: {
          options: {
            prod: { registries: [{ host: '*', auth: { password: 'pw-never-shown', username: 'u' } }] },
          },
        },
      },
    });
    const error = await FleetService.fromConfig(config, mockServices.logger.mock()).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^Invalid configuration at layering\.clusters\.options\.prod\.registries\[0\]\.auth:/,
    );
    expect(error.message).not.toContain('pw-never-shown');
  });
});
