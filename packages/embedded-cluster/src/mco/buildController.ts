import type { K8sObject } from '../store/types';
import { KEYS } from './constants';
import type { SimulationContext } from './context';
import type { BuildJobs } from './buildJob';
import {
  MosbView,
  MoscView,
  buildInputsKey,
  moscStatus,
  readMosb,
  readMosc,
  replaceTag,
  v1BuildName,
} from './machineOS';
import { PoolLayering, isNodeDegraded, nodeAnnotation } from './poolStatus';
import type { RenderController } from './renderController';
import { Condition, canonicalJson, compareStrings, versionParts } from './util';

/**
 * The parts of a render that go into a layered image: what decides, from 4.20, whether a new
 * render needs a new build (see {@link BuildController.buildServes}).
 */
function imageInputs(rendered: K8sObject | undefined): string | undefined {
  if (!rendered) return undefined;
  const spec = (rendered.spec ?? {}) as Record<string, unknown>;
  return canonicalJson({
    osImageURL: spec.osImageURL ?? '',
    kernelType: spec.kernelType || 'default',
    extensions: spec.extensions ?? [],
    kernelArguments: spec.kernelArguments ?? [],
  });
}

/**
 * The build controller of on-cluster layering: one MachineOSBuild per MachineOSConfig and rendered
 * config, rebuilds on request, the published image in the MachineOSConfig's status, and the clean-up
 * after deletions (image pruning from 4.20).
 */
export class BuildController {
  readonly #ctx: SimulationContext;
  readonly #render: RenderController;
  readonly #jobs: BuildJobs;
  /** `<mosc>/<inputs key>` → existing build name (builds loaded from disk keep their names). */
  readonly #buildAliases = new Map<string, string>();
  readonly #deletedMoscs: Array<{ name: string; pool: string }> = [];
  readonly #deletedBuilds: Array<{ view: MosbView; pool?: string }> = [];
  /** Build name → the MachineOSConfig spec it was created for (builds this simulation created). */
  readonly #builtFor = new Map<string, string>();
  /** `<mosc>/<render>` pairs already reported as served by an existing build. */
  readonly #reported = new Set<string>();
  /** MachineOSConfig → why its next build is blocked, as last reported. */
  readonly #blockedBuilds = new Map<string, string>();

  constructor(ctx: SimulationContext, render: RenderController, jobs: BuildJobs) {
    this.#ctx = ctx;
    this.#render = render;
    this.#jobs = jobs;
  }

  /** A MachineOSConfig was deleted: its builds go at the next reconcile. */
  machineOSConfigDeleted(name: string, pool: string): void {
    this.#deletedMoscs.push({ name, pool });
  }

  /** A MachineOSBuild was deleted: its Job stops, and its image may be pruned at the next reconcile. */
  machineOSBuildDeleted(view: MosbView, pool: string | undefined): void {
    this.#jobs.forget(view.name);
    this.#deletedBuilds.push({ view, pool });
  }

  #moscForPool(pool: string): K8sObject | undefined {
    return this.#ctx
      .peekList('machineosconfigs')
      .filter(m => readMosc(m).pool === pool)
      .sort((a, b) => compareStrings(a.metadata.name, b.metadata.name))[0];
  }

  #buildsOf(mosc: string): K8sObject[] {
    return this.#ctx.peekList('machineosbuilds').filter(b => readMosb(b).mosc === mosc);
  }

  #expectedBuildName(pool: K8sObject, mosc: MoscView, rendered: K8sObject): string {
    if (mosc.api === 'v1alpha1') return `${mosc.pool}-${rendered.metadata.name}-builder`;
    const key = buildInputsKey(pool, mosc, rendered);
    return this.#buildAliases.get(`${mosc.name}/${key}`) ?? v1BuildName(mosc.name, key);
  }

  /** Keep the names of the builds a loaded state already has for the current inputs. */
  seed(): void {
    for (const moscObj of this.#ctx.peekList('machineosconfigs')) {
      const mosc = readMosc(moscObj);
      if (mosc.api !== 'v1') continue;
      const pool = this.#ctx.peek('machineconfigpools', mosc.pool);
      const target = (pool?.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
      const rendered = target ? this.#ctx.peek('machineconfigs', target) : undefined;
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
      const b = named ? this.#ctx.peek('machineosbuilds', named) : undefined;
      if (b) return readMosb(b);
    }
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    const rendered = target ? this.#ctx.peek('machineconfigs', target) : undefined;
    if (!rendered) return undefined;
    const b = this.#ctx.peek('machineosbuilds', this.#expectedBuildName(pool, mosc, rendered));
    return b ? readMosb(b) : undefined;
  }

  /** How the pool is layered: by a MachineOSConfig (with its current build), formerly, or not. */
  layering(pool: K8sObject): PoolLayering {
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

  /** Reconcile one MachineOSConfig of a live pool. */
  reconcile(moscObj: K8sObject): void {
    const { store, log } = this.#ctx;
    const mosc = readMosc(moscObj);
    const pool = this.#ctx.peek('machineconfigpools', mosc.pool);
    if (!pool) return;
    const target = (pool.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
    const rendered = target ? this.#ctx.peek('machineconfigs', target) : undefined;
    if (!rendered) return;

    // The rebuild annotation (the MCO's pkg/controller/build/reconciler.go: rebuildMachineOSConfig
    // and updateMachineOSConfigStatus): the current build is deleted and a new one created at once;
    // the annotation goes only in the MachineOSConfig update that names the new build, so a reader
    // sees it for as long as no new build stands in for the deleted one (a blocked build keeps it).
    const rebuilding = mosc.annotations[KEYS.rebuild] !== undefined;
    if (rebuilding) {
      const current = this.#currentBuild(mosc, pool);
      if (current) {
        store.delete('machineosbuilds', current.name);
        log('Rebuild requested: deleted the current build', { machineOSConfig: mosc.name, build: current.name });
      }
      for (const k of [...this.#buildAliases.keys()]) {
        if (k.startsWith(`${mosc.name}/`)) this.#buildAliases.delete(k);
      }
    }

    const name = this.#expectedBuildName(pool, mosc, rendered);
    const existing = this.#ctx.peek('machineosbuilds', name);
    if (!existing) {
      const serving = rebuilding ? undefined : this.#servingBuild(mosc, pool, rendered);
      if (serving) {
        const key = `${mosc.name}/${rendered.metadata.name}`;
        if (!this.#reported.has(key)) {
          this.#reported.add(key);
          log('Render needs no new build', { machineOSConfig: mosc.name, rendered: rendered.metadata.name, build: serving.name });
        }
        return;
      }
      const blocked = this.#buildBlocked(pool);
      if (blocked) {
        if (this.#blockedBuilds.get(mosc.name) !== blocked) {
          log('New build blocked', { machineOSConfig: mosc.name, reason: blocked });
        }
        this.#blockedBuilds.set(mosc.name, blocked);
        return;
      }
      this.#blockedBuilds.delete(mosc.name);
      this.#createBuild(moscObj, mosc, pool, rendered, name);
      return;
    }
    // A rebuild that found its build already there (none was current to delete) reuses it.
    if (rebuilding) this.#pointAt(mosc, name);
    const view = readMosb(existing);
    if ((view.phase === 'New' || view.phase === 'Prepared' || view.phase === 'Building') && !this.#jobs.has(name)) {
      this.#jobs.start(existing);
    }
    if (view.phase === 'Succeeded' && view.digest) {
      const needsStatus =
        mosc.currentImage !== view.digest || (mosc.api === 'v1' && mosc.statusBuild !== view.name);
      if (needsStatus) {
        const fresh = store.get('machineosconfigs', mosc.name);
        if (fresh) {
          fresh.status = moscStatus(fresh, { name: view.name, digest: view.digest });
          store.update('machineosconfigs', fresh, { subresource: 'status', checkResourceVersion: false });
          log('Published build image', { machineOSConfig: mosc.name, build: view.name, image: view.digest });
        }
      }
    }
  }

  /** Whether this cluster's MCO (4.20 and later, by the release it runs) rebuilds only for image changes. */
  #selectiveRebuilds(): boolean {
    const [major, minor] = versionParts(this.#ctx.defaults()?.releaseVersion);
    return major > 4 || (major === 4 && minor >= 20);
  }

  /**
   * Whether a build stands for the render `target`. Before 4.20 only a build of that very render
   * does: every new render makes a new build. From 4.20 the MCO's build controller asks whether
   * the new render requires a rebuild (updateMachineConfigPool in pkg/controller/build/
   * reconciler.go), and only a change of `osImageURL`, `kernelType`, extensions or kernel arguments
   * does; a build of a render that differs in anything else (files, units, users) still serves,
   * and the nodes take the new render with the image they have.
   */
  buildServes(build: MosbView, target: string): boolean {
    if (build.renderedConfig === target) return true;
    if (!this.#selectiveRebuilds()) return false;
    const built = imageInputs(this.#ctx.peek('machineconfigs', build.renderedConfig));
    return built !== undefined && built === imageInputs(this.#ctx.peek('machineconfigs', target));
  }

  /**
   * The MachineOSConfig's current build when it can serve the new render without a rebuild (4.20+):
   * built for the same MachineOSConfig spec, not failed, and from a render with the same image
   * inputs.
   */
  #servingBuild(mosc: MoscView, pool: K8sObject, rendered: K8sObject): MosbView | undefined {
    if (mosc.api !== 'v1' || !this.#selectiveRebuilds()) return undefined;
    const current = this.#currentBuild(mosc, pool);
    if (!current || current.phase === 'Failed' || current.phase === 'Interrupted') return undefined;
    const builtFor = this.#builtFor.get(current.name);
    const observed = Number(((this.#ctx.peek('machineosconfigs', mosc.name)?.status ?? {}) as { observedGeneration?: number }).observedGeneration ?? 0);
    const sameSpec = builtFor !== undefined ? builtFor === canonicalJson(mosc.spec) : observed >= mosc.generation;
    if (!sameSpec) return undefined;
    return this.buildServes(current, rendered.metadata.name) ? current : undefined;
  }

  /** Why a new build may not start (FACTS §6), or undefined. */
  #buildBlocked(pool: K8sObject): string | undefined {
    if (this.#render.error(pool.metadata.name) !== undefined) return 'RenderDegraded';
    const { byPool } = this.#ctx.membership();
    if (this.#ctx.poolNodes(byPool.get(pool.metadata.name) ?? []).some(isNodeDegraded)) return 'NodeDegraded';
    return undefined;
  }

  #createBuild(moscObj: K8sObject, mosc: MoscView, pool: K8sObject, rendered: K8sObject, name: string): void {
    const { store } = this.#ctx;
    const api = mosc.api;
    const apiVersion = store.servedApiVersion('machineosbuilds');
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
    const created = store.create('machineosbuilds', object);
    this.#builtFor.set(name, canonicalJson(mosc.spec));
    this.#ctx.log('Created build', { machineOSConfig: mosc.name, build: name, rendered: rendered.metadata.name });
    // Every other build of this MachineOSConfig that has not succeeded goes (FACTS §6).
    for (const other of others) {
      const v = readMosb(other);
      if (v.name !== name && v.phase !== 'Succeeded') {
        store.delete('machineosbuilds', v.name);
      }
    }
    this.#pointAt(mosc, name);
    this.#jobs.start(created);
  }

  /**
   * Update the MachineOSConfig for the build it now stands for, as the MCO's
   * updateMachineOSConfigStatus does: the `current-machine-os-build` annotation names the build (v1)
   * and a pending rebuild annotation is cleared, in one write.
   */
  #pointAt(mosc: MoscView, build: string): void {
    const { store } = this.#ctx;
    const fresh = store.get('machineosconfigs', mosc.name);
    if (!fresh) return;
    const annotations = { ...(fresh.metadata.annotations ?? {}) };
    let changed = false;
    if (mosc.api === 'v1' && annotations[KEYS.currentMachineOSBuild] !== build) {
      annotations[KEYS.currentMachineOSBuild] = build;
      changed = true;
    }
    if (annotations[KEYS.rebuild] !== undefined) {
      delete annotations[KEYS.rebuild];
      changed = true;
      this.#ctx.log('Rebuild started: cleared the rebuild annotation', { machineOSConfig: mosc.name, build });
    }
    if (!changed) return;
    fresh.metadata.annotations = annotations;
    store.update('machineosconfigs', fresh, { checkResourceVersion: false });
  }

  /** Remove the builds of deleted MachineOSConfigs; prune the images of deleted builds (4.20+). */
  cleanupDeleted(): void {
    const { store, log } = this.#ctx;
    while (this.#deletedMoscs.length > 0) {
      const { name } = this.#deletedMoscs.shift()!;
      for (const b of this.#buildsOf(name)) {
        store.delete('machineosbuilds', b.metadata.name);
      }
      for (const k of [...this.#buildAliases.keys()]) {
        if (k.startsWith(`${name}/`)) this.#buildAliases.delete(k);
      }
      log('MachineOSConfig deleted: removed its builds', { machineOSConfig: name });
    }
    const release = this.#ctx.defaults()?.releaseVersion;
    const [major, minor] = versionParts(release);
    const pruning = major > 4 || (major === 4 && minor >= 20);
    while (this.#deletedBuilds.length > 0) {
      const { view } = this.#deletedBuilds.shift()!;
      if (!pruning || !view.digest) continue;
      const inUse = this.#ctx.peekList('nodes').some(
        n =>
          nodeAnnotation(n, KEYS.currentImage) === view.digest ||
          nodeAnnotation(n, KEYS.desiredImage) === view.digest,
      );
      if (inUse) {
        log('Build deleted; image kept because a node uses it', { build: view.name, image: view.digest });
        continue;
      }
      if (this.#ctx.images.remove(view.digest)) {
        log('Build deleted; pruned its image', { build: view.name, image: view.digest });
      }
    }
  }
}
