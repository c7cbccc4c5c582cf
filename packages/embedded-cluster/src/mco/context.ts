import type {
  ImageCatalog,
  K8sObject,
  McoSimulatorOptions,
  ObjectStore,
  ReleaseRecord,
  ResourceName,
} from '../store/types';
import { MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import { poolForNode } from './membership';
import type { RenderDefaults } from './render';
import { Scheduler } from './scheduler';
import { canonicalJson, errorMessage, isoSeconds } from './util';

/**
 * What every controller of the simulation shares: the store, the registry's images, the release
 * catalogue, the log, the scheduler, the set of live pools, one clock and the node membership.
 */
export class SimulationContext {
  readonly store: ObjectStore;
  readonly images: ImageCatalog;
  readonly releases: ReleaseRecord[];
  readonly log: (message: string, meta?: Record<string, unknown>) => void;
  readonly scheduler: Scheduler;
  /** Pools that saw a change after start: only these are reconciled (a loaded state stays as loaded). */
  readonly live = new Set<string>();
  /** Asks for one more reconcile pass (set by the simulation that owns this context). */
  queueReconcile: () => void = () => {};
  #lastTimestamp = 0;
  /** Pool membership per node, valid while the node's labels and the pools' selectors stay the same. */
  readonly #membershipCache = new Map<string, { labels: string; pool?: string; error?: string }>();
  #membershipPoolsKey = '';

  constructor(options: McoSimulatorOptions) {
    this.store = options.store;
    this.images = options.images;
    this.releases = options.releases ?? [];
    this.log = options.log ?? (() => {});
    this.scheduler = new Scheduler(options.speed, (error, label) =>
      this.log('MCO simulation step failed', { step: label, error: errorMessage(error) }),
    );
  }

  /**
   * Read an object without copying it, for looking only: the simulation never mutates what it
   * peeks (writes start from `get`, which copies).
   */
  peek(resource: ResourceName, name: string, namespace?: string): K8sObject | undefined {
    return this.store.peek(resource, name, namespace) as K8sObject | undefined;
  }

  /** List objects without copying them, for looking only (see {@link SimulationContext.peek}). */
  peekList(resource: ResourceName, namespace?: string): K8sObject[] {
    return this.store.peekList(resource, namespace) as K8sObject[];
  }

  /** The current time in whole seconds, never earlier than a time this clock gave before. */
  now(): string {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp);
    return isoSeconds(this.#lastTimestamp);
  }

  /** The release's default OS images from the operator's ConfigMap, or undefined when it has none. */
  defaults(): RenderDefaults | undefined {
    const cm = this.peek('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
    const data = (cm?.data ?? undefined) as Record<string, string> | undefined;
    if (!data?.baseOSContainerImage) return undefined;
    return {
      baseOSContainerImage: data.baseOSContainerImage,
      baseOSExtensionsContainerImage: data.baseOSExtensionsContainerImage ?? '',
      releaseVersion: data.releaseVersion ?? '',
    };
  }

  /** Which pool each node belongs to (FACTS §2.2), cached per node labels and pool selectors. */
  membership(): { byPool: Map<string, string[]>; errors: Map<string, string> } {
    const pools = this.peekList('machineconfigpools');
    const poolsKey = canonicalJson(
      pools.map(p => [p.metadata.name, (p.spec as { nodeSelector?: unknown } | undefined)?.nodeSelector ?? null]),
    );
    if (poolsKey !== this.#membershipPoolsKey) {
      this.#membershipCache.clear();
      this.#membershipPoolsKey = poolsKey;
    }
    const byPool = new Map<string, string[]>(pools.map(p => [p.metadata.name, []]));
    const errors = new Map<string, string>();
    const seen = new Set<string>();
    for (const node of this.peekList('nodes')) {
      const name = node.metadata.name;
      seen.add(name);
      const labels = JSON.stringify(node.metadata.labels ?? {});
      let entry = this.#membershipCache.get(name);
      if (!entry || entry.labels !== labels) {
        entry = { labels, ...poolForNode(node, pools) };
        this.#membershipCache.set(name, entry);
      }
      if (entry.error) errors.set(name, entry.error);
      if (entry.pool) byPool.get(entry.pool)?.push(name);
    }
    for (const name of [...this.#membershipCache.keys()]) {
      if (!seen.has(name)) this.#membershipCache.delete(name);
    }
    return { byPool, errors };
  }

  /** Current node objects of a pool (for looking only). */
  poolNodes(names: string[]): K8sObject[] {
    return names.map(n => this.peek('nodes', n)).filter((n): n is K8sObject => Boolean(n));
  }
}
