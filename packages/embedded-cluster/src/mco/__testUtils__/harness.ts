import path from 'node:path';
import { InMemoryObjectStore } from '../../store/ObjectStore';
import { InMemoryImageCatalog, ImageInput } from '../../registry/ImageCatalog';
import { SchemaValidator } from '../../schema/SchemaValidator';
import { addImages, loadObjects } from '../../assemble';
import { loadStateDir, machineOSApiVersionFor } from '../../state/loadState';
import type { K8sObject, ReleaseRecord, StoreEvent } from '../../store/types';
import { createMcoSimulator } from '..';
import type { McoSimulator } from '../../store/types';

/** Folder of the packaged states. */
export const STATES_DIR = path.resolve(__dirname, '../../../states');

const validators = new Map<string, Promise<SchemaValidator>>();

/** A validating store, the image catalogue and a started simulation at speed 0. */
export interface SimulatedCluster {
  store: InMemoryObjectStore;
  catalog: InMemoryImageCatalog;
  sim: McoSimulator;
  releases: ReleaseRecord[];
  /** Store events since the simulation started. */
  events: StoreEvent[];
  logs: Array<{ message: string; meta?: Record<string, unknown> }>;
  /** Simulation steps that threw, and subscriber errors. */
  failures(): string[];
  settle(): Promise<void>;
  stop(): void;
  get(resource: Parameters<InMemoryObjectStore['get']>[0], name: string, namespace?: string): K8sObject;
  /** Read-modify-write of an object (as an API client would), returning the stored result. */
  edit(
    resource: Parameters<InMemoryObjectStore['get']>[0],
    name: string,
    change: (o: K8sObject) => void,
    namespace?: string,
  ): K8sObject;
}

/**
 * Load a state folder (or objects) into the real store with CRD validation and start the
 * simulation on it. The caller must `stop()` it.
 */
export async function simulatedCluster(options: {
  state?: string;
  objects?: K8sObject[];
  images?: ImageInput[];
  releases?: ReleaseRecord[];
  /** Adjust the loaded objects before they go into the store. */
  prepare?: (objects: K8sObject[]) => void;
}): Promise<SimulatedCluster> {
  const loaded = options.state
    ? loadStateDir(path.join(STATES_DIR, options.state))
    : { objects: [], images: [], releases: [] };
  const objects = [...loaded.objects.map(o => o.object), ...(options.objects ?? [])];
  options.prepare?.(objects);
  const api = machineOSApiVersionFor(objects);
  let validator = validators.get(api);
  if (!validator) {
    validator = SchemaValidator.create({ machineOSApiVersion: api });
    validators.set(api, validator);
  }
  const errors: string[] = [];
  const store = new InMemoryObjectStore({
    machineOSApiVersion: api,
    validator: await validator,
    onSubscriberError: e => errors.push(`subscriber: ${e instanceof Error ? e.stack : String(e)}`),
  });
  const catalog = new InMemoryImageCatalog();
  addImages(catalog, [...loaded.images, ...(options.images ?? [])]);
  loadObjects(store, objects.map((object, i) => ({ object, source: `object ${i}` })));
  const releases = [...loaded.releases, ...(options.releases ?? [])];
  const logs: SimulatedCluster['logs'] = [];
  const events: StoreEvent[] = [];
  const sim = createMcoSimulator({
    store,
    images: catalog,
    releases,
    registryHost: 'registry.embedded.test:5000',
    speed: 0,
    log: (message, meta) => {
      logs.push({ message, meta });
      if (message === 'MCO simulation step failed') errors.push(`${meta?.step}: ${meta?.error}`);
    },
  });
  store.subscribe(e => events.push(e));
  sim.start();
  return {
    store,
    catalog,
    sim,
    releases,
    events,
    logs,
    failures: () => [...errors],
    settle: () => sim.settle(),
    stop: () => sim.stop(),
    get(resource, name, namespace) {
      const o = store.get(resource, name, namespace);
      if (!o) throw new Error(`${resource} ${name} not found`);
      return o;
    },
    edit(resource, name, change, namespace) {
      const o = store.get(resource, name, namespace);
      if (!o) throw new Error(`${resource} ${name} not found`);
      change(o);
      return store.update(resource, o);
    },
  };
}

/** An MCO annotation of a node. */
export function ann(node: K8sObject, key: string): string | undefined {
  return node.metadata.annotations?.[`machineconfiguration.openshift.io/${key}`];
}

/** A condition of an object's status. */
export function cond(object: K8sObject, type: string): { status?: string; reason?: string; message?: string } {
  const conditions = (object.status as { conditions?: Array<{ type: string; status?: string; reason?: string; message?: string }> } | undefined)?.conditions ?? [];
  return conditions.find(c => c.type === type) ?? {};
}

/** Throw when a simulation step failed during a test (used in afterEach). */
export function assertNoFailures(c: SimulatedCluster): void {
  const failures = c.failures();
  if (failures.length > 0) {
    throw new Error(`simulation steps failed:\n${failures.join('\n')}`);
  }
}

/**
 * Gives each test of the enclosing `describe` a fresh simulated cluster of `state`, handed to
 * `use` before the test; after it the simulation stops and must have recorded no failure.
 */
export function useSimulatedCluster(state: string, use: (cluster: SimulatedCluster) => void): void {
  let current: SimulatedCluster | undefined;
  beforeEach(async () => {
    current = await simulatedCluster({ state });
    use(current);
  }, 30_000);
  afterEach(() => {
    if (!current) return;
    current.stop();
    assertNoFailures(current);
  });
}
