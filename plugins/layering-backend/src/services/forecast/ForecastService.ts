import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  buildDurationsMs,
  forecastPool,
  type DriftHistoryEntry,
  type LayeringClusterUpdates,
  type LayeringForecastResponse,
  type LayeringOfferedUpdate,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { layeringClustersServiceRef } from '@rhcos-layering/plugin-layering-node';
import type { LayeringFleetService } from '../fleetTypes';
import { layeringFleetServiceRef } from '../FleetService';
import { RegistryReleaseRhcosReader, type ReleaseRhcosReader } from './releaseRhcos';

/**
 * The upgrade forecast of a cluster's pools.
 *
 * @public
 */
export interface LayeringForecastService {
  /** The updates the cluster is offered; throws `NotFoundError` for an unknown cluster. */
  updates(cluster: string): LayeringClusterUpdates;
  /**
   * What each of `pools` (the pools the caller may read) does if the cluster moves to `to`.
   * Throws `InputError` when `to` is not offered, naming the versions that are.
   */
  forecast(cluster: string, to: string, pools: PoolView[]): Promise<LayeringForecastResponse>;
}

/** Compares dotted versions numerically, part by part (`4.18.9` before `4.18.24`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number(pa[i] ?? 0);
    const y = Number(pb[i] ?? 0);
    if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      const c = (pa[i] ?? '').localeCompare(pb[i] ?? '');
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** Implementation of {@link LayeringForecastService} over the fleet's views and the registries. */
export class ForecastService implements LayeringForecastService {
  readonly #fleet: LayeringFleetService;
  readonly #releases: ReleaseRhcosReader;

  constructor(options: { fleet: LayeringFleetService; releases: ReleaseRhcosReader }) {
    this.#fleet = options.fleet;
    this.#releases = options.releases;
  }

  updates(cluster: string): LayeringClusterUpdates {
    const release = this.#fleet.getRelease(cluster);
    if (!release) {
      throw new NotFoundError(`Cluster "${cluster}" is not configured in this backend`);
    }
    // The release the cluster already runs is no update (a ClusterVersion not yet refreshed by
    // the update service after an upgrade may still list it).
    const updates: LayeringOfferedUpdate[] = (release.updates ?? [])
      .filter(u => u.version !== release.version)
      .sort((a, b) => compareVersions(b.version, a.version));
    return { cluster, current: release.version, updates };
  }

  async forecast(
    cluster: string,
    to: string,
    pools: PoolView[],
  ): Promise<LayeringForecastResponse> {
    const { current, updates } = this.updates(cluster);
    const offered = updates.find(update => update.version === to);
    if (!offered) {
      const names = updates.map(u => (u.conditional ? `${u.version} (conditional)` : u.version));
      throw new InputError(
        names.length
          ? `to: ${to} is not an update cluster "${cluster}" is offered; it is offered ${names.join(', ')}`
          : `to: ${to} is not an update cluster "${cluster}" is offered; its ClusterVersion offers no update (status.availableUpdates and status.conditionalUpdates are empty)`,
      );
    }
    const release = this.#fleet.getRelease(cluster)!;
    const rhcos = await this.#releases.read(cluster, offered.image);
    const history: DriftHistoryEntry[] = release.history.map(entry => ({
      version: entry.version,
      rhcosVersion: entry.rhcosVersion,
      ...(entry.state ? { state: entry.state } : {}),
    }));
    const target = {
      version: offered.version,
      rhcosVersion: rhcos.rhcosVersion,
      rhcosImage: rhcos.rhcosImage,
    };
    const forecastPools = pools
      .map(pool => {
        const builds =
          pool.layering.mode === 'on-cluster'
            ? this.#fleet.getPool(cluster, pool.name)?.builds ?? []
            : [];
        const stale = release.stale || pool.stale;
        const result = forecastPool(pool, {
          target,
          history,
          stale,
          buildDurationsMs: buildDurationsMs(builds),
        });
        if (result.drift.status === 'unknown' && rhcos.problem && !stale) {
          // Say what is missing rather than the drift rule's generic words about the release.
          result.drift = {
            ...result.drift,
            reason: `${rhcos.problem} Without ${offered.version}'s RHCOS build the drift of this pool cannot be predicted; check the backend's registry access.`,
          };
        }
        return result;
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      cluster,
      from: current,
      to: offered.version,
      image: offered.image,
      rhcosVersion: rhcos.rhcosVersion,
      conditional: offered.conditional,
      ...(offered.conditional
        ? { risks: offered.risks ?? [], conditions: offered.conditions ?? [] }
        : {}),
      pools: forecastPools,
    };
  }
}

/**
 * The upgrade forecast of the `layering` plugin. The default factory reads release payloads
 * through the clusters' registries and `layering.registries`.
 *
 * @public
 */
export const layeringForecastServiceRef = createServiceRef<LayeringForecastService>({
  id: 'layering.forecast',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clusters: layeringClustersServiceRef,
        fleet: layeringFleetServiceRef,
      },
      factory({ config, logger, clusters, fleet }) {
        return new ForecastService({
          fleet,
          releases: new RegistryReleaseRhcosReader({ config, clusters, logger }),
        });
      },
    }),
});
