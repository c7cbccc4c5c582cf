import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  imageOsFromLabels,
  rhcosVersionFromLabels,
  type ImageOsFacts,
} from '@rhcos-layering/plugin-layering-common';
import type { ImageFacts } from './viewBuilder';

/** The part of the registry client the label cache uses. */
export interface ImageLabelSource {
  getImageLabels(reference: string): Promise<Record<string, string> | undefined>;
  /** The `rhel-coreos` image a release payload references, when the registry can tell. */
  getReleaseRhcosImage?(releaseImage: string): Promise<string | undefined>;
}

interface Entry {
  /** RHCOS build from the labels; null when the image has none or cannot be read. */
  value: string | null | undefined;
  /** Epoch ms after which a failed or tag-based lookup is tried again. */
  expires: number;
  pending?: Promise<void>;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Image facts for the view builder, read from the registries once and kept.
 *
 * @remarks
 * Images by digest never change, so their answers are kept until the cache
 * is full (least recently used entries go first); tag references and failed
 * lookups are retried after a while. Lookups run in the background: a view
 * built before the answer arrives reports the base as unknown, and
 * `onResolved` asks for the views to be rebuilt once it is in.
 */
export class ImageLabelCache implements ImageFacts {
  readonly #source: ImageLabelSource;
  readonly #logger: LoggerService;
  readonly #onResolved: () => void;
  readonly #images = new Map<string, Entry>();
  readonly #releases = new Map<string, Entry>();
  /** OS name and OCP release of the images in #images, from the same label reads. */
  readonly #imageOs = new Map<string, ImageOsFacts>();
  readonly #maxEntries: number;
  readonly #retryMs: number;
  #lookups = 0;

  constructor(options: {
    source: ImageLabelSource;
    logger: LoggerService;
    onResolved(): void;
    maxEntries?: number;
    retryMs?: number;
  }) {
    this.#source = options.source;
    this.#logger = options.logger;
    this.#onResolved = options.onResolved;
    this.#maxEntries = options.maxEntries ?? 5000;
    this.#retryMs = options.retryMs ?? 60_000;
  }

  /** Registry lookups made so far. */
  get lookups(): number {
    return this.#lookups;
  }

  rhcosOfImage(image: string): string | null | undefined {
    return this.#get(this.#images, image, async () => {
      const labels = await this.#source.getImageLabels(image);
      this.#imageOs.delete(image);
      if (labels) this.#imageOs.set(image, imageOsFromLabels(labels));
      while (this.#imageOs.size > this.#maxEntries) {
        this.#imageOs.delete(this.#imageOs.keys().next().value as string);
      }
      return labels ? rhcosVersionFromLabels(labels) : null;
    });
  }

  osOfImage(image: string): ImageOsFacts | null | undefined {
    const build = this.rhcosOfImage(image);
    if (build === undefined && !this.#imageOs.has(image)) return undefined;
    return this.#imageOs.get(image) ?? null;
  }

  rhcosOfRelease(releaseImage: string): string | null | undefined {
    const resolve = this.#source.getReleaseRhcosImage?.bind(this.#source);
    if (!resolve) {
      return null;
    }
    const rhcosImage = this.#get(this.#releases, releaseImage, async () => {
      const image = await resolve(releaseImage);
      return image ?? null;
    });
    if (!rhcosImage) {
      return rhcosImage;
    }
    return this.rhcosOfImage(rhcosImage);
  }

  #get(
    map: Map<string, Entry>,
    key: string,
    lookup: () => Promise<string | null>,
  ): string | null | undefined {
    const now = Date.now();
    const entry = map.get(key);
    if (entry) {
      // Refresh the LRU position.
      map.delete(key);
      map.set(key, entry);
      if (entry.pending || entry.expires > now) {
        return entry.value;
      }
    }
    const next: Entry = { value: entry?.value, expires: Infinity };
    this.#lookups += 1;
    next.pending = lookup()
      .then(value => {
        next.value = value;
        next.expires = value !== null && DIGEST.test(key) ? Infinity : Date.now() + this.#retryMs;
      })
      .catch(error => {
        next.value = null;
        next.expires = Date.now() + this.#retryMs;
        this.#logger.warn('Cannot read image labels from the registry', {
          image: key,
          error: (error as Error).message,
        });
      })
      .finally(() => {
        next.pending = undefined;
        this.#onResolved();
      });
    map.set(key, next);
    while (map.size > this.#maxEntries) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
    return next.value;
  }
}
