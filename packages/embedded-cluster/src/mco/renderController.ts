import { createHash } from 'node:crypto';
import type { K8sObject } from '../store/types';
import { KEYS, MCO_NAMESPACE, MCO_V1, OS_IMAGE_CONFIGMAP } from './constants';
import type { SimulationContext } from './context';
import { RenderDefaults, RenderError, isRenderedConfig, renderInputsFingerprint, renderPool } from './render';
import { Condition, clone, errorMessage, jsonEqual } from './util';

/**
 * The render controller: merges a pool's MachineConfigs into its rendered MachineConfig and points
 * the pool's `spec.configuration` at it (docs/mco-simulation.md).
 */
export class RenderController {
  readonly #ctx: SimulationContext;
  readonly #fingerprints = new Map<string, string>();
  /** The `spec.configuration` the render controller last set (or found at start) per pool. */
  readonly #renderedConfiguration = new Map<string, unknown>();
  readonly #errors = new Map<string, string>();
  readonly #controllerVersions = new Map<string, string>();

  constructor(ctx: SimulationContext) {
    this.#ctx = ctx;
  }

  /**
   * Take the loaded state as rendered: remember each pool's render inputs, configuration and
   * render error, and the controller version of each release. Pools without a configuration go live.
   */
  seed(pools: K8sObject[], mcs: K8sObject[], defaults: RenderDefaults | undefined): void {
    for (const pool of pools) {
      const name = pool.metadata.name;
      this.#fingerprints.set(name, renderInputsFingerprint(pool, mcs, defaults));
      const conf = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration;
      if (conf?.name) this.#renderedConfiguration.set(name, clone(conf));
      if (!conf?.name) this.#ctx.live.add(name);
      const renderDegraded = ((pool.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
        c => c.type === 'RenderDegraded' && c.status === 'True',
      );
      if (renderDegraded) {
        this.#errors.set(
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
  }

  /** Why the pool's last render failed, or undefined. */
  error(pool: string): string | undefined {
    return this.#errors.get(pool);
  }

  #controllerVersion(release: string): string {
    let v = this.#controllerVersions.get(release);
    if (!v) {
      v = createHash('sha1').update(`embedded-openshift-mco/${release}`).digest('hex');
      this.#controllerVersions.set(release, v);
    }
    return v;
  }

  /** Render one (live) pool when its inputs changed; undo edits of `spec.configuration` by others. */
  reconcile(pool: K8sObject, mcs: K8sObject[], defaults: RenderDefaults | undefined): void {
    const store = this.#ctx.store;
    const name = pool.metadata.name;
    const fingerprint = renderInputsFingerprint(pool, mcs, defaults);
    const conf = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration;
    const known = this.#fingerprints.get(name);
    if (known === fingerprint && conf?.name) {
      // spec.configuration belongs to the render controller: an edit by anyone else is undone.
      const mine = this.#renderedConfiguration.get(name);
      const fresh = mine && !jsonEqual(mine, conf) ? store.get('machineconfigpools', name) : undefined;
      if (mine && fresh) {
        fresh.spec = { ...(fresh.spec as Record<string, unknown>), configuration: clone(mine) };
        store.update('machineconfigpools', fresh, { checkResourceVersion: false });
        this.#ctx.log('Restored the rendered configuration of a pool', { pool: name });
      }
      return;
    }
    this.#fingerprints.set(name, fingerprint);
    if (!defaults) {
      this.#errors.set(
        name,
        `ConfigMap ${MCO_NAMESPACE}/${OS_IMAGE_CONFIGMAP} is missing or has no baseOSContainerImage`,
      );
      this.#ctx.live.add(name);
      return;
    }
    let result;
    try {
      result = renderPool(pool, mcs, defaults);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      this.#errors.set(name, error.message);
      this.#ctx.live.add(name);
      this.#ctx.log('Render failed', { pool: name, error: error.message });
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
          store.update('machineconfigs', next, { checkResourceVersion: false });
        }
      } else {
        const existing = this.#ctx.peek('machineconfigs', renderedName);
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
          store.update('machineconfigs', object, { checkResourceVersion: false });
        } else {
          store.create('machineconfigs', object);
        }
      }
    } catch (error) {
      this.#errors.set(name, errorMessage(error));
      this.#ctx.live.add(name);
      this.#ctx.log('Rendered MachineConfig rejected', { pool: name, error: errorMessage(error) });
      return;
    }
    this.#errors.delete(name);
    this.#ctx.live.add(name);
    const current = store.get('machineconfigpools', name);
    if (!current) return;
    const configuration = { name: renderedName, source: result.sources };
    this.#renderedConfiguration.set(name, clone(configuration));
    const spec = (current.spec ?? {}) as Record<string, unknown>;
    if (!jsonEqual(spec.configuration, configuration)) {
      current.spec = { ...spec, configuration };
      store.update('machineconfigpools', current, { checkResourceVersion: false });
      this.#ctx.log('Rendered new configuration', { pool: name, rendered: renderedName });
    }
  }
}
