import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterView,
  LayeringListResponse,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';

/**
 * What the entity provider needs to know about the fleet: every cluster and
 * every pool, as the layering backend reports them.
 *
 * @public
 */
export interface LayeringFleetSnapshot {
  clusters: ClusterView[];
  pools: PoolView[];
}

/**
 * Where the entity provider reads the fleet from.
 *
 * @public
 */
export interface LayeringFleetSource {
  read(signal?: AbortSignal): Promise<LayeringFleetSnapshot>;
}

/**
 * Reads the fleet from the layering backend's REST API (`GET /clusters` and
 * `GET /pools`) with the catalog's own service credentials.
 *
 * @remarks
 * Going through the published HTTP API keeps this module independent of the
 * backend plugin's code: it works whether the layering plugin runs in the same
 * backend or in another one that discovery points at.
 *
 * @public
 */
export class LayeringHttpFleetSource implements LayeringFleetSource {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #pluginId: string;

  constructor(options: { discovery: DiscoveryService; auth: AuthService; pluginId?: string }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#pluginId = options.pluginId ?? 'layering';
  }

  async read(signal?: AbortSignal): Promise<LayeringFleetSnapshot> {
    const baseUrl = await this.#discovery.getBaseUrl(this.#pluginId);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: this.#pluginId,
    });
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal,
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      return (await response.json()) as T;
    };
    const [clusters, pools] = await Promise.all([
      get<LayeringListResponse<ClusterView>>('/clusters'),
      get<LayeringListResponse<PoolView>>('/pools'),
    ]);
    return { clusters: clusters.items, pools: pools.items };
  }
}
