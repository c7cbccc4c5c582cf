import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import type {
  LayeringClusterRelease,
  LayeringRequestBody,
  LayeringRequestRecord,
  PoolDetail,
} from '@rhcos-layering/plugin-layering-common';
import { callSignal } from './taskSignal';

/**
 * Answer of `GET /clusters/:cluster/release` (the wire contract's `LayeringClusterRelease`: the
 * history is always there, and an unknown image or state is null).
 *
 * @public
 */
export type ClusterReleaseInfo = LayeringClusterRelease;

/** Body of `POST /clusters/:cluster/pools/:pool/requests` (the wire contract's `LayeringRequestBody`). @public */
export type LayeringRequestInput = LayeringRequestBody;

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
 * @remarks
 * Each call has a time limit (`timeoutMs`, default 15 s) and honours the abort signal of the task
 * it runs for; either ends the request and fails with an error naming the call and the backend's
 * host.
 *
 * @public
 */
export class LayeringBackendClient implements LayeringBackendApi {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #timeoutMs: number;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    /** Time limit of each call, in milliseconds (default 15000). */
    timeoutMs?: number;
  }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl('layering');
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'layering',
    });
    const call = callSignal(this.#timeoutMs);
    const what = `${init?.method ?? 'GET'} ${path}`;
    let host = baseUrl;
    try {
      host = new URL(baseUrl).host;
    } catch {
      // keep the base URL as given
    }
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        signal: call.signal,
        headers: {
          ...init?.headers,
          authorization: `Bearer ${token}`,
        },
      });
      // The body is read by the callers; read it here so that the limit covers it too.
      const body = await response.arrayBuffer();
      const nullBody = [204, 205, 304].includes(response.status);
      return new Response(nullBody ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      const stopped = call.reason(what, `the layering backend at ${host}`);
      if (stopped) {
        throw stopped;
      }
      throw new ServiceUnavailableError(
        `The layering backend at ${host} could not be reached for ${what}`,
        error,
      );
    }
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
