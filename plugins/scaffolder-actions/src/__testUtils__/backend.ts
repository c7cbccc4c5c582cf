import type {
  LayeringRequestRecord,
  PoolDetail,
} from '@rhcos-layering/plugin-layering-common';
import type {
  ClusterReleaseInfo,
  LayeringBackendApi,
  LayeringRequestInput,
} from '../services/LayeringBackendClient';

/**
 * An in-memory stand-in for the layering backend in unit tests: it keeps the requests the
 * actions record so tests can assert on them. The HTTP client itself is tested against a real
 * backend plugin in the integration tests.
 */
export class RecordingLayeringBackend implements LayeringBackendApi {
  readonly records: LayeringRequestRecord[] = [];
  pools = new Map<string, PoolDetail>();
  release?: ClusterReleaseInfo;

  async getPool(cluster: string, pool: string) {
    return this.pools.get(`${cluster}/${pool}`);
  }

  async getRelease() {
    return this.release;
  }

  async recordRequest(cluster: string, pool: string, request: LayeringRequestInput) {
    const { requestedBy, ...body } = request;
    const record: LayeringRequestRecord = {
      ...body,
      // The real backend takes who asked from the task; the actions still send it.
      requestedBy: requestedBy ?? 'service:default/scaffolder',
      id: `req-${this.records.length + 1}`,
      cluster,
      pool,
      createdAt: new Date(0).toISOString(),
    };
    this.records.push(record);
    return record;
  }
}
