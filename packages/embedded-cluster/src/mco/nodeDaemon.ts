import { randomUUID } from 'node:crypto';
import type { ImageRecord, K8sObject } from '../store/types';
import { DURATIONS, KEYS, UNSCHEDULABLE_TAINT } from './constants';
import type { SimulationContext } from './context';
import { isNodeDegraded, isNodeDone, nodeAnnotation } from './poolStatus';
import { Condition, mergeConditions } from './util';

const ANNOTATION_REASON_LIMIT = 2000;

/**
 * `status.nodeInfo.osImage` for an RHCOS build ID (FACTS §3): legacy IDs (`418.94.…`) read
 * `Red Hat Enterprise Linux CoreOS <id>`; RHEL-style IDs (`9.6.…`) carry the RHEL 9 codename.
 */
export function osImageName(version: string): string {
  return /^\d+\.\d+\.\d{8}-\d+$/.test(version)
    ? `Red Hat Enterprise Linux CoreOS ${version} (Plow)`
    : `Red Hat Enterprise Linux CoreOS ${version}`;
}

/** The desired state a node's daemon works towards: `<desired config>|<desired image>`. */
function desiredKey(node: K8sObject): string {
  return `${nodeAnnotation(node, KEYS.desiredConfig) ?? ''}|${nodeAnnotation(node, KEYS.desiredImage) ?? ''}`;
}

/**
 * The machine config daemon and the drain controller of every node: drain → update → reboot →
 * done, or degraded when the new OS image does not boot.
 */
export class NodeDaemon {
  readonly #ctx: SimulationContext;
  /** Nodes whose daemon is working. */
  readonly #working = new Set<string>();
  /** Node → desired `config|image` it degraded on: not retried until the desired state changes. */
  readonly #failedDesired = new Map<string, string>();

  constructor(ctx: SimulationContext) {
    this.#ctx = ctx;
  }

  /** Remember what the degraded nodes of a loaded state degraded on (they are not retried). */
  seed(nodes: K8sObject[]): void {
    for (const node of nodes) {
      if (isNodeDegraded(node)) this.#failedDesired.set(node.metadata.name, desiredKey(node));
    }
  }

  #writeNode(node: K8sObject): void {
    this.#ctx.store.update('nodes', node, { checkResourceVersion: false });
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

  /** Start (or resume) the daemon of a node whose desired state differs from its current one. */
  run(nodeName: string): void {
    if (this.#working.has(nodeName)) return;
    const node = this.#ctx.peek('nodes', nodeName);
    if (!node) return;
    const desired = nodeAnnotation(node, KEYS.desiredConfig);
    if (!desired || isNodeDone(node)) return;
    const key = desiredKey(node);
    if (isNodeDegraded(node)) {
      // A degraded daemon waits for a new desired config or image before it tries again.
      if (!this.#failedDesired.has(nodeName)) this.#failedDesired.set(nodeName, key);
      if (this.#failedDesired.get(nodeName) === key) return;
    }
    this.#working.add(nodeName);
    const drain = `drain-${desired}`;
    const state = nodeAnnotation(node, KEYS.state);
    const drained = state === 'Working' && nodeAnnotation(node, KEYS.lastAppliedDrain) === drain;
    const { scheduler } = this.#ctx;
    if (drained && nodeAnnotation(node, KEYS.postConfigAction) === 'Rebooting') {
      scheduler.after(DURATIONS.reboot, `node ${nodeName} reboot`, () => this.#booted(nodeName, key));
    } else if (drained) {
      scheduler.after(DURATIONS.update, `node ${nodeName} update`, () => this.#update(nodeName, key));
    } else {
      scheduler.after(0, `node ${nodeName} begin`, () => this.#begin(nodeName, key));
    }
  }

  /** The node's desired state changed under the daemon: start over with the new one. */
  #restart(nodeName: string): void {
    this.#working.delete(nodeName);
    this.#ctx.queueReconcile();
  }

  #begin(nodeName: string, key: string): void {
    const { store, scheduler } = this.#ctx;
    const node = store.get('nodes', nodeName);
    if (!node || desiredKey(node) !== key) {
      this.#restart(nodeName);
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
    scheduler.after(DURATIONS.drain, `node ${nodeName} drain`, () => {
      const n = store.get('nodes', nodeName);
      if (!n || desiredKey(n) !== key) {
        this.#restart(nodeName);
        return;
      }
      const spec = (n.spec ?? {}) as { unschedulable?: boolean; taints?: Array<Record<string, unknown>> };
      const taints = (spec.taints ?? []).filter(t => t.key !== UNSCHEDULABLE_TAINT);
      taints.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: this.#ctx.now() });
      n.spec = { ...spec, unschedulable: true, taints };
      n.metadata.annotations = { ...(n.metadata.annotations ?? {}), [KEYS.lastAppliedDrain]: `drain-${desired}` };
      this.#writeNode(n);
      scheduler.after(DURATIONS.update, `node ${nodeName} update`, () => this.#update(nodeName, key));
    });
  }

  #update(nodeName: string, key: string): void {
    const node = this.#ctx.store.get('nodes', nodeName);
    if (!node || desiredKey(node) !== key) {
      this.#restart(nodeName);
      return;
    }
    node.metadata.annotations = { ...(node.metadata.annotations ?? {}), [KEYS.postConfigAction]: 'Rebooting' };
    this.#setReady(node, false, this.#ctx.now());
    this.#writeNode(node);
    this.#ctx.scheduler.after(DURATIONS.reboot, `node ${nodeName} reboot`, () => this.#booted(nodeName, key));
  }

  /** The image a node boots for its desired state: desiredImage (layered) or the render's osImageURL. */
  #bootImage(node: K8sObject): string | undefined {
    const image = nodeAnnotation(node, KEYS.desiredImage);
    if (image) return image;
    const desired = nodeAnnotation(node, KEYS.desiredConfig);
    const rendered = desired ? this.#ctx.peek('machineconfigs', desired) : undefined;
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
      const parent = this.#ctx.images.resolve(root.base);
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

  #booted(nodeName: string, key: string): void {
    const ctx = this.#ctx;
    const node = ctx.store.get('nodes', nodeName);
    if (!node) {
      this.#working.delete(nodeName);
      return;
    }
    const now = ctx.now();
    const ann = { ...(node.metadata.annotations ?? {}) };
    const desired = ann[KEYS.desiredConfig] ?? '';
    const image = this.#bootImage(node);
    const record = image ? ctx.images.resolve(image) : undefined;
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
      this.#working.delete(nodeName);
      ctx.log('Node degraded: broken OS image', { node: nodeName, image });
      ctx.queueReconcile();
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
      ctx.log('Booted image unknown to the registry or without a version label; osImage unchanged', {
        node: nodeName,
        image,
      });
    }
    nodeInfo.bootID = randomUUID();
    node.status = { ...(node.status as Record<string, unknown>), nodeInfo };
    this.#writeNode(node);
    this.#failedDesired.delete(nodeName);
    this.#working.delete(nodeName);
    ctx.log('Node updated', { node: nodeName, config: desired, image });
    ctx.queueReconcile();
  }
}
