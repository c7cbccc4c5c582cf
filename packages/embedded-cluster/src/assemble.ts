import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify as stringifyYaml } from 'yaml';
import { InMemoryObjectStore, StoreSnapshot } from './store/ObjectStore';
import {
  InMemoryImageCatalog,
  ImageInput,
  RELEASE_VERSION_LABEL,
} from './registry/ImageCatalog';
import { SchemaValidator } from './schema/SchemaValidator';
import type { EmbeddedOAuthOptions } from './oauth/OAuthServer';
import type { AuditEvent } from './server/audit';
import { ApiServer } from './server/ApiServer';
import type { ServiceAccountToken } from './server/auth';
import { servingCertificate } from './server/tls';
import { resourceForKind } from './store/resources';
import { K8sObject, ReleaseRecord, StoreError } from './store/types';
import {
  LoadedState,
  clusterVersionOf,
  kubernetesVersionFor,
  loadStateDir,
  machineOSApiVersionFor,
} from './state/loadState';
import { StateClock, shiftStateTimes } from './state/anchor';

/**
 * Options of {@link assembleCluster}: everything of `startEmbeddedCluster` but the simulation.
 *
 * @public
 */
export interface AssembleOptions {
  name?: string;
  stateDir?: string;
  /** Sub-folders of `stateDir` to read too (e.g. `['v1alpha1']`). */
  includeDirs?: string[];
  objects?: object[];
  images?: ImageInput[];
  releases?: ReleaseRecord[];
  /**
   * Where the state directory's `anchor` lands on the clock: the start time by default, so a
   * build the state shows running started minutes ago. Pass a fixed time to pin it (tests), or
   * `false` to keep the times the files carry. States without an anchor always keep theirs.
   */
  now?: StateClock;
  host?: string;
  port?: number;
  dataDir?: string;
  tokens?: { admin?: string; readOnly?: string };
  /** Service-account tokens, authorized by the cluster's RBAC objects. */
  serviceAccounts?: ServiceAccountToken[];
  /** People who can log in through the cluster's OAuth server, and the OAuth clients it knows. */
  oauth?: EmbeddedOAuthOptions;
  /** Force the MachineOSConfig/MachineOSBuild version instead of deriving it from the state. */
  machineOSApiVersion?: 'v1' | 'v1alpha1';
  /** Interval of watch BOOKMARK events. */
  bookmarkIntervalMs?: number;
  log?: (message: string, meta?: Record<string, unknown>) => void;
  hooks?: { settle?: () => Promise<void> };
}

/**
 * A running API server with its store and image catalogue (no simulation).
 *
 * @public
 */
export interface AssembledCluster {
  name: string;
  url: string;
  registryUrl: string;
  registryHost: string;
  /** `https://host:PORT`: the same port over TLS (kubectl sends tokens only over TLS). */
  httpsUrl: string;
  /** PEM CA certificate of the TLS side (self-signed). */
  caCertificate: string;
  tokens: { admin: string; readOnly: string };
  store: InMemoryObjectStore;
  catalog: InMemoryImageCatalog;
  validator: SchemaValidator;
  server: ApiServer;
  releases: ReleaseRecord[];
  writeKubeconfig(file: string): Promise<void>;
  throttle(n: number): void;
  expireWatchHistory(): void;
  /** End every open watch stream (a dropped connection, for clients' reconnect logic). */
  closeWatches(): void;
  /** The write requests the API server answered, as audit events (who changed what). */
  auditEvents(): AuditEvent[];
  /** Write the persisted snapshot now (when `dataDir` is set). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface PersistedState {
  version: 1;
  store: StoreSnapshot;
  images: ImageInput[];
  releases: ReleaseRecord[];
}

const SNAPSHOT_FILE = 'embedded-cluster-state.json';

function token(): string {
  return `sha256~${randomBytes(32).toString('base64url')}`;
}

/**
 * Add images whose base is declared later in the list once their base is there.
 *
 * @public
 */
export function addImages(
  catalog: InMemoryImageCatalog,
  images: ImageInput[],
): void {
  const pending = new Set(images);
  const declared = new Set(images.map(i => i.image));
  while (pending.size > 0) {
    const ready = [...pending].filter(
      i =>
        !i.base ||
        catalog.resolve(i.base) !== undefined ||
        !declared.has(i.base),
    );
    if (ready.length === 0) {
      throw new Error(
        `images: base images form a cycle: ${[...pending]
          .map(i => i.image)
          .join(', ')}`,
      );
    }
    for (const image of ready) {
      catalog.add(image);
      pending.delete(image);
    }
  }
}

/**
 * Make the registry serve every release of the catalogue as a release payload: an image labelled
 * `io.openshift.release=<version>` whose `release-manifests/image-references` names the release's
 * `rhel-coreos` (and `rhel-coreos-extensions`) image. Payloads `images.yaml` already declares keep
 * their labels, tags and other references; they must not contradict the catalogue.
 *
 * @public
 */
export function addReleasePayloads(
  catalog: InMemoryImageCatalog,
  releases: ReleaseRecord[],
): void {
  releases.forEach((release, i) => {
    const where = `releases[${i}] (${release.version})`;
    const wanted: Record<string, string> = {
      'rhel-coreos': release.rhcosImage,
      ...(release.extensionsImage
        ? { 'rhel-coreos-extensions': release.extensionsImage }
        : {}),
    };
    const existing = catalog.resolve(release.image);
    const version = existing?.labels[RELEASE_VERSION_LABEL];
    if (version && version !== release.version) {
      throw new Error(
        `${where}: the image ${release.image} is labelled ${RELEASE_VERSION_LABEL}=${version}`,
      );
    }
    for (const [name, image] of Object.entries(wanted)) {
      const declared = existing?.references?.[name];
      if (declared && declared !== image) {
        throw new Error(
          `${where}: images.yaml gives the payload ${release.image} the ${name} image ${declared}, not ${image}`,
        );
      }
    }
    if (
      version &&
      Object.keys(wanted).every(name => existing?.references?.[name])
    ) {
      return;
    }
    catalog.add({
      image: release.image,
      labels: { ...existing?.labels, [RELEASE_VERSION_LABEL]: release.version },
      references: { ...existing?.references, ...wanted },
      ...(existing?.base ? { base: existing.base } : {}),
      ...(existing?.broken ? { broken: true } : {}),
      ...(existing?.tags ? { tags: existing.tags } : {}),
    });
  });
}

/**
 * Create the loaded objects in the store: namespaces first, missing namespaces on the fly. Each
 * object keeps its `metadata.generation`; resourceVersions are assigned in load order.
 *
 * @public
 */
export function loadObjects(
  store: InMemoryObjectStore,
  objects: Array<{ object: K8sObject; source: string }>,
): void {
  const sorted = [...objects].sort(
    (a, b) =>
      Number(b.object.kind === 'Namespace') -
      Number(a.object.kind === 'Namespace'),
  );
  for (const { object, source } of sorted) {
    const info = resourceForKind(object.apiVersion, object.kind);
    if (!info) {
      throw new Error(
        `${source}: ${object.apiVersion} ${object.kind} is not a kind the embedded cluster serves`,
      );
    }
    const ns = object.metadata.namespace;
    if (info.namespaced && ns && !store.peek('namespaces', ns)) {
      store.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
        status: { phase: 'Active' },
      });
    }
    if (info.namespaced && !ns) {
      object.metadata.namespace = 'default';
      if (!store.peek('namespaces', 'default')) {
        store.create('namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'default' },
          status: { phase: 'Active' },
        });
      }
    }
    try {
      store.create(info.resource, object, { keepGeneration: true });
    } catch (error) {
      let detail = '';
      if (error instanceof StoreError && error.causes.length > 0) {
        detail = `: ${error.causes
          .map(c => `${c.field}: ${c.message}`)
          .join('; ')}`;
      } else if (error instanceof Error) {
        detail = `: ${error.message}`;
      }
      throw new Error(
        `${source}: cannot load ${object.kind} ${object.metadata.name}${detail}`,
      );
    }
  }
}

/**
 * Build and start the API server, store and image catalogue of an embedded cluster from a state
 * directory or given objects, reloading a persisted snapshot from `dataDir` when there is one.
 *
 * @public
 */
export async function assembleCluster(
  options: AssembleOptions,
): Promise<AssembledCluster> {
  const name = options.name ?? 'embedded';
  const tokens = {
    admin: options.tokens?.admin ?? token(),
    readOnly: options.tokens?.readOnly ?? token(),
  };
  if (tokens.admin === tokens.readOnly)
    throw new Error('the admin and read-only tokens must differ');
  const snapshotPath = options.dataDir
    ? path.join(options.dataDir, SNAPSHOT_FILE)
    : undefined;
  let persisted: PersistedState | undefined;
  if (snapshotPath && fs.existsSync(snapshotPath)) {
    persisted = JSON.parse(
      fs.readFileSync(snapshotPath, 'utf8'),
    ) as PersistedState;
    if (persisted.version !== 1)
      throw new Error(`${snapshotPath}: unknown snapshot version`);
  }
  let state: LoadedState = { objects: [], images: [], releases: [] };
  if (!persisted) {
    if (options.stateDir) {
      state = loadStateDir(options.stateDir, options.includeDirs);
      if (state.anchor !== undefined && options.now !== false) {
        shiftStateTimes(
          state.objects.map(o => o.object),
          state.anchor,
          options.now ?? new Date(),
        );
      }
    }
    state.objects.push(
      ...(options.objects ?? []).map((o, i) => ({
        object: structuredClone(o) as K8sObject,
        source: `objects[${i}]`,
      })),
    );
    state.images.push(...(options.images ?? []));
  }
  const releases = persisted?.releases ?? [
    ...state.releases,
    ...(options.releases ?? []),
  ];
  const objects = persisted
    ? persisted.store.objects.map(o => o.object)
    : state.objects.map(o => o.object);
  const machineOSApiVersion =
    options.machineOSApiVersion ??
    persisted?.store.machineOSApiVersion ??
    machineOSApiVersionFor(objects);
  const validator = await SchemaValidator.create({ machineOSApiVersion });
  const store = new InMemoryObjectStore({
    validator,
    machineOSApiVersion,
    onSubscriberError: error =>
      options.log?.('Store subscriber failed', { error: String(error) }),
  });
  const catalog = new InMemoryImageCatalog();
  if (persisted) {
    store.restore({ ...persisted.store, machineOSApiVersion });
    addImages(catalog, persisted.images);
  } else {
    loadObjects(store, state.objects);
    addImages(catalog, state.images);
  }
  addReleasePayloads(catalog, releases);
  // Every cluster has the `default` namespace.
  if (!store.peek('namespaces', 'default')) {
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default' },
      status: { phase: 'Active' },
    });
  }
  const cv = store.peekList('clusterversions')[0];
  const tls = servingCertificate(options.host ?? '127.0.0.1', options.dataDir);
  const server = new ApiServer({
    tls,
    store,
    catalog,
    validator,
    tokens,
    serviceAccounts: options.serviceAccounts,
    oauth: options.oauth,
    host: options.host,
    port: options.port,
    kubernetesVersion: kubernetesVersionFor(
      cv ? clusterVersionOf(cv) : undefined,
    ),
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    hooks: options.hooks,
    log: options.log,
  });
  const address = await server.listen();
  const url = `http://${address}`;
  const httpsUrl = `https://${address}`;

  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = async () => {
    if (!snapshotPath) return;
    const data: PersistedState = {
      version: 1,
      store: store.snapshot(),
      images: catalog.exportInputs(),
      releases,
    };
    await fs.promises.mkdir(path.dirname(snapshotPath), { recursive: true });
    const tmp = `${snapshotPath}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await fs.promises.rename(tmp, snapshotPath);
  };
  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(write, write);
    await writing;
  };
  const schedule = () => {
    if (!snapshotPath || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      writing = writing.then(write, write).catch(error =>
        options.log?.('Persisting the cluster state failed', {
          error: String(error),
        }),
      );
    }, 250);
  };
  const unsubscribe = store.subscribe(schedule);
  const offImages = catalog.onChange(schedule);
  if (snapshotPath) await flush();

  return {
    name,
    url,
    registryUrl: url,
    registryHost: address,
    httpsUrl,
    caCertificate: tls.cert,
    tokens,
    store,
    catalog,
    validator,
    server,
    releases,
    async writeKubeconfig(file: string) {
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name,
            cluster: {
              server: httpsUrl,
              'certificate-authority-data': Buffer.from(tls.cert).toString(
                'base64',
              ),
            },
          },
        ],
        users: [
          { name: `${name}-admin`, user: { token: tokens.admin } },
          { name: `${name}-read-only`, user: { token: tokens.readOnly } },
          ...(options.serviceAccounts ?? []).map(sa => ({
            name: `${name}-${sa.name}`,
            user: { token: sa.token },
          })),
        ],
        contexts: [
          { name, context: { cluster: name, user: `${name}-admin` } },
          {
            name: `${name}-read-only`,
            context: { cluster: name, user: `${name}-read-only` },
          },
          ...(options.serviceAccounts ?? []).map(sa => ({
            name: `${name}-${sa.name}`,
            context: {
              cluster: name,
              user: `${name}-${sa.name}`,
              namespace: sa.namespace,
            },
          })),
        ],
        'current-context': name,
        preferences: {},
      };
      await fs.promises.mkdir(path.dirname(path.resolve(file)), {
        recursive: true,
      });
      await fs.promises.writeFile(file, stringifyYaml(config), { mode: 0o600 });
    },
    throttle: n => server.throttle(n),
    expireWatchHistory: () => store.expireHistory(),
    closeWatches: () => server.closeWatches(),
    auditEvents: () => server.auditEvents(),
    flush,
    async stop() {
      unsubscribe();
      offImages();
      if (snapshotPath) await flush();
      await server.close();
    },
  };
}
