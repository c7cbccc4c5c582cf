import { CLUSTER_VERSION_NAME, DURATIONS, KEYS, MASTER_POOL, MCO_NAMESPACE, OS_IMAGE_CONFIGMAP } from './constants';
import type { SimulationContext } from './context';
import { Condition, canonicalJson, clone, mergeConditions } from './util';

/**
 * The cluster-version operator's part in an upgrade: accept a release of the catalogue, move the
 * release's default OS images, and complete the upgrade once the pools that must update have.
 */
export class ClusterVersionController {
  readonly #ctx: SimulationContext;
  #fingerprint?: string;
  #upgrading?: string;

  constructor(ctx: SimulationContext) {
    this.#ctx = ctx;
  }

  /** Take the loaded `spec.desiredUpdate` as already handled. */
  seed(): void {
    const cv = this.#ctx.peek('clusterversions', CLUSTER_VERSION_NAME);
    this.#fingerprint = canonicalJson(
      (cv?.spec as { desiredUpdate?: unknown } | undefined)?.desiredUpdate ?? null,
    );
  }

  /** Start an upgrade when `spec.desiredUpdate` changed to a release of the catalogue. */
  reconcile(): void {
    const { store, releases } = this.#ctx;
    const log = this.#ctx.log;
    const cv = store.get('clusterversions', CLUSTER_VERSION_NAME);
    if (!cv) return;
    const desiredUpdate = (cv.spec as { desiredUpdate?: { version?: string; image?: string } } | undefined)
      ?.desiredUpdate;
    const fingerprint = canonicalJson(desiredUpdate ?? null);
    if (fingerprint === this.#fingerprint) return;
    this.#fingerprint = fingerprint;
    if (!desiredUpdate || (!desiredUpdate.version && !desiredUpdate.image)) return;
    const status = clone((cv.status ?? {}) as Record<string, unknown>) as {
      desired?: { version?: string; image?: string; channels?: string[] };
      history?: Array<Record<string, unknown>>;
      conditions?: Condition[];
      observedGeneration?: number;
    };
    const now = this.#ctx.now();
    const release = releases.find(
      r =>
        (!desiredUpdate.version || r.version === desiredUpdate.version) &&
        (!desiredUpdate.image || r.image === desiredUpdate.image),
    );
    status.observedGeneration = cv.metadata.generation ?? status.observedGeneration;
    if (!release) {
      const known = releases.map(r => r.version).join(', ') || 'none';
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
      store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
      log('Requested release unknown', { version: desiredUpdate.version, image: desiredUpdate.image });
      return;
    }
    const accepted: Condition = {
      type: 'ReleaseAccepted',
      status: 'True',
      reason: 'PayloadLoaded',
      message: `Payload loaded version="${release.version}" image="${release.image}"`,
    };
    const current = this.#ctx.defaults()?.releaseVersion;
    if (status.desired?.version === release.version && current === release.version) {
      status.conditions = mergeConditions(status.conditions, [accepted], now);
      cv.status = status;
      store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
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
    store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
    this.#upgrading = release.version;
    log('Cluster upgrade started', { version: release.version });
    this.#ctx.scheduler.after(DURATIONS.payload, 'upgrade payload', () => {
      const cm = store.get('configmaps', OS_IMAGE_CONFIGMAP, MCO_NAMESPACE);
      if (!cm || this.#upgrading !== release.version) return;
      const data = { ...((cm.data ?? {}) as Record<string, string>) };
      data.baseOSContainerImage = release.rhcosImage;
      if (release.extensionsImage) data.baseOSExtensionsContainerImage = release.extensionsImage;
      data.releaseVersion = release.version;
      cm.data = data;
      store.update('configmaps', cm, { checkResourceVersion: false });
      log('Release default OS image moved', { version: release.version, image: release.rhcosImage });
    });
  }

  /** Complete a running upgrade once every pool required for it runs the new release's render. */
  completeUpgrade(): void {
    const version = this.#upgrading;
    if (!version || this.#ctx.defaults()?.releaseVersion !== version) return;
    const pools = this.#ctx.peekList('machineconfigpools');
    let required = pools.filter(p => p.metadata.labels?.[KEYS.requiredForUpgrade] !== undefined);
    if (required.length === 0) required = pools.filter(p => p.metadata.name === MASTER_POOL);
    const done = required.every(p => {
      const specName = (p.spec as { configuration?: { name?: string } } | undefined)?.configuration?.name;
      const status = (p.status ?? {}) as {
        configuration?: { name?: string };
        machineCount?: number;
        updatedMachineCount?: number;
      };
      const rendered = specName ? this.#ctx.peek('machineconfigs', specName) : undefined;
      return (
        rendered?.metadata.annotations?.[KEYS.releaseImageVersion] === version &&
        status.configuration?.name === specName &&
        status.machineCount === status.updatedMachineCount
      );
    });
    if (!done) return;
    const cv = this.#ctx.store.get('clusterversions', CLUSTER_VERSION_NAME);
    if (!cv) return;
    const now = this.#ctx.now();
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
    this.#ctx.store.update('clusterversions', cv, { subresource: 'status', checkResourceVersion: false });
    this.#upgrading = undefined;
    this.#ctx.log('Cluster upgrade completed', { version });
  }
}
