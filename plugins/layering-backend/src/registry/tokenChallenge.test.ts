import { fetch as undiciFetch } from 'undici';
import { RegistryClient } from './RegistryClient';
import { RegistryError, type RegistryFetch } from './types';
import type { TestRegistryOptions } from './__testUtils__/TestRegistry';
import { useTestRegistries } from './__testUtils__/registryTests';
import { buildImage } from './__testUtils__/images';

const FOREIGN_REALM = 'https://auth.example.test/token';

describe('token challenge: where Basic credentials may go', () => {
  const start = useTestRegistries();

  /**
   * A bearer registry whose challenge names a realm on another host; that
   * host stands for the internet and is served by the same test server.
   */
  async function foreignRealmRegistry(options: TestRegistryOptions) {
    const registry = await start({
      auth: 'bearer',
      username: 'reader',
      password: 's3cret-realm',
      realm: FOREIGN_REALM,
      ...options,
    });
    registry.addImage('org/img', 'v1', buildImage({ public: 'yes' }));
    const fetch: RegistryFetch = (url, init) => {
      if (url.host === 'auth.example.test') {
        const { dispatcher: _internet, ...rest } = init;
        return undiciFetch(`${registry.url}${url.pathname}${url.search}`, rest);
      }
      return undiciFetch(url, init);
    };
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'reader', password: 's3cret-realm' },
        },
      ],
      fetch,
    });
    return { registry, client };
  }

  it('asks a realm on another host for an anonymous token, without the credentials', async () => {
    const { registry, client } = await foreignRealmRegistry({
      anonymousTokens: true,
    });
    await expect(client.getImageLabels('quay.io/org/img:v1')).resolves.toEqual({
      public: 'yes',
    });
    expect(registry.tokenRequests).toHaveLength(1);
    expect(registry.tokenRequests[0].authorization).toBeUndefined();
    expect(new URL(registry.tokenRequests[0].path, FOREIGN_REALM).searchParams.get('scope')).toBe(
      'repository:org/img:pull',
    );
  });

  it('refuses clearly when that realm wants credentials, without revealing them', async () => {
    const { registry, client } = await foreignRealmRegistry({
      anonymousTokens: false,
    });
    const error = await client.getImageLabels('quay.io/org/img:v1').then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toBe(
      `The token service of quay.io/org/img:v1 (via ${registry.url}) is on another host (auth.example.test); credentials are sent only to a token service on the registry's own host, and it refused an anonymous token (HTTP 401).`,
    );
    expect(JSON.stringify(error)).not.toContain('s3cret-realm');
    expect(registry.tokenRequests.map(r => r.authorization)).toEqual([undefined]);
  });

  it('still sends the credentials to a realm on the registry host itself', async () => {
    const registry = await start({
      auth: 'bearer',
      username: 'reader',
      password: 's3cret-realm',
    });
    registry.addImage('org/img', 'v1', buildImage({ private: 'yes' }));
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'reader', password: 's3cret-realm' },
        },
      ],
    });
    await expect(client.getImageLabels('quay.io/org/img:v1')).resolves.toEqual({
      private: 'yes',
    });
    expect(registry.tokenRequests[0].authorization).toMatch(/^Basic /);
  });
});
