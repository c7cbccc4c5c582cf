import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterStatus, MachineOSConfigModel } from '@rhcos-layering/plugin-layering-common';
import {
  MACHINECONFIGURATION_GROUP,
  normalizeMachineOSConfig,
} from '@rhcos-layering/plugin-layering-common';
import { ClusterConnection, ClusterRequestError } from './ClusterConnection';
import type { ClusterSpec } from './clusterConfig';
import { Informer, InformerOptions, RawObject } from './Informer';
import type { ListLimiter } from './ListLimiter';
import {
  ClusterVersionProjection,
  MachineConfigProjection,
  NodeProjection,
  OS_IMAGE_URL_CONFIGMAP,
  OsImageUrlProjection,
  PoolProjection,
  projectClusterVersion,
  projectMachineConfig,
  projectNode,
  projectOsImageUrl,
  projectPool,
} from './projections';
import {
  MachineOSBuildProjection,
  MachineOSConfigProjection,
  machineOSBuildProjector,
  machineOSConfigProjector,
} from './layeringProjections';

const MCO_GROUP = MACHINECONFIGURATION_GROUP;

/** Tuning of the informers of a cluster. */
export interface InformerTuning {
  pageSize?: number;
  watchTimeoutSeconds?: number;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Shared bound on concurrent lists, over every cluster. */
  listLimiter?: ListLimiter;
}

/** Snapshot of the cluster's caches that the view builder reads. */
export interface ClusterSnapshot {
  pools: ReadonlyMap<string, PoolProjection>;
  machineConfigs: ReadonlyMap<string, MachineConfigProjection>;
  machineOSConfigs: ReadonlyMap<string, MachineOSConfigProjection>;
  machineOSBuilds: ReadonlyMap<string, MachineOSBuildProjection>;
  nodes: ReadonlyMap<string, NodeProjection>;
  clusterVersion: ClusterVersionProjection | undefined;
  osImageUrl: OsImageUrlProjection | undefined;
}

/** Health of a cluster's caches. */
export interface ClusterHealth {
  status: ClusterStatus;
  error?: string;
  /** Epoch ms of the last time every cache was complete and current. */
  lastSync: number | null;
  /** The caches are incomplete or no longer current. */
  stale: boolean;
  machineOSConfigApiVersion: 'v1' | 'v1alpha1' | null;
}

const EMPTY = new Map<string, never>();

function statusFor(error: ClusterRequestError): ClusterStatus {
  switch (error.kind) {
    case 'unauthorized':
      return 'unauthorized';
    case 'forbidden':
      return 'forbidden';
    case 'unreachable':
      return 'unreachable';
    default:
      return 'error';
  }
}

const STATUS_SEVERITY: Record<ClusterStatus, number> = {
  ok: 0,
  syncing: 1,
  error: 2,
  forbidden: 3,
  unauthorized: 4,
  unreachable: 5,
};

/**
 * The watch caches of one cluster: one connection, API discovery for the
 * MachineOSConfig/MachineOSBuild version, and one informer per kind.
 */
export class ClusterCache {
  readonly spec: ClusterSpec;
  #connection: ClusterConnection | undefined;
  #pools?: Informer<PoolProjection>;
  #machineConfigs?: Informer<MachineConfigProjection>;
  #machineOSConfigs?: Informer<MachineOSConfigProjection>;
  #machineOSBuilds?: Informer<MachineOSBuildProjection>;
  #nodes?: Informer<NodeProjection>;
  #clusterVersion?: Informer<ClusterVersionProjection>;
  #osImageUrl?: Informer<OsImageUrlProjection>;
  #apiVersion: 'v1' | 'v1alpha1' | null = null;
  #discovered = false;
  /** Every informer the cluster needs exists (MachineOSConfig ones come after discovery). */
  #allStarted = false;
  #discoveryError: ClusterRequestError | undefined;
  #configError: string | undefined;
  #generation = 0;
  readonly #logger: LoggerService;
  readonly #tuning: InformerTuning;
  readonly #onChange: (cluster: string) => void;
  readonly #onHealthChange: (cluster: string) => void;
  readonly #abort = new AbortController();
  #starting: Promise<void> | undefined;

  constructor(options: {
    spec: ClusterSpec;
    logger: LoggerService;
    tuning?: InformerTuning;
    /** The caches changed (called often; coalesce). */
    onChange(cluster: string): void;
    /**
     * Health changed: a watch failed or recovered, discovery ended or failed, every informer
     * started, the settings are unusable (rare; act at once). Defaults to `onChange`.
     */
    onHealthChange?(cluster: string): void;
  }) {
    this.spec = options.spec;
    this.#logger = options.logger.child({ cluster: options.spec.name });
    this.#tuning = options.tuning ?? {};
    this.#onChange = options.onChange;
    this.#onHealthChange = options.onHealthChange ?? options.onChange;
    this.#configError = options.spec.configError;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Increases on every change of the caches or the health. */
  get generation(): number {
    return this.#generation;
  }

  /** The connection's request counters (undefined before connecting). */
  get connection(): ClusterConnection | undefined {
    return this.#connection;
  }

  get informers(): Array<Informer<unknown>> {
    return [
      this.#pools,
      this.#machineConfigs,
      this.#machineOSConfigs,
      this.#machineOSBuilds,
      this.#nodes,
      this.#clusterVersion,
      this.#osImageUrl,
    ].filter((i): i is Informer<any> => i !== undefined);
  }

  #changed = () => {
    this.#generation += 1;
    this.#onChange(this.spec.name);
  };

  #healthChanged = () => {
    this.#generation += 1;
    this.#onHealthChange(this.spec.name);
  };

  start(): Promise<void> {
    if (!this.#starting) {
      this.#starting = this.#start();
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    if (this.#configError) {
      this.#healthChanged();
      return;
    }
    try {
      this.#connection = await ClusterConnection.create(this.spec, {
        requestTimeoutMs: this.#tuning.requestTimeoutMs,
      });
    } catch (error) {
      this.#configError = `Cannot connect with the configured settings: ${(error as Error).message}`;
      this.#logger.warn('Cluster settings are unusable; it is reported as errored', {
        error: (error as Error).message,
      });
      this.#healthChanged();
      return;
    }
    const connection = this.#connection;
    const make = <P>(
      resource: string,
      path: string,
      project: (o: RawObject) => P | undefined,
      query?: Record<string, string>,
    ) => {
      const options: InformerOptions<P> = {
        resource,
        connection,
        path,
        query,
        project,
        logger: this.#logger,
        onChange: this.#changed,
        onStatus: this.#healthChanged,
        pageSize: this.#tuning.pageSize,
        watchTimeoutSeconds: this.#tuning.watchTimeoutSeconds,
        backoff: this.#tuning.backoff,
        listLimiter: this.#tuning.listLimiter,
      };
      const informer = new Informer<P>(options);
      informer.start();
      return informer;
    };
    this.#pools = make('machineconfigpools', `/apis/${MCO_GROUP}/v1/machineconfigpools`, projectPool);
    this.#machineConfigs = make(
      'machineconfigs',
      `/apis/${MCO_GROUP}/v1/machineconfigs`,
      projectMachineConfig,
    );
    this.#nodes = make('nodes', '/api/v1/nodes', projectNode);
    this.#clusterVersion = make(
      'clusterversions',
      '/apis/config.openshift.io/v1/clusterversions',
      projectClusterVersion,
    );
    this.#osImageUrl = make(
      'configmaps',
      `/api/v1/namespaces/${OS_IMAGE_URL_CONFIGMAP.namespace}/configmaps`,
      projectOsImageUrl,
      { fieldSelector: `metadata.name=${OS_IMAGE_URL_CONFIGMAP.name}` },
    );
    await this.#discover();
    if (this.#apiVersion && !this.#abort.signal.aborted) {
      const version = this.#apiVersion;
      this.#machineOSConfigs = make(
        'machineosconfigs',
        `/apis/${MCO_GROUP}/${version}/machineosconfigs`,
        machineOSConfigProjector(`${MCO_GROUP}/${version}`),
      );
      this.#machineOSBuilds = make(
        'machineosbuilds',
        `/apis/${MCO_GROUP}/${version}/machineosbuilds`,
        machineOSBuildProjector(`${MCO_GROUP}/${version}`),
      );
    }
    this.#allStarted = true;
    this.#healthChanged();
  }

  /**
   * Finds which version of MachineOSConfig/MachineOSBuild the cluster serves
   * (v1 from late 4.18, v1alpha1 before; never both), retrying with back-off
   * until the cluster answers.
   */
  async #discover(): Promise<void> {
    const connection = this.#connection!;
    let attempt = 0;
    while (!this.#abort.signal.aborted) {
      try {
        // Each version's resource list is asked for directly rather than trusting the group's
        // `versions`: that list is not always complete (the embedded cluster lists only v1).
        let found: 'v1' | 'v1alpha1' | null = null;
        for (const version of ['v1', 'v1alpha1'] as const) {
          let list: { resources?: Array<{ name?: string }> };
          try {
            list = await connection.getJson(`/apis/${MCO_GROUP}/${version}`);
          } catch (error) {
            if (error instanceof ClusterRequestError && error.kind === 'not-found') continue;
            throw error;
          }
          if ((list.resources ?? []).some(r => r.name === 'machineosconfigs')) {
            found = version;
            break;
          }
        }
        this.#apiVersion = found;
        this.#discovered = true;
        this.#discoveryError = undefined;
        this.#logger.info('Discovered the MachineOSConfig API version', {
          machineOSConfigApiVersion: found ?? 'none',
        });
        return;
      } catch (error) {
        const failure =
          error instanceof ClusterRequestError
            ? error
            : new ClusterRequestError(String(error), 'error');
        this.#discoveryError = failure;
        this.#healthChanged();
        attempt += 1;
        const ceiling = Math.min(
          this.#tuning.backoff?.maxMs ?? 30_000,
          (this.#tuning.backoff?.initialMs ?? 500) * 2 ** Math.min(attempt, 16),
        );
        const delay = Math.max(failure.retryAfterMs ?? 0, Math.random() * ceiling);
        await new Promise<void>(resolve => {
          const signal = this.#abort.signal;
          let timer: NodeJS.Timeout | undefined = undefined;
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          timer = setTimeout(done, delay);
          signal.addEventListener('abort', done);
        });
      }
    }
  }

  /** The current projections (live maps: read, never keep). */
  snapshot(): ClusterSnapshot {
    return {
      pools: this.#pools?.items ?? EMPTY,
      machineConfigs: this.#machineConfigs?.items ?? EMPTY,
      machineOSConfigs: this.#machineOSConfigs?.items ?? EMPTY,
      machineOSBuilds: this.#machineOSBuilds?.items ?? EMPTY,
      nodes: this.#nodes?.items ?? EMPTY,
      clusterVersion: this.#clusterVersion?.items.values().next().value,
      osImageUrl: this.#osImageUrl?.items.values().next().value,
    };
  }

  /**
   * Reads one MachineOSConfig with a single GET, in the version the cluster serves (the
   * informer keeps only a projection, without the Containerfiles and push settings).
   *
   * @returns the model, or null when the cluster has no such MachineOSConfig
   * @throws {@link ClusterRequestError} when the cluster is not connected or the request fails
   */
  async getMachineOSConfig(name: string): Promise<MachineOSConfigModel | null> {
    const connection = this.#connection;
    const version = this.#apiVersion;
    if (!connection || !version) {
      throw new ClusterRequestError(
        `Cluster ${this.spec.name} serves no MachineOSConfigs (yet)`,
        'error',
      );
    }
    let object: RawObject;
    try {
      object = await connection.getJson<RawObject>(
        `/apis/${MCO_GROUP}/${version}/machineosconfigs/${encodeURIComponent(name)}`,
      );
    } catch (error) {
      if (error instanceof ClusterRequestError && error.kind === 'not-found') return null;
      throw error;
    }
    return normalizeMachineOSConfig({
      apiVersion: `${MCO_GROUP}/${version}`,
      kind: 'MachineOSConfig',
      ...object,
    });
  }

  /** Current health, derived from the informers. */
  health(): ClusterHealth {
    if (this.#configError) {
      return {
        status: 'error',
        error: this.#configError,
        lastSync: null,
        stale: true,
        machineOSConfigApiVersion: null,
      };
    }
    const informers = this.informers;
    let status: ClusterStatus = 'ok';
    let error: string | undefined;
    const consider = (candidate: ClusterStatus, message?: string) => {
      if (STATUS_SEVERITY[candidate] > STATUS_SEVERITY[status]) {
        status = candidate;
        error = message;
      }
    };
    if (!this.#discovered) {
      if (this.#discoveryError) {
        consider(statusFor(this.#discoveryError), this.#discoveryError.message);
      } else {
        consider('syncing');
      }
    }
    let synced = informers.length > 0 && this.#discovered && this.#allStarted;
    if (this.#discovered && !this.#allStarted) {
      consider('syncing');
    }
    for (const informer of informers) {
      if (informer.error && informer.phase === 'retrying') {
        consider(statusFor(informer.error), informer.error.message);
      } else if (!informer.synced) {
        consider('syncing');
      }
      if (!informer.synced) {
        synced = false;
      }
    }
    const times = informers.map(i => i.lastSync);
    const lastSync =
      times.length > 0 && times.every(t => t !== undefined)
        ? Math.min(...(times as number[]))
        : null;
    return {
      status,
      error,
      lastSync,
      stale: !synced,
      machineOSConfigApiVersion: this.#apiVersion,
    };
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.informers.map(i => i.stop()));
    this.#connection?.close();
  }
}
