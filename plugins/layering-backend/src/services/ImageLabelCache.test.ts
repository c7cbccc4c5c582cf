import { mockServices } from '@backstage/backend-test-utils';
import { ImageLabelCache, ImageLabelSource } from './ImageLabelCache';

const BY_DIGEST = `quay.io/rhcos@sha256:${'a'.repeat(64)}`;
const RELEASE = `quay.io/release@sha256:${'b'.repeat(64)}`;
const BUILD = '418.94.202507221249-0';

function settle() {
  return new Promise(resolve => setImmediate(resolve));
}

describe('ImageLabelCache', () => {
  it('reads an image once, in the background, and rebuilds the views when the answer is in', async () => {
    const source: ImageLabelSource = {
      getImageLabels: jest.fn(async () => ({ 'org.opencontainers.image.version': BUILD })),
    };
    const onResolved = jest.fn();
    const cache = new ImageLabelCache({ source, logger: mockServices.logger.mock(), onResolved });
    expect(cache.rhcosOfImage(BY_DIGEST)).toBeUndefined();
    expect(cache.rhcosOfImage(BY_DIGEST)).toBeUndefined();
    await settle();
    expect(onResolved).toHaveBeenCalledTimes(1);
    expect(cache.rhcosOfImage(BY_DIGEST)).toBe(BUILD);
    expect(source.getImageLabels).toHaveBeenCalledTimes(1);
  });

  it('answers null for a failed read and retries it later, without the error escaping', async () => {
    const getImageLabels = jest
      .fn<Promise<Record<string, string> | undefined>, [string]>()
      .mockRejectedValueOnce(new Error('registry down'))
      .mockResolvedValueOnce({ version: BUILD });
    const logger = mockServices.logger.mock();
    const cache = new ImageLabelCache({
      source: { getImageLabels },
      logger,
      onResolved: () => {},
      retryMs: 0,
    });
    cache.rhcosOfImage(BY_DIGEST);
    await settle();
    expect(logger.warn).toHaveBeenCalledWith(
      'Cannot read image labels from the registry',
      expect.objectContaining({ image: BY_DIGEST, error: 'registry down' }),
    );
    // Expired at once (retryMs 0): asked again, the old answer stands until the new one is in.
    expect(cache.rhcosOfImage(BY_DIGEST)).toBeNull();
    await settle();
    expect(cache.rhcosOfImage(BY_DIGEST)).toBe(BUILD);
  });

  it('resolves a release through its rhel-coreos image', async () => {
    const source: ImageLabelSource = {
      getImageLabels: async image => (image === BY_DIGEST ? { version: BUILD } : undefined),
      getReleaseRhcosImage: async release => (release === RELEASE ? BY_DIGEST : undefined),
    };
    const cache = new ImageLabelCache({ source, logger: mockServices.logger.mock(), onResolved: () => {} });
    expect(cache.rhcosOfRelease(RELEASE)).toBeUndefined();
    await settle();
    expect(cache.rhcosOfRelease(RELEASE)).toBeUndefined(); // the image's labels are now asked for
    await settle();
    expect(cache.rhcosOfRelease(RELEASE)).toBe(BUILD);
  });

  it('keeps at most maxEntries images, dropping the least recently used', async () => {
    const getImageLabels = jest.fn(async () => ({ version: BUILD }));
    const cache = new ImageLabelCache({
      source: { getImageLabels },
      logger: mockServices.logger.mock(),
      onResolved: () => {},
      maxEntries: 2,
    });
    const image = (n: number) => `quay.io/x@sha256:${String(n).repeat(64)}`;
    cache.rhcosOfImage(image(1));
    cache.rhcosOfImage(image(2));
    await settle();
    cache.rhcosOfImage(image(1)); // 1 is now the most recent
    cache.rhcosOfImage(image(3)); // evicts 2
    await settle();
    expect(cache.rhcosOfImage(image(1))).toBe(BUILD);
    expect(cache.rhcosOfImage(image(2))).toBeUndefined();
    expect(getImageLabels).toHaveBeenCalledTimes(4);
  });
});
