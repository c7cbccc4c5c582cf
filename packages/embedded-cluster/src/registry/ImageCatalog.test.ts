import { createHash } from 'node:crypto';
import { InMemoryImageCatalog, parseImageReference } from './ImageCatalog';

const BASE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

describe('InMemoryImageCatalog', () => {
  it('inherits labels from the base unless overridden', () => {
    const catalog = new InMemoryImageCatalog();
    catalog.add({
      image: BASE,
      labels: { version: '418.94', 'containers.bootc': '1' },
    });
    const child = catalog.add({
      image: `registry.example.com/os/custom@sha256:${'a'.repeat(64)}`,
      base: BASE,
      labels: { version: 'custom' },
    });
    expect(child.labels).toEqual({
      version: 'custom',
      'containers.bootc': '1',
    });
    expect(catalog.resolve(child.image)?.base).toBe(BASE);
    expect(
      catalog.resolve(
        `registry.example.com/os/custom@sha256:${'b'.repeat(64)}`,
      ),
    ).toBeUndefined();
  });

  it('gives images added without a digest the digest of their manifest, and resolves tags', () => {
    const catalog = new InMemoryImageCatalog();
    const built = catalog.add({
      image: '127.0.0.1:6442/os/infra:infra-build',
      labels: { a: 'b' },
    });
    const content = catalog.content(built.image, 'oci')!;
    const hash = `sha256:${createHash('sha256')
      .update(content.manifest)
      .digest('hex')}`;
    expect(built.image).toBe(`127.0.0.1:6442/os/infra@${hash}`);
    expect(catalog.resolve('127.0.0.1:6442/os/infra:infra-build')?.image).toBe(
      built.image,
    );
    expect(catalog.remove('127.0.0.1:6442/os/infra:infra-build')).toBe(true);
    expect(catalog.list()).toEqual([]);
  });

  it('parses references', () => {
    expect(parseImageReference('host:5000/a/b:tag')).toEqual({
      repository: 'host:5000/a/b',
      tag: 'tag',
      digest: undefined,
    });
    expect(parseImageReference('host/a@sha256:123')).toBeUndefined();
  });
});
