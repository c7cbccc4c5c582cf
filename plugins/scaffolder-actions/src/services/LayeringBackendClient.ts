import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  LayeringRequestRecord,
  PoolDetail,
  ReleaseView,
} from '@rhcos-layering/plugin-layering-common';

/** Answer of `GET /clusters/:cluster/release`. @public */
export interface ClusterReleaseInfo extends ReleaseView {
  history?: Array<{ version: string; state?: string; image?: string }>;
}

/** Body of `POST /clusters/:cluster/pools/:pool/requests`. @public */
export type LayeringRequestInput = Omit<
  LayeringRequestRecord,
  'id' | 'createdAt' | 'cluster' | 'pool'
>;

/**
 * What the actions need from the layering backend. An interface so that actions can be wired
 * with the HTTP client in the backend and with a recording fake in tests.
 *
 * @public
 */
export interface LayeringBackendApi {
  getPool(cluster: string, pool: string): Promise<PoolDetail | undefined>;
  getRelease(cluster: string): Promise<ClusterReleaseInfo | undefined>;
  recordRequest(
    cluster: string,
    pool: string,
    request: LayeringRequestInput,
  ): Promise<LayeringRequestRecord>;
}

/**
 * Calls the layering backend's REST API (`/api/layering`) with service-to-service tokens.
 *
 * @public
 */
export class LayeringBackendClient implements LayeringBackendApi {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl('layering');
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'layering',
    });
    return fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        ...init?.headers,
        authorization: `Bearer ${token}`,
      },
    });
  }

  async getPool(cluster: string, pool: string): Promise<PoolDetail | undefined> {
    const res = await this.#fetch(
      `/clusters/${encodeURIComponent(cluster)}/pools/${encodeURIComponent(pool)}`,
    );
    if (res.status === 404) {
      return undefined;
    }
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as PoolDetail;
  }

  async getRelease(cluster: string): Promise<ClusterReleaseInfo | undefined> {
    const res = await this.#fetch(`/clusters/${encodeURIComponent(cluster)}/release`);
    if (res.status === 404) {
      return undefined;
    }
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as ClusterReleaseInfo;
  }

  async recordRequest(
    cluster: string,
    pool: string,
    request: LayeringRequestInput,
  ): Promise<LayeringRequestRecord> {
    const res = await this.#fetch(
      `/clusters/${encodeURIComponent(cluster)}/pools/${encodeURIComponent(pool)}/requests`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as LayeringRequestRecord;
  }
}
