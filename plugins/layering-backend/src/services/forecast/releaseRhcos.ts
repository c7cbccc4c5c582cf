import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { assertError } from '@backstage/errors';
import { rhcosVersionFromLabels } from '@rhcos-layering/plugin-layering-common';
import type { LayeringClustersService } from '@rhcos-layering/plugin-layering-node';
import { readGlobalRegistries, type RegistryConfigEntry } from '../../kubernetes/clusterConfig';
import { RegistryClient } from '../../registry';

/** The RHCOS of a release payload, as far as the registries could tell. */
export interface ReleaseRhcos {
  /** The payload's `rhel-coreos` image; null when the payload could not be read. */
  rhcosImage: string | null;
  /** The RHCOS build of that image (its labels); null when unknown. */
  rhcosVersion: string | null;
  /** Why the answer is incomplete, in words safe to show (no credentials). */
  problem?: string;
}

/** Reads the RHCOS of a release payload through a cluster's registries and mirrors. */
export interface ReleaseRhcosReader {
  read(cluster: string, releaseImage: string): Promise<ReleaseRhcos>;
}

/** The part of the registry client the reader uses (tests give their own). */
export interface ReleaseRegistry {
  getReleaseRhcosImage(releaseImage: string): Promise<string | undefined>;
  getImageLabels(reference: string): Promise<Record<string, string> | undefined>;
}

/**
 * A {@link ReleaseRhcosReader} over the registries the fleet reads images with: the cluster's own
 * `registries`, then `layering.registries`. Clients are shared by clusters with the same
 * registries, so their caches are too; the cluster list is asked for again after `refreshMs`.
 */
export class RegistryReleaseRhcosReader implements ReleaseRhcosReader {
  readonly #clusters: LayeringClustersService;
  readonly #global: RegistryConfigEntry[];
  readonly #logger: LoggerService;
  readonly #refreshMs: number;
  readonly #createClient: (registries: RegistryConfigEntry[]) => ReleaseRegistry;
  readonly #clients = new Map<string, ReleaseRegistry>();
  #specs: Promise<Map<string, RegistryConfigEntry[]>> | undefined;
  #specsAt = 0;

  constructor(options: {
    config: Config;
    clusters: LayeringClustersService;
    logger: LoggerService;
    refreshMs?: number;
    createClient?(registries: RegistryConfigEntry[]): ReleaseRegistry;
  }) {
    this.#clusters = options.clusters;
    this.#global = readGlobalRegistries(options.config);
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#createClient =
      options.createClient ??
      (registries => new RegistryClient({ registries, logger: options.logger }));
  }

  async #registriesOf(cluster: string): Promise<RegistryConfigEntry[]> {
    if (!this.#specs || Date.now() - this.#specsAt > this.#refreshMs) {
      this.#specsAt = Date.now();
      this.#specs = this.#clusters
        .getClusters()
        .then(specs => new Map(specs.map(spec => [spec.name, spec.registries])))
        .catch(error => {
          assertError(error);
          this.#logger.warn('Cannot list the clusters for their registries', error);
          this.#specs = undefined;
          return new Map<string, RegistryConfigEntry[]>();
        });
    }
    const own = (await this.#specs).get(cluster) ?? [];
    return [...own, ...this.#global];
  }

  async read(cluster: string, releaseImage: string): Promise<ReleaseRhcos> {
    const registries = await this.#registriesOf(cluster);
    const key = JSON.stringify(registries);
    let client = this.#clients.get(key);
    if (!client) {
      client = this.#createClient(registries);
      this.#clients.set(key, client);
    }
    return readReleaseRhcos(client, releaseImage, this.#logger.child({ cluster }));
  }
}

/** Reads the payload's `rhel-coreos` reference, then that image's labels. Never throws. */
export async function readReleaseRhcos(
  registry: ReleaseRegistry,
  releaseImage: string,
  logger: LoggerService,
): Promise<ReleaseRhcos> {
  let rhcosImage: string | null = null;
  try {
    rhcosImage = (await registry.getReleaseRhcosImage(releaseImage)) ?? null;
    if (!rhcosImage) {
      return {
        rhcosImage: null,
        rhcosVersion: null,
        problem: `The registry does not serve the release payload ${releaseImage}, or it names no rhel-coreos image.`,
      };
    }
    const labels = await registry.getImageLabels(rhcosImage);
    const rhcosVersion = rhcosVersionFromLabels(labels);
    return rhcosVersion
      ? { rhcosImage, rhcosVersion }
      : {
          rhcosImage,
          rhcosVersion: null,
          problem: `The rhel-coreos image ${rhcosImage} of the release has no RHCOS version label.`,
        };
  } catch (error) {
    assertError(error);
    // Registry errors name the image and endpoint, never credentials.
    logger.warn('Cannot read the release payload for the forecast', {
      image: releaseImage,
      error: error.message,
    });
    return {
      rhcosImage,
      rhcosVersion: null,
      problem: `Cannot read the release payload ${releaseImage}: ${error.message}`,
    };
  }
}
