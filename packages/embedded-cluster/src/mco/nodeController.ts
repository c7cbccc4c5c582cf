import type { K8sObject } from '../store/types';
import { KEYS, MASTER_POOL, MCO_NAMESPACE } from './constants';
import type { BuildController } from './buildController';
import type { SimulationContext } from './context';
import { readMosb } from './machineOS';
import { PoolLayering, isNodeUnavailable, nodeAnnotation } from './poolStatus';

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

/**
 * The node controller: gives a pool's nodes the desired config (and layered image) the pool
 * should run, at most `maxUnavailable` at a time, never while the pool is paused.
 */
export class NodeController {
  readonly #ctx: SimulationContext;
  readonly #builds: BuildController;

  constructor(ctx: SimulationContext, builds: BuildController) {
    this.#ctx = ctx;
    this.#builds = builds;
  }

  /** What the pool's nodes should run: config and (layered) image, or undefined while a build is pending. */
  #rolloutTarget(pool: K8sObject, layering: PoolLayering): { config: string; image?: string } | undefined {
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    if (!target) return undefined;
    if (layering.kind !== 'layered') return { config: target };
    const image = layering.mosc.currentImage;
    if (!image) return undefined;
    const published = layering.mosc.api === 'v1'
      ? layering.mosc.statusBuild && this.#ctx.peek('machineosbuilds', layering.mosc.statusBuild)
      : this.#ctx.peekList('machineosbuilds').find(b => {
          const v = readMosb(b);
          return v.mosc === layering.mosc.name && v.renderedConfig === target && v.digest === image;
        });
    if (!published) return undefined;
    const v = readMosb(published);
    if (v.phase !== 'Succeeded' || v.digest !== image || !this.#builds.buildServes(v, target)) return undefined;
    return { config: target, image };
  }

  /**
   * The master that updates last. The MCO first meant it to be the etcd leader (a lookup that was
   * never implemented) and now defers the node that runs the machine-config-operator pod. The
   * simulation takes the node of a pod labelled `k8s-app=machine-config-operator` in the operator
   * namespace when the state has one, else the first master by name, which stands for the etcd
   * leader (a stable choice, so every rollout of a state ends on the same node).
   */
  deferredMaster(masters: K8sObject[]): string | undefined {
    const names = new Set(masters.map(n => n.metadata.name));
    const operatorNode = this.#ctx
      .peekList('pods', MCO_NAMESPACE)
      .filter(p => p.metadata.labels?.['k8s-app'] === 'machine-config-operator')
      .map(p => (p.spec as { nodeName?: string } | undefined)?.nodeName)
      .find((n): n is string => n !== undefined && names.has(n));
    return operatorNode ?? [...names].sort()[0];
  }

  /** Reconcile one live pool with its member nodes. */
  reconcile(pool: K8sObject, nodes: K8sObject[]): void {
    if ((pool.spec as { paused?: boolean } | undefined)?.paused) return;
    const want = this.#rolloutTarget(pool, this.#builds.layering(pool));
    if (!want) return;
    const needs = nodes
      .filter(
        n =>
          nodeAnnotation(n, KEYS.desiredConfig) !== want.config ||
          nodeAnnotation(n, KEYS.desiredImage) !== want.image,
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    if (needs.length === 0) return;
    // The control plane's deferred node goes last: while other masters still need the update, it
    // is not a candidate (filterControlPlaneCandidateNodes in the MCO's
    // pkg/controller/node/node_controller.go, for the master pool and more than one candidate).
    let candidates = needs;
    if (pool.metadata.name === MASTER_POOL && needs.length > 1) {
      const deferred = this.deferredMaster(nodes);
      candidates = needs.filter(n => n.metadata.name !== deferred);
    }
    const max = resolveMaxUnavailable((pool.spec as { maxUnavailable?: unknown }).maxUnavailable, nodes.length);
    let unavailable = nodes.filter(isNodeUnavailable).length;
    for (const node of candidates) {
      const state = nodeAnnotation(node, KEYS.state);
      if (state === 'Working') continue;
      const alreadyUnavailable = isNodeUnavailable(node);
      if (!alreadyUnavailable) {
        if (unavailable >= max) continue;
        unavailable++;
      }
      const fresh = this.#ctx.store.get('nodes', node.metadata.name);
      if (!fresh) continue;
      const ann = { ...(fresh.metadata.annotations ?? {}) };
      ann[KEYS.desiredConfig] = want.config;
      if (want.image) ann[KEYS.desiredImage] = want.image;
      else delete ann[KEYS.desiredImage];
      fresh.metadata.annotations = ann;
      this.#ctx.store.update('nodes', fresh, { checkResourceVersion: false });
      this.#ctx.log('Node given a new desired config', {
        node: node.metadata.name,
        pool: pool.metadata.name,
        desiredConfig: want.config,
        ...(want.image ? { desiredImage: want.image } : {}),
      });
    }
  }
}
