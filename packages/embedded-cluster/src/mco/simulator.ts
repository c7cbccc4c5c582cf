import type { K8sObject, McoSimulator, McoSimulatorOptions, StoreEvent } from '../store/types';
import { BuildController } from './buildController';
import { BuildJobs } from './buildJob';
import { ClusterVersionController } from './clusterVersionController';
import { KEYS, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import { SimulationContext } from './context';
import { readMosb, readMosc } from './machineOS';
import { poolForNode } from './membership';
import { NodeController } from './nodeController';
import { NodeDaemon } from './nodeDaemon';
import { computePoolStatus } from './poolStatus';
import { isRenderedConfig } from './render';
import { RenderController } from './renderController';
import { LabelSelector, jsonEqual, selectorMatches } from './util';

/**
 * The Machine Config Operator simulation: render controller, build controller, node controller and
 * daemon, pool status and the cluster-version upgrade flow, all driven by the object store's change
 * events (see docs/mco-simulation.md). Each controller lives in its own module; this class wires
 * them, turns store events into live pools, and runs one reconcile pass at a time.
 */
export class McoSimulation implements McoSimulator {
  readonly #ctx: SimulationContext;
  readonly #render: RenderController;
  readonly #builds: BuildController;
  readonly #nodes: NodeController;
  readonly #daemon: NodeDaemon;
  readonly #clusterVersion: ClusterVersionController;
  #unsubscribe?: () => void;
  #started = false;
  #stopped = false;
  #reconcileQueued = false;
  /** Node membership errors already reported (reported again only when they change). */
  #membershipErrors = new Map<string, string>();

  constructor(options: McoSimulatorOptions) {
    this.#ctx = new SimulationContext(options);
    this.#ctx.queueReconcile = () => this.#queueReconcile();
    this.#render = new RenderController(this.#ctx);
    this.#builds = new BuildController(this.#ctx, this.#render, new BuildJobs(this.#ctx));
    this.#nodes = new NodeController(this.#ctx, this.#builds);
    this.#daemon = new NodeDaemon(this.#ctx);
    this.#clusterVersion = new ClusterVersionController(this.#ctx);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const ctx = this.#ctx;
    const pools = ctx.peekList('machineconfigpools');
    this.#render.seed(pools, ctx.peekList('machineconfigs'), ctx.defaults());
    this.#builds.seed();
    this.#daemon.seed(ctx.peekList('nodes'));
    this.#clusterVersion.seed();
    this.#unsubscribe = ctx.store.subscribe(e => this.#onEvent(e));
    if (ctx.live.size > 0) this.#queueReconcile();
    ctx.log('MCO simulation started', { pools: pools.length, livePools: [...ctx.live] });
  }

  settle(): Promise<void> {
    return this.#ctx.scheduler.settle();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#ctx.scheduler.stop();
  }

  // ---------------------------------------------------------------------------------------------
  // Events: mark the pools a change touches as live, then reconcile.

  #onEvent(event: StoreEvent): void {
    if (this.#stopped) return;
    const ctx = this.#ctx;
    const pools = ctx.peekList('machineconfigpools');
    const mark = (name: string | undefined) => {
      if (name) ctx.live.add(name);
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
        for (const node of ctx.peekList('nodes')) {
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
          this.#builds.machineOSConfigDeleted(event.object.metadata.name, pool);
        }
        break;
      }
      case 'machineosbuilds': {
        const view = readMosb(event.object);
        const mosc = ctx.peek('machineosconfigs', view.mosc);
        const pool =
          (mosc && readMosc(mosc).pool) ||
          event.object.metadata.labels?.[KEYS.targetPoolLabel];
        mark(pool);
        if (event.type === 'DELETED') this.#builds.machineOSBuildDeleted(view, pool);
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
    this.#ctx.scheduler.after(0, 'reconcile', () => {
      this.#reconcileQueued = false;
      this.#reconcile();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Reconcile: one pass over every controller, in the order the MCO's controllers depend on.

  #reconcile(): void {
    if (this.#stopped) return;
    const ctx = this.#ctx;
    this.#clusterVersion.reconcile();
    this.#builds.cleanupDeleted();
    // A pool's render inputs change only through events that make it live.
    const machineConfigs = ctx.peekList('machineconfigs');
    const defaults = ctx.defaults();
    for (const pool of ctx.peekList('machineconfigpools')) {
      if (ctx.live.has(pool.metadata.name)) this.#render.reconcile(pool, machineConfigs, defaults);
    }
    for (const mosc of ctx.peekList('machineosconfigs')) {
      const view = readMosc(mosc);
      if (ctx.live.has(view.pool)) this.#builds.reconcile(mosc);
    }
    const { byPool, errors } = ctx.membership();
    for (const [node, error] of errors) {
      if (this.#membershipErrors.get(node) !== error) {
        ctx.log('Node cannot be assigned to a pool', { node, error });
      }
    }
    this.#membershipErrors = errors;
    for (const pool of ctx.peekList('machineconfigpools')) {
      const name = pool.metadata.name;
      if (!ctx.live.has(name)) continue;
      const members = byPool.get(name) ?? [];
      this.#nodes.reconcile(pool, ctx.poolNodes(members));
      for (const node of members) this.#daemon.run(node);
      this.#poolStatus(name, members);
    }
    this.#clusterVersion.completeUpgrade();
  }

  /** The pool status controller: counters and conditions from the member nodes (FACTS §2.2). */
  #poolStatus(poolName: string, members: string[]): void {
    const store = this.#ctx.store;
    const pool = store.get('machineconfigpools', poolName);
    if (!pool) return;
    const status = computePoolStatus({
      pool,
      nodes: this.#ctx.poolNodes(members),
      renderError: this.#render.error(poolName),
      layering: this.#builds.layering(pool),
      now: this.#ctx.now(),
    });
    if (jsonEqual(status, pool.status)) return;
    pool.status = status;
    store.update('machineconfigpools', pool, { subresource: 'status', checkResourceVersion: false });
  }
}
