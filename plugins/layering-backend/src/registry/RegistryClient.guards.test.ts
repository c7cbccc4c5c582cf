import { fetch as undiciFetch } from 'undici';
import { RegistryClient } from './RegistryClient';
import type { RegistryFetch } from './types';
import { expectRegistryError, useTestRegistries } from './__testUtils__/registryTests';
import { buildImage } from './__testUtils__/images';

// What RegistryClient refuses or limits: redirects, private addresses, time, size and bad URLs.
describe('RegistryClient (guards)', () => {
  const start = useTestRegistries();

  it('follows blob redirects and drops credentials when they leave the registry', async () => {
    const cdn = await start();
    const registry = await start({
      auth: 'basic',
      username: 'u',
      password: 'p',
      redirectBlobsTo: 'https://cdn.example.test',
    });
    const image = buildImage({ redirected: 'true' });
    registry.addImage('org/img', 'v1', image);
    cdn.addImage('org/img', null, image);
    // The CDN's public name stands for the internet: this fetch serves it from
    // the local test server, bypassing the client's dispatcher.
    const dispatchers = new Map<string, unknown>();
    const routedFetch: RegistryFetch = (url, init) => {
      dispatchers.set(url.host, init.dispatcher);
      if (url.host === 'cdn.example.test') {
        const { dispatcher: _internet, ...rest } = init;
        return undiciFetch(`${cdn.url}${url.pathname}`, rest);
      }
      return undiciFetch(url, init);
    };
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'u', password: 'p' },
        },
      ],
      fetch: routedFetch,
    });
    await expect(client.getImageLabels('quay.io/org/img:v1')).resolves.toEqual({
      redirected: 'true',
    });
    expect(cdn.requests.map(r => r.path)).toEqual([
      `/cdn/${image.config.digest}`,
    ]);
    expect(cdn.requests[0].authorization).toBeUndefined();
    // The hop off the mirror went out through the checking dispatcher, not the mirror's.
    expect(dispatchers.get('cdn.example.test')).toBeDefined();
    expect(dispatchers.get('cdn.example.test')).not.toBe(
      dispatchers.get(new URL(registry.url).host),
    );
  });

  it('refuses a redirect to a private address', async () => {
    const registry = await start({ redirectBlobsTo: 'http://127.0.0.2:9' });
    registry.addImage('org/img', 'v1', buildImage({}));
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
    });
    const error = await expectRegistryError(
      client.getImageLabels('quay.io/org/img:v1'),
      'refused-endpoint',
    );
    expect(error.message).toBe(
      "Refusing to connect to 127.0.0.2: it is a loopback address; write it as a mirror under layering.registries (or under the cluster's registries) to allow it.",
    );
  });

  it('refuses a redirect to a name that resolves to loopback when connecting, without credentials in the error', async () => {
    // A server that would answer the blob, on loopback, under a public-looking name.
    const target = await start();
    const image = buildImage({ leaked: 'yes' });
    target.addImage('org/img', null, image);
    const port = new URL(target.url).port;
    const registry = await start({
      auth: 'basic',
      username: 'reader',
      password: 's3cret-redirect',
      redirectBlobsTo: `http://blobs.rebind.example:${port}`,
    });
    registry.addImage('org/img', 'v1', image);
    const asked: string[] = [];
    const client = new RegistryClient({
      registries: [
        {
          host: 'quay.io',
          mirror: registry.url,
          auth: { username: 'reader', password: 's3cret-redirect' },
        },
      ],
      lookup: async host => {
        asked.push(host);
        return ['127.0.0.1'];
      },
    });
    const error = await expectRegistryError(
      client.getImageLabels('quay.io/org/img:v1'),
      'refused-endpoint',
    );
    expect(error.message).toBe(
      "Refusing to connect to blobs.rebind.example: it resolved to 127.0.0.1, a loopback address; write it as a mirror under layering.registries (or under the cluster's registries) to allow it.",
    );
    expect(JSON.stringify(error)).not.toContain('s3cret-redirect');
    expect(error.message).not.toContain('reader');
    // Resolved once, by the connection itself; no socket reached the server.
    expect(asked).toEqual(['blobs.rebind.example']);
    expect(target.connections).toBe(0);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses endpoints on loopback, private or metadata addresses unless they are a configured mirror', async () => {
    const registry = await start();
    registry.addImage('org/img', 'v1', buildImage({}));
    const host = new URL(registry.url).host;
    const noMirror = new RegistryClient({ registries: [] });
    await expect(
      noMirror.getImageLabels(`${host}/org/img:v1`),
    ).rejects.toMatchObject({ code: 'refused-endpoint' });
    await expect(
      noMirror.getImageLabels('169.254.169.254/latest/meta:v1'),
    ).rejects.toMatchObject({ code: 'refused-endpoint' });
    await expect(
      noMirror.getImageLabels('localhost:5000/org/img:v1'),
    ).rejects.toMatchObject({ code: 'refused-endpoint' });
    expect(registry.requests).toHaveLength(0);

    const resolvesPrivate = new RegistryClient({
      registries: [],
      lookup: async () => ['203.0.113.5', '10.1.2.3'],
    });
    const error = await expectRegistryError(
      resolvesPrivate.getImageLabels('registry.corp.example/org/img:v1'),
      'refused-endpoint',
    );
    expect(error.message).toMatch(
      /^Refusing to connect to registry\.corp\.example: it resolved to 10\.1\.2\.3, a private address;/,
    );

    // Written explicitly as a mirror, the same loopback endpoint is fine.
    const mirrored = new RegistryClient({
      registries: [{ host, mirror: registry.url }],
    });
    await expect(
      mirrored.getImageLabels(`${host}/org/img:v1`),
    ).resolves.toEqual({});
  });

  it('times out', async () => {
    const registry = await start({ hang: ['/v2/org/slow/'] });
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
      requestTimeoutMs: 200,
    });
    await expect(
      client.getImageLabels('quay.io/org/slow:v1'),
    ).rejects.toMatchObject({ code: 'timeout' });
  });

  it('limits the size of what it reads', async () => {
    const registry = await start();
    registry.addImage('org/big', 'v1', buildImage({ big: 'x'.repeat(5000) }));
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: registry.url }],
      maxConfigBytes: 1024,
    });
    await expect(
      client.getImageLabels('quay.io/org/big:v1'),
    ).rejects.toMatchObject({ code: 'too-large' });
  });

  it('reports unreachable endpoints and invalid references', async () => {
    const client = new RegistryClient({
      registries: [{ host: 'quay.io', mirror: 'http://127.0.0.1:9' }],
    });
    const error = await expectRegistryError(
      client.getImageLabels('quay.io/org/img:v1'),
      'network',
    );
    expect(error.message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9/);
    await expect(
      client.getImageLabels('Not A Reference'),
    ).rejects.toMatchObject({ code: 'invalid-reference' });
  });

  it('refuses mirror URLs with credentials or other schemes', () => {
    expect(
      () =>
        new RegistryClient({
          registries: [
            { host: '*', mirror: 'https://user:pw@mirror.example.com' },
          ],
        }),
    ).toThrow(/credentials in its URL/);
    expect(
      () =>
        new RegistryClient({
          registries: [{ host: '*', mirror: 'ftp://mirror.example.com' }],
        }),
    ).toThrow(/http or https/);
    expect(
      () =>
        new RegistryClient({
          registries: [{ host: '*', mirror: 'not a url' }],
        }),
    ).toThrow(/not a valid URL/);
  });
});
