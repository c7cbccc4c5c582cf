import type {
  LayeringClusterUpdates,
  LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterView,
  LayeringDeliveryOptions,
  LayeringFleetPageQueryParams,
  LayeringFleetPageResponse,
  LayeringListResponse,
  LayeringRequestRecord,
  PoolDetail,
  PoolLayeringSettings,
  LayeringTrendQueryParams,
  LayeringTrendResponse,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type {
  LayeringApi,
  LayeringClusterDetail,
  LayeringFleetQuery,
  LayeringReleaseInfo,
} from './LayeringApi';

/**
 * Talks to the layering backend through the discovery and fetch APIs, so
 * that the user's credentials travel with every call.
 *
 * @public
 */
export class LayeringClient implements LayeringApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getClusters(options?: {
    signal?: AbortSignal;
  }): Promise<ClusterView[]> {
    const body = await this.#request<LayeringListResponse<ClusterView>>(
      '/clusters',
      options,
    );
    return body.items;
  }

  async getCluster(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringClusterDetail> {
    return this.#request<LayeringClusterDetail>(
      `/clusters/${encodeURIComponent(cluster)}`,
      options,
    );
  }

  async getPools(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolView[]> {
    const body = await this.#request<LayeringListResponse<PoolView>>(
      `/clusters/${encodeURIComponent(cluster)}/pools`,
      options,
    );
    return body.items;
  }

  async getPool(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolDetail> {
    return this.#request<PoolDetail>(
      `/clusters/${encodeURIComponent(cluster)}/pools/${encodeURIComponent(
        pool,
      )}`,
      options,
    );
  }

  async getPoolLayering(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<PoolLayeringSettings> {
    return this.#request<PoolLayeringSettings>(
      `/clusters/${encodeURIComponent(cluster)}/pools/${encodeURIComponent(
        pool,
      )}/layering`,
      options,
    );
  }

  async getFleet(
    query?: LayeringFleetQuery,
    options?: { signal?: AbortSignal },
  ): Promise<PoolView[]> {
    const params = new URLSearchParams();
    if (query?.drift) {
      params.set('drift', query.drift);
    }
    if (query?.cluster) {
      params.set('cluster', query.cluster);
    }
    const search = params.toString();
    const body = await this.#request<LayeringListResponse<PoolView>>(
      search ? `/pools?${search}` : '/pools',
      options,
    );
    return body.items;
  }

  async getFleetPage(
    query: LayeringFleetPageQueryParams,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringFleetPageResponse> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      const values = Array.isArray(value) ? value : [value];
      const text = values.filter(v => v !== undefined && v !== '').join(',');
      if (text) {
        params.set(name, text);
      }
    }
    // Always paged: without a limit the route would answer the unpaged { items }.
    if (!params.has('limit')) {
      params.set('limit', '100');
    }
    return this.#request<LayeringFleetPageResponse>(`/pools?${params}`, options);
  }

  async getTrend(
    query?: LayeringTrendQueryParams,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringTrendResponse> {
    const params = new URLSearchParams();
    if (query?.cluster) {
      params.set('cluster', query.cluster);
    }
    if (query?.days !== undefined) {
      params.set('days', String(query.days));
    }
    const search = params.toString();
    return this.#request<LayeringTrendResponse>(
      search ? `/trend?${search}` : '/trend',
      options,
    );
  }

  async getRelease(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringReleaseInfo> {
    return this.#request<LayeringReleaseInfo>(
      `/clusters/${encodeURIComponent(cluster)}/release`,
      options,
    );
  }

  async getDeliveryOptions(options?: {
    signal?: AbortSignal;
  }): Promise<LayeringDeliveryOptions> {
    return this.#request<LayeringDeliveryOptions>('/delivery', options);
  }

  async getRequests(
    cluster: string,
    pool: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringRequestRecord[]> {
    const body = await this.#request<LayeringListResponse<LayeringRequestRecord>>(
      `/clusters/${encodeURIComponent(cluster)}/pools/${encodeURIComponent(
        pool,
      )}/requests`,
      options,
    );
    return body.items;
  }

  async getUpdates(
    cluster: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringClusterUpdates> {
    return this.#request<LayeringClusterUpdates>(
      `/clusters/${encodeURIComponent(cluster)}/updates`,
      options,
    );
  }

  async getForecast(
    cluster: string,
    to: string,
    options?: { signal?: AbortSignal },
  ): Promise<LayeringForecastResponse> {
    return this.#request<LayeringForecastResponse>(
      `/clusters/${encodeURIComponent(cluster)}/forecast?${new URLSearchParams({ to })}`,
      options,
    );
  }

  async #request<T>(
    path: string,
    options?: { signal?: AbortSignal },
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('layering');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json' },
      signal: options?.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
