import { mockServices } from '@backstage/backend-test-utils';
import { ImageLabelCache, ImageLabelSource } from './ImageLabelCache';

const FCOS = `quay.io/fedora/fedora-coreos@sha256:${'f'.repeat(64)}`;
const LAYERED = `registry.example.com/os/infra@sha256:${'c'.repeat(64)}`;

function settle() {
  return new Promise(resolve => setImmediate(resolve));
}

describe('ImageLabelCache.osOfImage', () => {
  it('answers the OS name and OCP release from the same one label read as the build', async () => {
    const source: ImageLabelSource = {
      getImageLabels: jest.fn(async (image: string): Promise<Record<string, string>> =>
        image === FCOS
          ? { 'com.coreos.osname': 'fedora-coreos', version: '42.20250901.3.0' }
          : {
              'com.coreos.osname': 'rhcos',
              'org.opencontainers.image.version': '9.6.20251110-0',
              releaseversion: '4.19.22',
            },
      ),
    };
    const cache = new ImageLabelCache({ source, logger: mockServices.logger.mock(), onResolved: () => {} });
    expect(cache.osOfImage(FCOS)).toBeUndefined();
    expect(cache.osOfImage(LAYERED)).toBeUndefined();
    await settle();
    expect(cache.osOfImage(FCOS)).toEqual({ osName: 'fedora-coreos', ocpVersion: null });
    expect(cache.rhcosOfImage(FCOS)).toBeNull();
    expect(cache.osOfImage(LAYERED)).toEqual({ osName: 'rhcos', ocpVersion: '4.19.22' });
    expect(cache.rhcosOfImage(LAYERED)).toBe('9.6.20251110-0');
    expect(source.getImageLabels).toHaveBeenCalledTimes(2);
  });

  it('is null when the image cannot be read', async () => {
    const cache = new ImageLabelCache({
      source: { getImageLabels: async () => undefined },
      logger: mockServices.logger.mock(),
      onResolved: () => {},
    });
    cache.osOfImage(LAYERED);
    await settle();
    expect(cache.osOfImage(LAYERED)).toBeNull();
  });
});
