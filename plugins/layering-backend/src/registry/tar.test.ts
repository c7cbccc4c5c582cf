import { findTarEntry } from './tar';
import { makeTar } from './__testUtils__/images';

describe('findTarEntry', () => {
  const archive = makeTar({
    './release-manifests/0000_00_a.yaml': 'a: 1\n',
    './release-manifests/image-references': '{"kind":"ImageStream"}',
    'other/file': 'x'.repeat(700),
  });

  it('finds a file with or without a leading ./', () => {
    expect(
      findTarEntry(archive, 'release-manifests/image-references')?.toString(),
    ).toBe('{"kind":"ImageStream"}');
    expect(findTarEntry(archive, 'other/file')?.length).toBe(700);
  });

  it('returns undefined for missing files and truncated archives', () => {
    expect(findTarEntry(archive, 'nope')).toBeUndefined();
    expect(
      findTarEntry(archive.subarray(0, 600), 'other/file'),
    ).toBeUndefined();
    expect(findTarEntry(Buffer.alloc(0), 'x')).toBeUndefined();
  });
});
