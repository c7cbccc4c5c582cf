import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { LayeringRequestEvent } from '@rhcos-layering/plugin-layering-common';
import type { LayeringClusterDetails } from '@rhcos-layering/plugin-layering-node';
import { setupServer, type SetupServer } from 'msw/node';
import { randomUUID } from 'node:crypto';
import {
  embeddedRegistries,
  startSampleCluster,
} from '../../../__testUtils__/testBackend';
import { FleetService } from '../../../services/FleetService';
import {
  DatabaseRequestStore,
  type NewLayeringRequest,
} from '../../../services/RequestStore';
import {
  ProvenanceLinker,
  type ProvenanceRequestStore,
} from '../../ProvenanceLinker';
import type { ApplyClaims } from '../ApplyClaims';
import { ApplyOnMerge } from '../ApplyOnMerge';
import { ForgeMergedFiles } from '../MergedFiles';
import { PR_URL } from './fixtures';

// The live set-up the apply-on-merge tests and the embedded provenance linker test share: an
// embedded sample cluster (and a fleet watching it), a request store on a fresh SQLite database
// holding the request under test, the mocked forge, and the pieces under test built the way
// the plugin builds them.

/** The token of the GitHub integration the merged files are read with. */
export const FORGE_TOKEN = 'ghp-test-token';

/**
 * The mocked forge (msw) for the calling test file, listening for its whole run; each test's
 * handlers are dropped after it. The embedded cluster is real, so its requests pass through.
 */
export function mockedForge(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** An embedded sample cluster of a describe block, with what the tests reach it through. */
export interface SampleCluster {
  readonly name: string;
  readonly cluster: EmbeddedCluster;
  /** A fleet watching the cluster with its read-only token; only with `watched`. */
  readonly fleet: FleetService;
  /** The cluster as the clusters service gives it to apply on merge: reader and writer tokens. */
  details(): LayeringClusterDetails;
  /** A request to the cluster's API with its admin token; throws on an unsuccessful answer. */
  request<T = unknown>(path: string, init?: RequestInit): Promise<T>;
}

/**
 * Starts the embedded sample cluster `name` before the tests of the calling describe block and
 * stops it after them; with `watched`, a fleet watching it is ready before the first test.
 */
export function useSampleCluster(
  name: string,
  options: { watched?: boolean } = {},
): SampleCluster {
  let cluster: EmbeddedCluster | undefined;
  let fleet: FleetService | undefined;
  beforeAll(async () => {
    cluster = await startSampleCluster(name);
    if (options.watched) {
      fleet = FleetService.create({
        clusters: [
          {
            name,
            url: cluster.url,
            skipTLSVerify: true,
            authMetadata: {},
            reader: { type: 'token', token: cluster.tokens.readOnly },
            registries: embeddedRegistries(cluster),
            source: 'config',
          },
        ],
        registries: [],
        logger: mockServices.logger.mock(),
        debounceMs: 10,
      });
      await fleet.ready();
    }
  });
  afterAll(async () => {
    await fleet?.stop();
    await cluster?.stop();
  });
  const started = () => {
    if (!cluster) throw new Error(`Embedded cluster ${name} is not started`);
    return cluster;
  };
  return {
    name,
    get cluster() {
      return started();
    },
    get fleet() {
      if (!fleet) throw new Error(`No fleet watches ${name}`);
      return fleet;
    },
    details() {
      const { url, tokens } = started();
      return {
        name,
        url,
        skipTLSVerify: true,
        authMetadata: {},
        reader: { type: 'token', token: tokens.readOnly },
        writer: { type: 'token', token: tokens.admin },
        registries: [],
        source: 'config',
      };
    },
    async request<T>(path: string, init: RequestInit = {}) {
      const { url, tokens } = started();
      const res = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${tokens.admin}`, ...init.headers },
      });
      if (!res.ok) {
        throw new Error(
          `${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`,
        );
      }
      return (await res.json()) as T;
    },
  };
}

/** The MachineOSConfig of the infra pool as the cluster's API answers it. */
export interface InfraOnCluster {
  metadata: {
    resourceVersion: string;
    generation?: number;
    managedFields?: Array<{ manager: string }>;
    annotations?: Record<string, string>;
  };
  spec: { containerFile: Array<{ content: string }> };
}

/** Reads the infra pool's MachineOSConfig from the cluster. */
export function readInfra(sample: SampleCluster): Promise<InfraOnCluster> {
  return sample.request<InfraOnCluster>(
    '/apis/machineconfiguration.openshift.io/v1/machineosconfigs/infra',
  );
}

/** A modify request for the infra pool of `cluster`, opened as pull request 12 by alice. */
export function infraRequest(
  cluster: string,
  overrides: Partial<NewLayeringRequest> = {},
): NewLayeringRequest {
  return {
    cluster,
    pool: 'infra',
    kind: 'modify',
    delivery: 'pull-request',
    pullRequestUrl: PR_URL,
    taskId: 'task-12',
    requestedBy: 'user:default/alice',
    outcome: 'opened',
    summary: 'Add usbguard to infra',
    ...overrides,
  };
}

/**
 * A request store on a fresh SQLite database of `databases` holding `request`, recorded with a
 * new request id as the render step makes one.
 */
export async function storeWithRequest(
  databases: TestDatabases,
  request: NewLayeringRequest,
) {
  const knex = await databases.init('SQLITE_3');
  const requests = await DatabaseRequestStore.create(
    mockServices.database({ knex }),
    { logger: mockServices.logger.mock() },
  );
  const requestId = randomUUID();
  const { record } = await requests.add({ requestId, ...request });
  return { knex, requests, record, requestId };
}

/** The merge of a request's pull request, by `by` (github:bob unless told), now unless told. */
export function mergedEvent(
  by = 'github:bob',
  at = new Date().toISOString(),
): LayeringRequestEvent {
  return { type: 'merged', at, by };
}

/**
 * Apply on merge as the plugin builds it for `sample` (with `applyOnMerge` set as given, on by
 * default): merged files read from GitHub with {@link FORGE_TOKEN}, written with the cluster's
 * writer under the portal's field manager.
 */
export function applierFor(
  sample: SampleCluster,
  options: {
    requests: ProvenanceRequestStore;
    auditor: AuditorService;
    applyOnMerge?: boolean;
    logger?: LoggerService;
    claims?: ApplyClaims;
    /** The cluster the clusters service answers with; `sample.details()` unless given. */
    details?: () => LayeringClusterDetails;
  },
): ApplyOnMerge {
  const details = options.details ?? (() => sample.details());
  return new ApplyOnMerge({
    config: new ConfigReader({
      layering: {
        clusters: {
          options: {
            [sample.name]: { applyOnMerge: options.applyOnMerge ?? true },
          },
        },
      },
    }),
    logger: options.logger ?? mockServices.logger.mock(),
    auditor: options.auditor,
    clusters: { getClusters: async () => [details()] },
    files: new ForgeMergedFiles(
      ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            github: [{ host: 'github.com', token: FORGE_TOKEN }],
          },
        }),
      ),
    ),
    requests: options.requests,
    fieldManager: 'backstage-layering',
    claims: options.claims,
  });
}

/** A provenance linker on the fleet watching `sample`, taking the portal's field manager as its own. */
export function linkerFor(
  sample: SampleCluster,
  requests: ProvenanceRequestStore,
  intervalMs: number,
): ProvenanceLinker {
  return new ProvenanceLinker({
    fleet: sample.fleet,
    source: sample.fleet,
    requests,
    logger: mockServices.logger.mock(),
    portalManagers: ['backstage-layering'],
    intervalMs,
  });
}

/** A view of `requests` that passes every call through, except those `overrides` replaces. */
export function storeView(
  requests: ProvenanceRequestStore,
  overrides: Partial<ProvenanceRequestStore>,
): ProvenanceRequestStore {
  return {
    list: (cluster, pool, options) => requests.list(cluster, pool, options),
    get: id => requests.get(id),
    listMerged: options => requests.listMerged(options),
    onChange: listener => requests.onChange(listener),
    recordEvent: (id, event, options) =>
      requests.recordEvent(id, event, options),
    ...overrides,
  };
}
