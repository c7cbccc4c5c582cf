import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  ImageCatalog,
  ImageRecord,
  K8sObject,
  McoSimulator,
  McoSimulatorOptions,
  ObjectStore,
  ReleaseRecord,
  ResourceName,
  StoreEvent,
} from '../store/types';
import {
  BUILD_BACKOFF_LIMIT,
  CLUSTER_VERSION_NAME,
  KEYS,
  MASTER_POOL,
  MCO_NAMESPACE,
  MCO_V1,
  OS_IMAGE_CONFIGMAP,
  UNSCHEDULABLE_TAINT,
} from './constants';
import { evaluateContainerfile } from './containerfile';
import {
  MosbView,
  MoscView,
  buildConditions,
  builderName,
  buildInputsKey,
  builderStatus,
  digestField,
  moscStatus,
  readMosb,
  readMosc,
  replaceTag,
  v1BuildName,
} from './machineOS';
import { poolForNode } from './membership';
import {
  PoolLayering,
  computePoolStatus,
  isNodeDegraded,
  isNodeDone,
  isNodeUnavailable,
  nodeAnnotation,
} from './poolStatus';
import {
  RenderDefaults,
  RenderError,
  isRenderedConfig,
  renderInputsFingerprint,
  renderPool,
} from './render';
import { Scheduler } from './scheduler';
import {
  Condition,
  LabelSelector,
  canonicalJson,
  clone,
  compareStrings,
  errorMessage,
  isoSeconds,
  jsonEqual,
  mergeConditions,
  selectorMatches,
} from './util';

/**
 * Simulated durations in seconds at speed 1 (the scheduler scales them by `speed`).
 */
export const DURATIONS = {
  drain: 3,
  update: 4,
  reboot: 6,
  buildPrepare: 2,
  buildAttempt: 10,
  buildRetry: 2,
  payload: 3,
} as const;

/** Resolve `spec.maxUnavailable` against the pool size (FACTS §2.2: unset → 1, 0 → 1, percent rounds down, at least 1). */
export function resolveMaxUnavailable(value: unknown, machineCount: number): number {
  let n = 1;
  if (typeof value === 'number' && Number.isFinite(value)) {
    n = Math.floor(value);
  } else if (typeof value === 'string') {
    const pct = /^(\d+)%$/.exec(value.trim());
    if (pct) n = Math.floor((machineCount * Number(pct[1])) / 100);
    else if (/^\d+$/.test(value.trim())) n = Number(value.trim());
  }
  return Math.max(1, n);
}

/** Parse `4.18.21` → [4, 18, 21]. */
function versionParts(version: string | undefined): number[] {
  return (version ?? '').split(/[.-]/).slice(0, 3).map(x => Number(x) || 0);
}

const ANNOTATION_REASON_LIMIT = 2000;

/**
 * The Machine Config Operator simulation: render controller, node controller and daemon, pool
 * status, on-cluster layering builds and the cluster-version upgrade flow, all driven by the
 * object store's change events (see docs/mco-simulation.md).
 */
export class McoSimulation implements McoSimulator {
  readonly #store: ObjectStore;
  readonly #images: ImageCatalog;
  readonly #releases: ReleaseRecord[];
  readonly #log: (message: string, meta?: Record<string, unknown>) => void;
  readonly #scheduler: Scheduler;
  #unsubscribe?: () => void;
  #started = false;
  #stopped = false;
  #reconcileQueued = false;
  /** Pools that saw a change after start: only these are reconciled (a loaded state stays as loaded). */
  readonly #live = new Set<string>();
  readonly #renderFingerprints = new Map<string, string>();
  /** The `spec.configuration` the render controller last set (or found at start) per pool. */
  readonly #renderedConfiguration = new Map<string, unknown>();
  readonly #renderErrors = new Map<string, string>();
  readonly #controllerVersions = new Map<string, string>();
  /** `<mosc>/<inputs key>` → existing build name (builds loaded from disk keep their names). */
  readonly #buildAliases = new Map<string, string>();
  /** Build names with a running (simulated) Job, with the build uid. */
  readonly #buildJobs = new Map<string, string>();
  /** Nodes whose daemon is working. */
  readonly #daemons = new Set<string>();
  /** Node → desired `config|image` it degraded on: not retried until the desired state changes. */
  readonly #failedDesired = new Map<string, string>();
  readonly #deletedMoscs: Array<{ name: string; pool: string }> = [];
  readonly #deletedBuilds: Array<{ view: MosbView; pool?: string }> = [];
  #clusterVersionFingerprint?: string;
  #upgrading?: string;
  #lastTimestamp = 0;
  /** MachineOSConfig → why its next build is blocked, as last reported. */
  readonly #blockedBuilds = new Map<string, string>();
  /** Node membership errors already reported (reported again only when they change). */
  #membershipErrors = new Map<string, string>();

  /** Pool membership per node, valid while the node's labels and the pools' selectors stay the same. */
  readonly #membershipCache = new Map<string, { labels: string; pool?: string; error?: string }>();
  #membershipPoolsKey = '';

  constructor(options: McoSimulatorOptions) {
    this.#store = options.store;
    this.#images = options.images;
    this.#releases = options.releases ?? [];
    this.#log = options.log ?? (() => {});
    this.#scheduler = new Scheduler(options.speed, (error, label) =>
      this.#log('MCO simulation step failed', { step: label, error: errorMessage(error) }),
    );
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const pools = this.#peekList('machineconfigpools');
    const mcs = this.#peekList('machineconfigs');
    const defaults = this.#defaults();
    for (const pool of pools) {
      const name = pool.metadata.name;
      this.#renderFingerprints.set(name, renderInputsFingerprint(pool, mcs, defaults));
      const conf = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration;
      if (conf?.name) this.#renderedConfiguration.set(name, clone(conf));
      if (!conf?.name) this.#live.add(name);
      const renderDegraded = ((pool.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
        c => c.type === 'RenderDegraded' && c.status === 'True',
      );
      if (renderDegraded) {
        this.#renderErrors.set(
          name,
          String(renderDegraded.message ?? '').replace(/^Failed to render configuration for pool [^:]*: /, ''),
        );
      }
    }
    for (const mc of mcs) {
      const release = mc.metadata.annotations?.[KEYS.releaseImageVersion];
      const by = mc.metadata.annotations?.[KEYS.generatedBy];
      if (isRenderedConfig(mc) && release && by && !this.#controllerVersions.has(release)) {
        this.#controllerVersions.set(release, by);
      }
    }
    this.#seedBuildAliases();
    for (const node of this.#peekList('nodes')) {
      if (isNodeDegraded(node)) this.#failedDesired.set(node.metadata.name, this.#desiredKey(node));
    }
    const cv = this.#peek('clusterversions', CLUSTER_VERSION_NAME);
    this.#clusterVersionFingerprint = canonicalJson(
      (cv?.spec as { desiredUpdate?: unknown } | undefined)?.desiredUpdate ?? null,
    );
    this.#unsubscribe = this.#store.subscribe(e => this.#onEvent(e));
    if (this.#live.size > 0) this.#queueReconcile();
    this.#log('MCO simulation started', { pools: pools.length, livePools: [...this.#live] });
  }

  settle(): Promise<void> {
    return this.#scheduler.settle();
  }

  /**
   * Read an object without copying it, for looking only: the simulation never mutates what it
   * peeks (writes start from `get`, which copies).
   */
  #peek(resource: ResourceName, name: string, namespace?: string): K8sObject | undefined {
    return this.#store.peek(resource, name, namespace) as K8sObject | undefined;
  }

  /** List objects without copying them, for looking only (see {@link McoSimulation.#peek}). */
  #peekList(resource: ResourceName, namespace?: string): K8sObject[] {
    return this.#store.peekList(resource, namespace) as K8sObject[];
  }

  /** Which pool each node belongs to (FACTS §2.2), cached per node labels and pool selectors. */
  #membership(): { byPool: Map<string, string[]>; errors: Map<string, string> } {
    const pools = this.#peekList('machineconfigpools');
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
    for (const node of this.#peekList('nodes')) {
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
  #poolNodes(names: string[]): K8sObject[] {
    return names.map(n => this.#peek('nodes', n)).filter((n): n is K8sObject => Boolean(n));
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#scheduler.stop();
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  #onEvent(event: StoreEvent): void {
    if (this.#stopped) return;
    const pools = this.#peekList('machineconfigpools');
    const mark = (name: string | undefined) => {
      if (name) this.#live.add(name);
    };
    switch (event.resource) {
      case 'machineconfigpools': {
        mark(event.object.metadata.name);
        const selector = (o: K8sObject | undefined) => (o?.spec as { nodeSelector?: unknown } | undefined)?.nodeSelector;
        if (event.type === 'MODIFIED' && jsonEqual(selector(event.old), selector(event.object))) break;
        // Pools whose node membership changes with this pool's selector change too.
        const others = pools.filter(p => p.metadata.name !== event.object.metadata.name);
        const before = event.old ? [...others, event.old] : others;
        const after = event.type === 'DELETED' ? others : [...others, event.object];
        for (const node of this.#peekList('nodes')) {
          const a = poolForNode(node, before).pool;
          const b = poolForNode(node, after).pool;
          if (a !== b) {
            mark(a);
            mark(b);
          }
        }
        break;
      }
      case 'machineconfigs': {
        if (isRenderedConfig(event.object)) break;
        for (const pool of pools) {
          const sel = (pool.spec as { machineConfigSelector?: LabelSelector } | undefined)
            ?.machineConfigSelector;
          if (
            selectorMatches(sel, event.object.metadata.labels) ||
            (event.old && selectorMatches(sel, event.old.metadata.labels))
          ) {
            mark(pool.metadata.name);
          }
        }
        break;
      }
      case 'configmaps':
        if (
          event.object.metadata.name === OS_IMAGE_CONFIGMAP &&
          event.object.metadata.namespace === MCO_NAMESPACE
        ) {
          for (const pool of pools) mark(pool.metadata.name);
        }
        break;
      case 'nodes':
        mark(poolForNode(event.object, pools).pool);
        if (event.old) mark(poolForNode(event.old, pools).pool);
        break;
      case 'machineosconfigs': {
        const pool = readMosc(event.object).pool;
        mark(pool);
        if (event.old) mark(readMosc(event.old).pool);
        if (event.type === 'DELETED') {
          this.#deletedMoscs.push({ name: event.object.metadata.name, pool });
        }
        break;
      }
      case 'machineosbuilds': {
        const view = readMosb(event.object);
        const mosc = this.#peek('machineosconfigs', view.mosc);
        const pool =
          (mosc && readMosc(mosc).pool) ||
          event.object.metadata.labels?.[KEYS.targetPoolLabel];
        mark(pool);
        if (event.type === 'DELETED') {
          this.#buildJobs.delete(view.name);
          this.#deletedBuilds.push({ view, pool });
        }
        break;
      }
      default:
        break;
    }
    this.#queueReconcile();
  }

  #queueReconcile(): void {
    if (this.#reconcileQueued || this.#stopped) return;
    this.#reconcileQueued = true;
    this.#scheduler.after(0, 'reconcile', () => {
      this.#reconcileQueued = false;
      this.#reconcile();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Reconcile: one pass over every controller, in the order the MCO's controllers depend on.

  #reconcile(): void {
    if (this.#stopped) return;
    this.#clusterVersionController();
    this.#cleanupDeleted();
    // A pool's render inputs change only through events that make it live.
    const machineConfigs = this.#peekList('machineconfigs');
    const defaults = this.#defaults();
    for (const pool of this.#peekList('machineconfigpools')) {
      if (this.#live.has(pool.metadata.name)) this.#renderController(pool, machineConfigs, defaults);
    }
    for (const mosc of this.#peekList('machineosconfigs')) {
      const view = readMosc(mosc);
      if (this.#live.has(view.pool)) this.#buildController(mosc);
    }
    const { byPool, errors } = this.#membership();
    for (const [node, error] of errors) {
      if (this.#membershipErrors.get(node) !== error) {
        this.#log('Node cannot be assigned to a pool', { node, error });
      }
    }
    this.#membershipErrors = errors;
    for (const pool of this.#peekList('machineconfigpools')) {
      const name = pool.metadata.name;
      if (!this.#live.has(name)) continue;
      const members = byPool.get(name) ?? [];
      this.#nodeController(pool, this.#poolNodes(members));
      for (const node of members) this.#daemon(node);
      this.#poolStatusController(name, members);
    }
    this.#upgradeCompletion();
  }

  // ---------------------------------------------------------------------------------------------
  // Render controller

  #defaults(): RenderDefaults | undefined {
    const cm = this.#peek('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
    const data = (cm?.data ?? undefined) as Record<string, string> | undefined;
    if (!data?.baseOSContainerImage) return undefined;
    return {
      baseOSContainerImage: data.baseOSContainerImage,
      baseOSExtensionsContainerImage: data.baseOSExtensionsContainerImage ?? '',
      releaseVersion: data.releaseVersion ?? '',
    };
  }

  #controllerVersion(release: string): string {
    let v = this.#controllerVersions.get(release);
    if (!v) {
      v = createHash('sha1').update(`embedded-openshift-mco/${release}`).digest('hex');
      this.#controllerVersions.set(release, v);
    }
    return v;
  }

  #renderController(pool: K8sObject, mcs: K8sObject[], defaults: RenderDefaults | undefined): void {
    const name = pool.metadata.name;
    const fingerprint = renderInputsFingerprint(pool, mcs, defaults);
    const conf = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration;
    const known = this.#renderFingerprints.get(name);
    if (known === fingerprint && conf?.name) {
      // spec.configuration belongs to the render controller: an edit by anyone else is undone.
      const mine = this.#renderedConfiguration.get(name);
      const fresh = mine && !jsonEqual(mine, conf) ? this.#store.get('machineconfigpools', name) : undefined;
      if (mine && fresh) {
        fresh.spec = { ...(fresh.spec as Record<string, unknown>), configuration: clone(mine) };
        this.#store.update('machineconfigpools', fresh, { checkResourceVersion: false });
        this.#log('Restored the rendered configuration of a pool', { pool: name });
      }
      return;
    }
    this.#renderFingerprints.set(name, fingerprint);
    if (!defaults) {
      this.#renderErrors.set(
        name,
        `ConfigMap ${MCO_NAMESPACE}/${OS_IMAGE_CONFIGMAP} is missing or has no baseOSContainerImage`,
      );
      this.#live.add(name);
      return;
    }
    let result;
    try {
      result = renderPool(pool, mcs, defaults);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      this.#renderErrors.set(name, error.message);
      this.#live.add(name);
      this.#log('Render failed', { pool: name, error: error.message });
      return;
    }
    const owned = mcs.filter(mc =>
      (mc.metadata.ownerReferences ?? []).some(
        r => r.kind === 'MachineConfigPool' && (r.uid === pool.metadata.uid || r.name === name),
      ),
    );
    const same = owned.find(mc => jsonEqual(mc.spec, result.spec));
    const renderedName = same?.metadata.name ?? result.name;
    const release = defaults.releaseVersion;
    try {
      if (same) {
        const next = clone(same);
        const ann = { ...(next.metadata.annotations ?? {}) };
        if (ann[KEYS.releaseImageVersion] !== release) {
          ann[KEYS.releaseImageVersion] = release;
          ann[KEYS.generatedBy] = this.#controllerVersion(release);
        }
        if (result.osImageOverridden) ann[KEYS.osImageUrlOverridden] = 'true';
        else delete ann[KEYS.osImageUrlOverridden];
        if (!jsonEqual(ann, next.metadata.annotations ?? {})) {
          next.metadata.annotations = ann;
          this.#store.update('machineconfigs', next, { checkResourceVersion: false });
        }
      } else {
        const existing = this.#peek('machineconfigs', renderedName);
        const object: K8sObject = {
          apiVersion: MCO_V1,
          kind: 'MachineConfig',
          metadata: {
            name: renderedName,
            annotations: {
              [KEYS.generatedBy]: this.#controllerVersion(release),
              [KEYS.releaseImageVersion]: release,
              ...(result.osImageOverridden ? { [KEYS.osImageUrlOverridden]: 'true' } : {}),
            },
            ownerReferences: [
              {
                apiVersion: MCO_V1,
                kind: 'MachineConfigPool',
                name,
                uid: pool.metadata.uid ?? '',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: result.spec as unknown as Record<string, unknown>,
        };
        if (existing) {
          object.metadata.resourceVersion = existing.metadata.resourceVersion;
          this.#store.update('machineconfigs', object, { checkResourceVersion: false });
        } else {
          this.#store.create('machineconfigs', object);
        }
      }
    } catch (error) {
      this.#renderErrors.set(name, errorMessage(error));
      this.#live.add(name);
      this.#log('Rendered MachineConfig rejected', { pool: name, error: errorMessage(error) });
      return;
    }
    this.#renderErrors.delete(name);
    this.#live.add(name);
    const current = this.#store.get('machineconfigpools', name);
    if (!current) return;
    const configuration = { name: renderedName, source: result.sources };
    this.#renderedConfiguration.set(name, clone(configuration));
    const spec = (current.spec ?? {}) as Record<string, unknown>;
    if (!jsonEqual(spec.configuration, configuration)) {
      current.spec = { ...spec, configuration };
      this.#store.update('machineconfigpools', current, { checkResourceVersion: false });
      this.#log('Rendered new configuration', { pool: name, rendered: renderedName });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // On-cluster layering: build controller

  #moscForPool(pool: string): K8sObject | undefined {
    return this.#peekList('machineosconfigs')
      .filter(m => readMosc(m).pool === pool)
      .sort((a, b) => compareStrings(a.metadata.name, b.metadata.name))[0];
  }

  #buildsOf(mosc: string): K8sObject[] {
    return this.#peekList('machineosbuilds').filter(b => readMosb(b).mosc === mosc);
  }

  #expectedBuildName(pool: K8sObject, mosc: MoscView, rendered: K8sObject): string {
    if (mosc.api === 'v1alpha1') return `${mosc.pool}-${rendered.metadata.name}-builder`;
    const key = buildInputsKey(pool, mosc, rendered);
    return this.#buildAliases.get(`${mosc.name}/${key}`) ?? v1BuildName(mosc.name, key);
  }

  #seedBuildAliases(): void {
    for (const moscObj of this.#peekList('machineosconfigs')) {
      const mosc = readMosc(moscObj);
      if (mosc.api !== 'v1') continue;
      const pool = this.#peek('machineconfigpools', mosc.pool);
      const target = (pool?.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
      const rendered = target ? this.#peek('machineconfigs', target) : undefined;
      if (!pool || !rendered) continue;
      const builds = this.#buildsOf(mosc.name).map(readMosb).filter(b => b.renderedConfig === target);
      const preferred =
        builds.find(b => b.name === mosc.annotations[KEYS.currentMachineOSBuild]) ??
        builds.find(b => b.name === mosc.statusBuild) ??
        builds[0];
      if (preferred) {
        this.#buildAliases.set(`${mosc.name}/${buildInputsKey(pool, mosc, rendered)}`, preferred.name);
      }
    }
  }

  /** The build the pool's status reports on: the newest build of the MachineOSConfig. */
  #currentBuild(mosc: MoscView, pool: K8sObject): MosbView | undefined {
    if (mosc.api === 'v1') {
      const named = mosc.annotations[KEYS.currentMachineOSBuild];
      const b = named ? this.#peek('machineosbuilds', named) : undefined;
      if (b) return readMosb(b);
    }
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    const rendered = target ? this.#peek('machineconfigs', target) : undefined;
    if (!rendered) return undefined;
    const b = this.#peek('machineosbuilds', this.#expectedBuildName(pool, mosc, rendered));
    return b ? readMosb(b) : undefined;
  }

  #buildController(moscObj: K8sObject): void {
    const mosc = readMosc(moscObj);
    const pool = this.#peek('machineconfigpools', mosc.pool);
    if (!pool) return;
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    const rendered = target ? this.#peek('machineconfigs', target) : undefined;
    if (!rendered) return;

    if (mosc.annotations[KEYS.rebuild] !== undefined) {
      const current = this.#currentBuild(mosc, pool);
      if (current) {
        this.#store.delete('machineosbuilds', current.name);
        this.#log('Rebuild requested: deleted the current build', { machineOSConfig: mosc.name, build: current.name });
      }
      for (const k of [...this.#buildAliases.keys()]) {
        if (k.startsWith(`${mosc.name}/`)) this.#buildAliases.delete(k);
      }
      const fresh = this.#store.get('machineosconfigs', mosc.name);
      if (fresh) {
        delete fresh.metadata.annotations?.[KEYS.rebuild];
        this.#store.update('machineosconfigs', fresh, { checkResourceVersion: false });
      }
      return;
    }

    const name = this.#expectedBuildName(pool, mosc, rendered);
    const existing = this.#peek('machineosbuilds', name);
    if (!existing) {
      const blocked = this.#buildBlocked(pool);
      if (blocked) {
        if (this.#blockedBuilds.get(mosc.name) !== blocked) {
          this.#log('New build blocked', { machineOSConfig: mosc.name, reason: blocked });
        }
        this.#blockedBuilds.set(mosc.name, blocked);
        return;
      }
      this.#blockedBuilds.delete(mosc.name);
      this.#createBuild(moscObj, mosc, pool, rendered, name);
      return;
    }
    const view = readMosb(existing);
    if ((view.phase === 'New' || view.phase === 'Prepared' || view.phase === 'Building') && !this.#buildJobs.has(name)) {
      this.#startJob(existing);
    }
    if (view.phase === 'Succeeded' && view.digest) {
      const needsStatus =
        mosc.currentImage !== view.digest || (mosc.api === 'v1' && mosc.statusBuild !== view.name);
      if (needsStatus) {
        const fresh = this.#store.get('machineosconfigs', mosc.name);
        if (fresh) {
          fresh.status = moscStatus(fresh, { name: view.name, digest: view.digest });
          this.#store.update('machineosconfigs', fresh, { subresource: 'status', checkResourceVersion: false });
          this.#log('Published build image', { machineOSConfig: mosc.name, build: view.name, image: view.digest });
        }
      }
    }
  }

  /** Why a new build may not start (FACTS §6), or undefined. */
  #buildBlocked(pool: K8sObject): string | undefined {
    if (this.#renderErrors.has(pool.metadata.name)) return 'RenderDegraded';
    const { byPool } = this.#membership();
    if (this.#poolNodes(byPool.get(pool.metadata.name) ?? []).some(isNodeDegraded)) return 'NodeDegraded';
    return undefined;
  }

  #createBuild(moscObj: K8sObject, mosc: MoscView, pool: K8sObject, rendered: K8sObject, name: string): void {
    const api = mosc.api;
    const apiVersion = this.#store.servedApiVersion('machineosbuilds');
    const others = this.#buildsOf(mosc.name);
    let object: K8sObject;
    if (api === 'v1') {
      object = {
        apiVersion,
        kind: 'MachineOSBuild',
        metadata: {
          name,
          labels: {
            [KEYS.machineOSConfigLabel]: mosc.name,
            [KEYS.renderedConfigLabel]: rendered.metadata.name,
            [KEYS.targetPoolLabel]: pool.metadata.name,
          },
          annotations: mosc.pushSecret ? { [KEYS.pushSecretAnnotation]: mosc.pushSecret } : {},
          finalizers: ['foregroundDeletion'],
          ownerReferences: [
            {
              apiVersion: moscObj.apiVersion,
              kind: 'MachineOSConfig',
              name: mosc.name,
              uid: moscObj.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          machineConfig: { name: rendered.metadata.name },
          machineOSConfig: { name: mosc.name },
          renderedImagePushSpec: replaceTag(mosc.pushSpec, name),
        },
      };
    } else {
      const version = Math.max(0, ...others.map(b => readMosb(b).version ?? 0)) + 1;
      object = {
        apiVersion,
        kind: 'MachineOSBuild',
        metadata: { name },
        spec: {
          configGeneration: mosc.generation,
          version,
          desiredConfig: { name: rendered.metadata.name },
          machineOSConfig: { name: mosc.name },
          renderedImagePushspec: mosc.pushSpec,
        },
      };
    }
    const created = this.#store.create('machineosbuilds', object);
    this.#log('Created build', { machineOSConfig: mosc.name, build: name, rendered: rendered.metadata.name });
    // Every other build of this MachineOSConfig that has not succeeded goes (FACTS §6).
    for (const other of others) {
      const v = readMosb(other);
      if (v.name !== name && v.phase !== 'Succeeded') {
        this.#store.delete('machineosbuilds', v.name);
      }
    }
    if (api === 'v1') {
      const fresh = this.#store.get('machineosconfigs', mosc.name);
      if (fresh && fresh.metadata.annotations?.[KEYS.currentMachineOSBuild] !== name) {
        fresh.metadata.annotations = { ...(fresh.metadata.annotations ?? {}), [KEYS.currentMachineOSBuild]: name };
        this.#store.update('machineosconfigs', fresh, { checkResourceVersion: false });
      }
    }
    this.#startJob(created);
  }

  /** A build object by name, if it is still the same one (same uid). */
  #sameBuild(name: string, uid: string | undefined): K8sObject | undefined {
    const b = this.#store.get('machineosbuilds', name);
    if (!b || b.metadata.uid !== uid || this.#buildJobs.get(name) !== uid) return undefined;
    return b;
  }

  #writeBuildStatus(build: K8sObject, patch: Record<string, unknown>): void {
    build.status = { ...((build.status ?? {}) as Record<string, unknown>), ...patch };
    this.#store.update('machineosbuilds', build, { subresource: 'status', checkResourceVersion: false });
  }

  /** A timestamp strictly after `after` (buildEnd must be after buildStart). */
  #timestampAfter(after: string | undefined): string {
    const now = Date.now();
    const min = after ? Date.parse(after) + 1000 : 0;
    return isoSeconds(Math.max(now, min));
  }

  #now(): string {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp);
    return isoSeconds(this.#lastTimestamp);
  }

  /** Run the build's (simulated) Job: Prepared → Building → pod attempts → Succeeded / Failed. */
  #startJob(buildObj: K8sObject): void {
    const name = buildObj.metadata.name;
    const uid = buildObj.metadata.uid ?? '';
    this.#buildJobs.set(name, uid);
    const view = readMosb(buildObj);
    // Steps of the Job; they refer to each other through this object (retry loops back).
    const steps = {
      attempt: (_n: number): void => {},
      finish: (_n: number, _podName: string | undefined): void => {},
    };
    steps.attempt = (n: number) => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const pod = this.#createBuilderPod(readMosb(b), b, n);
      this.#scheduler.after(DURATIONS.buildAttempt, `build ${name} attempt ${n}`, () => steps.finish(n, pod));
    };
    steps.finish = (n: number, podName: string | undefined) => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const v = readMosb(b);
      const outcome = this.#runBuild(v, b);
      this.#finishPod(podName, outcome.ok ? undefined : outcome.reason);
      const fresh = this.#sameBuild(name, uid);
      if (!fresh) return;
      const now = this.#now();
      const status = (fresh.status ?? {}) as Record<string, unknown>;
      if (outcome.ok) {
        this.#writeBuildStatus(fresh, {
          conditions: buildConditions('Succeeded', status.conditions as Condition[] | undefined, now),
          buildEnd: this.#timestampAfter(status.buildStart as string | undefined),
          [digestField(v.api)]: outcome.digest,
        });
        this.#buildJobs.delete(name);
        this.#log('Build succeeded', { build: name, image: outcome.digest });
        this.#queueReconcile();
        return;
      }
      const attempts = v.api === 'v1' ? BUILD_BACKOFF_LIMIT + 1 : 1;
      if (n < attempts) {
        this.#log('Build attempt failed, retrying', { build: name, attempt: n, reason: outcome.reason });
        this.#scheduler.after(DURATIONS.buildRetry, `build ${name} retry`, () => steps.attempt(n + 1));
        return;
      }
      this.#writeBuildStatus(fresh, {
        conditions: buildConditions('Failed', status.conditions as Condition[] | undefined, now),
        buildEnd: this.#timestampAfter(status.buildStart as string | undefined),
      });
      this.#buildJobs.delete(name);
      this.#log('Build failed', { build: name, attempts: n, reason: outcome.reason });
      this.#queueReconcile();
    };
    const building = () => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const status = (b.status ?? {}) as Record<string, unknown>;
      this.#writeBuildStatus(b, {
        conditions: buildConditions('Building', status.conditions as Condition[] | undefined, this.#now()),
      });
      steps.attempt(1);
    };
    if (view.phase === 'Building') {
      // Resumed after a restart or a pause in reconciliation: the running attempt starts over.
      this.#scheduler.after(0, `build ${name} resume`, () => steps.attempt(1));
      return;
    }
    this.#scheduler.after(0, `build ${name} prepare`, () => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const status = (b.status ?? {}) as Record<string, unknown>;
      const v = readMosb(b);
      this.#writeBuildStatus(b, {
        buildStart: (status.buildStart as string | undefined) ?? this.#now(),
        ...builderStatus(v),
        conditions: buildConditions('Prepared', status.conditions as Condition[] | undefined, this.#now()),
      });
      this.#scheduler.after(DURATIONS.buildPrepare, `build ${name} start`, building);
    });
  }

  #createBuilderPod(build: MosbView, buildObj: K8sObject, attempt: number): string | undefined {
    if (!this.#peek('namespaces', MCO_NAMESPACE)) {
      this.#store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MCO_NAMESPACE } });
    }
    const job = builderName(build);
    let podName = job;
    if (build.api === 'v1') {
      const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
      podName = `${job}-${[...randomBytes(5)].map(x => alphabet[x % alphabet.length]).join('')}`;
    } else if (this.#peek('pods', podName, MCO_NAMESPACE)) {
      this.#store.delete('pods', podName, MCO_NAMESPACE);
    }
    const rendered = this.#peek('machineconfigs', build.renderedConfig);
    const now = this.#now();
    try {
      this.#store.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: MCO_NAMESPACE,
          labels:
            build.api === 'v1'
              ? { 'batch.kubernetes.io/job-name': job, 'job-name': job }
              : {},
          annotations: { 'embedded-openshift/build-attempt': String(attempt) },
          ownerReferences: [
            {
              apiVersion: buildObj.apiVersion,
              kind: 'MachineOSBuild',
              name: build.name,
              uid: buildObj.metadata.uid ?? '',
            },
          ],
        },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'image-build',
              image: String((rendered?.spec as { osImageURL?: string } | undefined)?.osImageURL ?? ''),
            },
          ],
        },
        status: { phase: 'Running', startTime: now },
      });
    } catch (error) {
      this.#log('Could not create builder pod', { build: build.name, error: errorMessage(error) });
      return undefined;
    }
    return podName;
  }

  #finishPod(podName: string | undefined, failure: string | undefined): void {
    if (!podName) return;
    const pod = this.#store.get('pods', podName, MCO_NAMESPACE);
    if (!pod) return;
    const now = this.#now();
    pod.status = {
      ...((pod.status ?? {}) as Record<string, unknown>),
      phase: failure ? 'Failed' : 'Succeeded',
      containerStatuses: [
        {
          name: 'image-build',
          ready: false,
          restartCount: 0,
          state: {
            terminated: {
              exitCode: failure ? 1 : 0,
              reason: failure ? 'Error' : 'Completed',
              ...(failure ? { message: failure } : {}),
              finishedAt: now,
            },
          },
        },
      ],
    };
    this.#store.update('pods', pod, { checkResourceVersion: false });
  }

  /** Build the image: check the inputs, push to the registry, return the digest pull spec. */
  #runBuild(
    build: MosbView,
    buildObj: K8sObject,
  ): { ok: true; digest: string } | { ok: false; reason: string } {
    const rendered = this.#peek('machineconfigs', build.renderedConfig);
    if (!rendered) return { ok: false, reason: `rendered MachineConfig ${build.renderedConfig} not found` };
    const base = String((rendered.spec as { osImageURL?: string } | undefined)?.osImageURL ?? '');
    const baseRecord = this.#images.resolve(base);
    if (!baseRecord) {
      return { ok: false, reason: `failed to pull base image ${base}: manifest unknown to the registry` };
    }
    const moscObj = this.#peek('machineosconfigs', build.mosc);
    const mosc = moscObj ? readMosc(moscObj) : undefined;
    const verdict = evaluateContainerfile(mosc?.containerfile);
    if (!verdict.ok) return verdict;
    const release = rendered.metadata.annotations?.[KEYS.releaseImageVersion];
    const [major, minor] = versionParts(release);
    const labels: Record<string, string> = {
      ...verdict.labels,
      machineconfig: build.renderedConfig,
      machineconfigpool: mosc?.pool ?? buildObj.metadata.labels?.[KEYS.targetPoolLabel] ?? '',
      baseOSContainerImage: base,
      ...(release && major === 4 && minor <= 17 ? { releaseversion: release } : {}),
    };
    const tagged = build.api === 'v1' ? replaceTag(build.pushSpec, build.name) : build.pushSpec;
    try {
      const record = this.#images.add({
        image: tagged,
        base: baseRecord.image,
        labels,
        ...(baseRecord.broken ? { broken: true } : {}),
      });
      return { ok: true, digest: record.image };
    } catch (error) {
      return { ok: false, reason: `failed to push ${tagged}: ${errorMessage(error)}` };
    }
  }

  #cleanupDeleted(): void {
    while (this.#deletedMoscs.length > 0) {
      const { name } = this.#deletedMoscs.shift()!;
      for (const b of this.#buildsOf(name)) {
        this.#store.delete('machineosbuilds', b.metadata.name);
      }
      for (const k of [...this.#buildAliases.keys()]) {
        if (k.startsWith(`${name}/`)) this.#buildAliases.delete(k);
      }
      this.#log('MachineOSConfig deleted: removed its builds', { machineOSConfig: name });
    }
    const release = this.#defaults()?.releaseVersion;
    const [major, minor] = versionParts(release);
    const pruning = major > 4 || (major === 4 && minor >= 20);
    while (this.#deletedBuilds.length > 0) {
      const { view } = this.#deletedBuilds.shift()!;
      if (!pruning || !view.digest) continue;
      const inUse = this.#peekList('nodes').some(
        n =>
          nodeAnnotation(n, KEYS.currentImage) === view.digest ||
          nodeAnnotation(n, KEYS.desiredImage) === view.digest,
      );
      if (inUse) {
        this.#log('Build deleted; image kept because a node uses it', { build: view.name, image: view.digest });
        continue;
      }
      if (this.#images.remove(view.digest)) {
        this.#log('Build deleted; pruned its image', { build: view.name, image: view.digest });
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Node controller

  #layering(pool: K8sObject): PoolLayering {
    const moscObj = this.#moscForPool(pool.metadata.name);
    if (moscObj) {
      const mosc = readMosc(moscObj);
      return { kind: 'layered', mosc, build: this.#currentBuild(mosc, pool) };
    }
    const had = ((pool.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some(
      c => c.type === 'ImageBuildDegraded',
    );
    return had ? { kind: 'removed' } : { kind: 'none' };
  }

  /** What the pool's nodes should run: config and (layered) image, or undefined while a build is pending. */
  #rolloutTarget(pool: K8sObject, layering: PoolLayering): { config: string; image?: string } | undefined {
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    if (!target) return undefined;
    if (layering.kind !== 'layered') return { config: target };
    const image = layering.mosc.currentImage;
    if (!image) return undefined;
    const published = layering.mosc.api === 'v1'
      ? layering.mosc.statusBuild && this.#peek('machineosbuilds', layering.mosc.statusBuild)
      : this.#peekList('machineosbuilds').find(b => {
          const v = readMosb(b);
          return v.mosc === layering.mosc.name && v.renderedConfig === target && v.digest === image;
        });
    if (!published) return undefined;
    const v = readMosb(published);
    if (v.phase !== 'Succeeded' || v.digest !== image || v.renderedConfig !== target) return undefined;
    return { config: target, image };
  }

  #nodeController(pool: K8sObject, nodes: K8sObject[]): void {
    if ((pool.spec as { paused?: boolean } | undefined)?.paused) return;
    const want = this.#rolloutTarget(pool, this.#layering(pool));
    if (!want) return;
    const needs = nodes
      .filter(
        n =>
          nodeAnnotation(n, KEYS.desiredConfig) !== want.config ||
          nodeAnnotation(n, KEYS.desiredImage) !== want.image,
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    if (needs.length === 0) return;
    const max = resolveMaxUnavailable((pool.spec as { maxUnavailable?: unknown }).maxUnavailable, nodes.length);
    let unavailable = nodes.filter(isNodeUnavailable).length;
    for (const node of needs) {
      const state = nodeAnnotation(node, KEYS.state);
      if (state === 'Working') continue;
      const alreadyUnavailable = isNodeUnavailable(node);
      if (!alreadyUnavailable) {
        if (unavailable >= max) continue;
        unavailable++;
      }
      const fresh = this.#store.get('nodes', node.metadata.name);
      if (!fresh) continue;
      const ann = { ...(fresh.metadata.annotations ?? {}) };
      ann[KEYS.desiredConfig] = want.config;
      if (want.image) ann[KEYS.desiredImage] = want.image;
      else delete ann[KEYS.desiredImage];
      fresh.metadata.annotations = ann;
      this.#store.update('nodes', fresh, { checkResourceVersion: false });
      this.#log('Node given a new desired config', {
        node: node.metadata.name,
        pool: pool.metadata.name,
        desiredConfig: want.config,
        ...(want.image ? { desiredImage: want.image } : {}),
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Daemon (and drain controller): drain → update → reboot → done

  #desiredKey(node: K8sObject): string {
    return `${nodeAnnotation(node, KEYS.desiredConfig) ?? ''}|${nodeAnnotation(node, KEYS.desiredImage) ?? ''}`;
  }

  #writeNode(node: K8sObject): void {
    this.#store.update('nodes', node, { checkResourceVersion: false });
  }

  #setReady(node: K8sObject, ready: boolean, now: string): void {
    const status = (node.status ?? {}) as { conditions?: Condition[] };
    const conditions = (status.conditions ?? []).map(c => ({ ...c }));
    const wanted: Condition = ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'node is rebooting' };
    const merged = mergeConditions(conditions, [wanted], now).map(c =>
      c.type === 'Ready' ? { ...c, lastHeartbeatTime: now } : c,
    );
    node.status = { ...status, conditions: merged };
  }

  #daemon(nodeName: string): void {
    if (this.#daemons.has(nodeName)) return;
    const node = this.#peek('nodes', nodeName);
    if (!node) return;
    const desired = nodeAnnotation(node, KEYS.desiredConfig);
    if (!desired || isNodeDone(node)) return;
    const key = this.#desiredKey(node);
    if (isNodeDegraded(node)) {
      // A degraded daemon waits for a new desired config or image before it tries again.
      if (!this.#failedDesired.has(nodeName)) this.#failedDesired.set(nodeName, key);
      if (this.#failedDesired.get(nodeName) === key) return;
    }
    this.#daemons.add(nodeName);
    const drain = `drain-${desired}`;
    const state = nodeAnnotation(node, KEYS.state);
    const drained = state === 'Working' && nodeAnnotation(node, KEYS.lastAppliedDrain) === drain;
    if (drained && nodeAnnotation(node, KEYS.postConfigAction) === 'Rebooting') {
      this.#scheduler.after(DURATIONS.reboot, `node ${nodeName} reboot`, () => this.#daemonBooted(nodeName, key));
    } else if (drained) {
      this.#scheduler.after(DURATIONS.update, `node ${nodeName} update`, () => this.#daemonUpdate(nodeName, key));
    } else {
      this.#scheduler.after(0, `node ${nodeName} begin`, () => this.#daemonBegin(nodeName, key));
    }
  }

  /** The node's desired state changed under the daemon: start over with the new one. */
  #daemonRestart(nodeName: string): void {
    this.#daemons.delete(nodeName);
    this.#queueReconcile();
  }

  #daemonBegin(nodeName: string, key: string): void {
    const node = this.#store.get('nodes', nodeName);
    if (!node || this.#desiredKey(node) !== key) {
      this.#daemonRestart(nodeName);
      return;
    }
    const desired = nodeAnnotation(node, KEYS.desiredConfig)!;
    node.metadata.annotations = {
      ...(node.metadata.annotations ?? {}),
      [KEYS.state]: 'Working',
      [KEYS.reason]: '',
      [KEYS.desiredDrain]: `drain-${desired}`,
    };
    this.#writeNode(node);
    this.#scheduler.after(DURATIONS.drain, `node ${nodeName} drain`, () => {
      const n = this.#store.get('nodes', nodeName);
      if (!n || this.#desiredKey(n) !== key) {
        this.#daemonRestart(nodeName);
        return;
      }
      const spec = (n.spec ?? {}) as { unschedulable?: boolean; taints?: Array<Record<string, unknown>> };
      const taints = (spec.taints ?? []).filter(t => t.key !== UNSCHEDULABLE_TAINT);
      taints.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: this.#now() });
      n.spec = { ...spec, unschedulable: true, taints };
      n.metadata.annotations = { ...(n.metadata.annotations ?? {}), [KEYS.lastAppliedDrain]: `drain-${desired}` };
      this.#writeNode(n);
      this.#scheduler.after(DURATIONS.update, `node ${nodeName} update`, () => this.#daemonUpdate(nodeName, key));
    });
  }

  #daemonUpdate(nodeName: string, key: string): void {
    const node = this.#store.get('nodes', nodeName);
    if (!node || this.#desiredKey(node) !== key) {
      this.#daemonRestart(nodeName);
      return;
    }
    node.metadata.annotations = { ...(node.metadata.annotations ?? {}), [KEYS.postConfigAction]: 'Rebooting' };
    this.#setReady(node, false, this.#now());
    this.#writeNode(node);
    this.#scheduler.after(DURATIONS.reboot, `node ${nodeName} reboot`, () => this.#daemonBooted(nodeName, key));
  }

  /** The image a node boots for its desired state: desiredImage (layered) or the render's osImageURL. */
  #bootImage(node: K8sObject): string | undefined {
    const image = nodeAnnotation(node, KEYS.desiredImage);
    if (image) return image;
    const desired = nodeAnnotation(node, KEYS.desiredConfig);
    const rendered = desired ? this.#peek('machineconfigs', desired) : undefined;
    return (rendered?.spec as { osImageURL?: string } | undefined)?.osImageURL;
  }

  /**
   * The RHCOS build and kernel a node reports for a booted image. os-release comes from the RHCOS
   * image at the root of the FROM chain (a derived image keeps it even when a LABEL overrides the
   * version label), so the root's labels win; the image's own labels are the fallback.
   */
  #bootedOs(record: ImageRecord): { version?: string; kernel?: string } {
    let root = record;
    const seen = new Set<string>([record.image]);
    while (root.base) {
      const parent = this.#images.resolve(root.base);
      if (!parent || seen.has(parent.image)) break;
      seen.add(parent.image);
      root = parent;
    }
    const version = (r: ImageRecord) => r.labels['org.opencontainers.image.version'] ?? r.labels.version;
    return {
      version: version(root) ?? version(record),
      kernel: root.labels['ostree.linux'] ?? record.labels['ostree.linux'],
    };
  }

  #daemonBooted(nodeName: string, key: string): void {
    const node = this.#store.get('nodes', nodeName);
    if (!node) {
      this.#daemons.delete(nodeName);
      return;
    }
    const now = this.#now();
    const ann = { ...(node.metadata.annotations ?? {}) };
    const desired = ann[KEYS.desiredConfig] ?? '';
    const image = this.#bootImage(node);
    const record = image ? this.#images.resolve(image) : undefined;
    const status = (node.status ?? {}) as { nodeInfo?: Record<string, unknown> };
    this.#setReady(node, true, now);
    if (record?.broken) {
      // The new deployment does not come up healthy: the node falls back to its previous
      // deployment and the daemon reports Degraded; it stays cordoned.
      const reason = `failed to boot OS image ${image}: the node fell back to its previous deployment (image marked broken)`;
      ann[KEYS.state] = 'Degraded';
      ann[KEYS.reason] = reason.slice(0, ANNOTATION_REASON_LIMIT);
      ann[KEYS.postConfigAction] = '';
      node.metadata.annotations = ann;
      this.#writeNode(node);
      this.#failedDesired.set(nodeName, key);
      this.#daemons.delete(nodeName);
      this.#log('Node degraded: broken OS image', { node: nodeName, image });
      this.#queueReconcile();
      return;
    }
    ann[KEYS.currentConfig] = desired;
    if (ann[KEYS.desiredImage]) ann[KEYS.currentImage] = ann[KEYS.desiredImage];
    else delete ann[KEYS.currentImage];
    ann[KEYS.state] = 'Done';
    ann[KEYS.reason] = '';
    ann[KEYS.postConfigAction] = '';
    ann[KEYS.desiredDrain] = `uncordon-${desired}`;
    ann[KEYS.lastAppliedDrain] = `uncordon-${desired}`;
    node.metadata.annotations = ann;
    const spec = { ...((node.spec ?? {}) as { unschedulable?: boolean; taints?: Array<{ key: string }> }) };
    delete spec.unschedulable;
    const taints = (spec.taints ?? []).filter(t => t.key !== UNSCHEDULABLE_TAINT);
    if (taints.length > 0) spec.taints = taints;
    else delete spec.taints;
    node.spec = spec;
    const nodeInfo = { ...(status.nodeInfo ?? {}) };
    const os = record ? this.#bootedOs(record) : undefined;
    if (os?.version) {
      nodeInfo.osImage = osImageName(os.version);
      if (os.kernel) nodeInfo.kernelVersion = os.kernel;
    } else {
      this.#log('Booted image unknown to the registry or without a version label; osImage unchanged', {
        node: nodeName,
        image,
      });
    }
    nodeInfo.bootID = randomUUID();
    node.status = { ...(node.status as Record<string, unknown>), nodeInfo };
    this.#writeNode(node);
    this.#failedDesired.delete(nodeName);
    this.#daemons.delete(nodeName);
    this.#log('Node updated', { node: nodeName, config: desired, image });
    this.#queueReconcile();
  }

  // ---------------------------------------------------------------------------------------------
  // Pool status

  #poolStatusController(poolName: string, members: string[]): void {
    const pool = this.#store.get('machineconfigpools', poolName);
    if (!pool) return;
    const status = computePoolStatus({
      pool,
      nodes: this.#poolNodes(members),
      renderError: this.#renderErrors.get(poolName),
      layering: this.#layering(pool),
      now: this.#now(),
    });
    if (jsonEqual(status, pool.status)) return;
    pool.status = status;
    this.#store.update('machineconfigpools', pool, { subresource: 'status', checkResourceVersion: false });
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster version: upgrades

  #clusterVersionController(): void {
    const cv = this.#store.get('clusterversions', CLUSTER_VERSION_NAME);
    if (!cv) return;
    const desiredUpdate = (cv.spec as { desiredUpdate?: { version?: string; image?: string } } | undefined)
      ?.desiredUpdate;
    const fingerprint = canonicalJson(desiredUpdate ?? null);
    if (fingerprint === this.#clusterVersionFingerprint) return;
    this.#clusterVersionFingerprint = fingerprint;
    if (!desiredUpdate || (!desiredUpdate.version && !desiredUpdate.image)) return;
    const status = clone((cv.status ?? {}) as Record<string, unknown>) as {
      desired?: { version?: string; image?: string; channels?: string[] };
      history?: Array<Record<string, unknown>>;
      conditions?: Condition[];
      observedGeneration?: number;
    };
    const now = this.#now();
    const release = this.#releases.find(
      r =>
        (!desiredUpdate.version || r.version === desiredUpdate.version) &&
        (!desiredUpdate.image || r.image === desiredUpdate.image),
    );
    status.observedGeneration = cv.metadata.generation ?? status.observedGeneration;
    if (!release) {
      const known = this.#releases.map(r => r.version).join(', ') || 'none';
      status.conditions = mergeConditions(
        status.conditions,
        [
          {
            type: 'ReleaseAccepted',
            status: 'False',
            reason: 'RetrievePayload',
            message: `Retrieving payload failed version="${desiredUpdate.version ?? ''}" image="${desiredUpdate.image ?? ''}": the release is not in this cluster's release catalogue (known: ${known})`,
          },
        ],
        now,
      );
      cv.status = status;
      this.#store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
      this.#log('Requested release unknown', { version: desiredUpdate.version, image: desiredUpdate.image });
      return;
    }
    const accepted: Condition = {
      type: 'ReleaseAccepted',
      status: 'True',
      reason: 'PayloadLoaded',
      message: `Payload loaded version="${release.version}" image="${release.image}"`,
    };
    const current = this.#defaults()?.releaseVersion;
    if (status.desired?.version === release.version && current === release.version) {
      status.conditions = mergeConditions(status.conditions, [accepted], now);
      cv.status = status;
      this.#store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
      return;
    }
    status.desired = { ...(status.desired ?? {}), version: release.version, image: release.image };
    status.history = [
      {
        state: 'Partial',
        startedTime: now,
        completionTime: null,
        version: release.version,
        image: release.image,
        verified: true,
      },
      ...(status.history ?? []),
    ];
    status.conditions = mergeConditions(
      status.conditions,
      [
        accepted,
        { type: 'Progressing', status: 'True', reason: '', message: `Working towards ${release.version}` },
      ],
      now,
    );
    cv.status = status;
    this.#store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
    this.#upgrading = release.version;
    this.#log('Cluster upgrade started', { version: release.version });
    this.#scheduler.after(DURATIONS.payload, 'upgrade payload', () => {
      const cm = this.#store.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
      if (!cm || this.#upgrading !== release.version) return;
      const data = { ...((cm.data ?? {}) as Record<string, string>) };
      data.baseOSContainerImage = release.rhcosImage;
      if (release.extensionsImage) data.baseOSExtensionsContainerImage = release.extensionsImage;
      data.releaseVersion = release.version;
      cm.data = data;
      this.#store.update('configmaps', cm, { checkResourceVersion: false });
      this.#log('Release default OS image moved', { version: release.version, image: release.rhcosImage });
    });
  }

  #upgradeCompletion(): void {
    const version = this.#upgrading;
    if (!version || this.#defaults()?.releaseVersion !== version) return;
    const pools = this.#peekList('machineconfigpools');
    let required = pools.filter(p => p.metadata.labels?.[KEYS.requiredForUpgrade] !== undefined);
    if (required.length === 0) required = pools.filter(p => p.metadata.name === MASTER_POOL);
    const done = required.every(p => {
      const specName = (p.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
      const status = (p.status ?? {}) as {
        configuration?: { name?: string };
        machineCount?: number;
        updatedMachineCount?: number;
      };
      const rendered = specName ? this.#peek('machineconfigs', specName) : undefined;
      return (
        rendered?.metadata.annotations?.[KEYS.releaseImageVersion] === version &&
        status.configuration?.name === specName &&
        status.machineCount === status.updatedMachineCount
      );
    });
    if (!done) return;
    const cv = this.#store.get('clusterversions', CLUSTER_VERSION_NAME);
    if (!cv) return;
    const now = this.#now();
    const status = clone((cv.status ?? {}) as Record<string, unknown>) as {
      history?: Array<Record<string, unknown>>;
      conditions?: Condition[];
    };
    const history = status.history ?? [];
    if (history[0]?.version === version && history[0].state === 'Partial') {
      history[0] = { ...history[0], state: 'Completed', completionTime: now };
    }
    status.history = history;
    status.conditions = mergeConditions(
      status.conditions,
      [
        { type: 'Available', status: 'True', reason: '', message: `Done applying ${version}` },
        { type: 'Progressing', status: 'False', reason: '', message: `Cluster version is ${version}` },
      ],
      now,
    );
    cv.status = status;
    this.#store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
    this.#upgrading = undefined;
    this.#log('Cluster upgrade completed', { version });
  }
}

/**
 * `status.nodeInfo.osImage` for an RHCOS build ID (FACTS §3): legacy IDs (`418.94.…`) read
 * `Red Hat Enterprise Linux CoreOS <id>`; RHEL-style IDs (`9.6.…`) carry the RHEL 9 codename.
 */
export function osImageName(version: string): string {
  return /^\d+\.\d+\.\d{8}-\d+$/.test(version)
    ? `Red Hat Enterprise Linux CoreOS ${version} (Plow)`
    : `Red Hat Enterprise Linux CoreOS ${version}`;
}
