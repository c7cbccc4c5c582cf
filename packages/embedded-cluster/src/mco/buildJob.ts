import { randomBytes } from 'node:crypto';
import type { K8sObject } from '../store/types';
import { BUILD_BACKOFF_LIMIT, DURATIONS, KEYS, MCO_NAMESPACE } from './constants';
import type { SimulationContext } from './context';
import { evaluateContainerfile } from './containerfile';
import { MosbView, buildConditions, builderName, builderStatus, digestField, readMosb, readMosc, replaceTag } from './machineOS';
import { Condition, errorMessage, isoSeconds, versionParts } from './util';

/**
 * The (simulated) Jobs of on-cluster builds: Prepared → Building → builder pod attempts →
 * Succeeded / Failed, pushing the built image to the cluster's registry.
 */
export class BuildJobs {
  readonly #ctx: SimulationContext;
  /** Build names with a running (simulated) Job, with the build uid. */
  readonly #jobs = new Map<string, string>();

  constructor(ctx: SimulationContext) {
    this.#ctx = ctx;
  }

  /** Whether the build has a running Job. */
  has(name: string): boolean {
    return this.#jobs.has(name);
  }

  /** Forget the Job of a deleted build (its pending steps then do nothing). */
  forget(name: string): void {
    this.#jobs.delete(name);
  }

  /** A build object by name, if it is still the same one (same uid). */
  #sameBuild(name: string, uid: string | undefined): K8sObject | undefined {
    const b = this.#ctx.store.get('machineosbuilds', name);
    if (!b || b.metadata.uid !== uid || this.#jobs.get(name) !== uid) return undefined;
    return b;
  }

  #writeBuildStatus(build: K8sObject, patch: Record<string, unknown>): void {
    build.status = { ...((build.status ?? {}) as Record<string, unknown>), ...patch };
    this.#ctx.store.update('machineosbuilds', build, { subresource: 'status', checkResourceVersion: false });
  }

  /** A timestamp strictly after `after` (buildEnd must be after buildStart). */
  #timestampAfter(after: string | undefined): string {
    const now = Date.now();
    const min = after ? Date.parse(after) + 1000 : 0;
    return isoSeconds(Math.max(now, min));
  }

  /** Run the build's (simulated) Job: Prepared → Building → pod attempts → Succeeded / Failed. */
  start(buildObj: K8sObject): void {
    const ctx = this.#ctx;
    const name = buildObj.metadata.name;
    const uid = buildObj.metadata.uid ?? '';
    this.#jobs.set(name, uid);
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
      ctx.scheduler.after(DURATIONS.buildAttempt, `build ${name} attempt ${n}`, () => steps.finish(n, pod));
    };
    steps.finish = (n: number, podName: string | undefined) => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const v = readMosb(b);
      const outcome = this.#runBuild(v, b);
      this.#finishPod(podName, outcome.ok ? undefined : outcome.reason);
      const fresh = this.#sameBuild(name, uid);
      if (!fresh) return;
      const now = ctx.now();
      const status = (fresh.status ?? {}) as Record<string, unknown>;
      if (outcome.ok) {
        this.#writeBuildStatus(fresh, {
          conditions: buildConditions('Succeeded', status.conditions as Condition[] | undefined, now),
          buildEnd: this.#timestampAfter(status.buildStart as string | undefined),
          [digestField(v.api)]: outcome.digest,
        });
        this.#jobs.delete(name);
        ctx.log('Build succeeded', { build: name, image: outcome.digest });
        ctx.queueReconcile();
        return;
      }
      const attempts = v.api === 'v1' ? BUILD_BACKOFF_LIMIT + 1 : 1;
      if (n < attempts) {
        ctx.log('Build attempt failed, retrying', { build: name, attempt: n, reason: outcome.reason });
        ctx.scheduler.after(DURATIONS.buildRetry, `build ${name} retry`, () => steps.attempt(n + 1));
        return;
      }
      this.#writeBuildStatus(fresh, {
        conditions: buildConditions('Failed', status.conditions as Condition[] | undefined, now),
        buildEnd: this.#timestampAfter(status.buildStart as string | undefined),
      });
      this.#jobs.delete(name);
      ctx.log('Build failed', { build: name, attempts: n, reason: outcome.reason });
      ctx.queueReconcile();
    };
    const building = () => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const status = (b.status ?? {}) as Record<string, unknown>;
      this.#writeBuildStatus(b, {
        conditions: buildConditions('Building', status.conditions as Condition[] | undefined, ctx.now()),
      });
      steps.attempt(1);
    };
    if (view.phase === 'Building') {
      // Resumed after a restart or a pause in reconciliation: the running attempt starts over.
      ctx.scheduler.after(0, `build ${name} resume`, () => steps.attempt(1));
      return;
    }
    ctx.scheduler.after(0, `build ${name} prepare`, () => {
      const b = this.#sameBuild(name, uid);
      if (!b) return;
      const status = (b.status ?? {}) as Record<string, unknown>;
      const v = readMosb(b);
      this.#writeBuildStatus(b, {
        buildStart: (status.buildStart as string | undefined) ?? ctx.now(),
        ...builderStatus(v),
        conditions: buildConditions('Prepared', status.conditions as Condition[] | undefined, ctx.now()),
      });
      ctx.scheduler.after(DURATIONS.buildPrepare, `build ${name} start`, building);
    });
  }

  #createBuilderPod(build: MosbView, buildObj: K8sObject, attempt: number): string | undefined {
    const { store } = this.#ctx;
    if (!this.#ctx.peek('namespaces', MCO_NAMESPACE)) {
      store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MCO_NAMESPACE } });
    }
    const job = builderName(build);
    let podName = job;
    if (build.api === 'v1') {
      const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
      podName = `${job}-${[...randomBytes(5)].map(x => alphabet[x % alphabet.length]).join('')}`;
    } else if (this.#ctx.peek('pods', podName, MCO_NAMESPACE)) {
      store.delete('pods', podName, MCO_NAMESPACE);
    }
    const rendered = this.#ctx.peek('machineconfigs', build.renderedConfig);
    const now = this.#ctx.now();
    try {
      store.create('pods', {
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
      this.#ctx.log('Could not create builder pod', { build: build.name, error: errorMessage(error) });
      return undefined;
    }
    return podName;
  }

  #finishPod(podName: string | undefined, failure: string | undefined): void {
    if (!podName) return;
    const pod = this.#ctx.store.get('pods', podName, MCO_NAMESPACE);
    if (!pod) return;
    const now = this.#ctx.now();
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
    this.#ctx.store.update('pods', pod, { checkResourceVersion: false });
  }

  /** Build the image: check the inputs, push to the registry, return the digest pull spec. */
  #runBuild(
    build: MosbView,
    buildObj: K8sObject,
  ): { ok: true; digest: string } | { ok: false; reason: string } {
    const rendered = this.#ctx.peek('machineconfigs', build.renderedConfig);
    if (!rendered) return { ok: false, reason: `rendered MachineConfig ${build.renderedConfig} not found` };
    const base = String((rendered.spec as { osImageURL?: string } | undefined)?.osImageURL ?? '');
    const baseRecord = this.#ctx.images.resolve(base);
    if (!baseRecord) {
      return { ok: false, reason: `failed to pull base image ${base}: manifest unknown to the registry` };
    }
    const moscObj = this.#ctx.peek('machineosconfigs', build.mosc);
    const mosc = moscObj ? readMosc(moscObj) : undefined;
    const verdict = evaluateContainerfile(mosc?.containerfile);
    if (!verdict.ok) return verdict;
    const release = rendered.metadata.annotations?.[KEYS.releaseImageVersion];
    const [major, minor] = versionParts(release);
    const labels: Record<string, string> = {
      ...buildContentLabels(rendered.spec),
      ...verdict.labels,
      machineconfig: build.renderedConfig,
      machineconfigpool: mosc?.pool ?? buildObj.metadata.labels?.[KEYS.targetPoolLabel] ?? '',
      baseOSContainerImage: base,
      ...(release && major === 4 && minor <= 17 ? { releaseversion: release } : {}),
    };
    const tagged = build.api === 'v1' ? replaceTag(build.pushSpec, build.name) : build.pushSpec;
    try {
      const record = this.#ctx.images.add({
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
}

/** Label keys under which a simulated build records what it put into the image besides the user's layer. */
export const BUILD_CONTENT_LABELS = {
  extensions: 'embedded-openshift.rhcos-layering.dev/extensions',
  extensionsImage: 'embedded-openshift.rhcos-layering.dev/extensions-image',
  kernelType: 'embedded-openshift.rhcos-layering.dev/kernel-type',
} as const;

/**
 * What a build takes from the pool's render besides the user's Containerfile: the render's
 * extensions, which the MCO installs with rpm-ostree from the release's extensions image (the
 * `ExtensionsPackages` step of pkg/controller/build/buildrequest/assets/
 * Containerfile.on-cluster-build-template), and its kernel type, which the layered node must boot.
 * A real image carries these as packages; the simulated one records them as labels (the keys of
 * {@link BUILD_CONTENT_LABELS}), next to the `machineconfig` / `baseOSContainerImage` labels the
 * MCO writes. Nothing is recorded for a render without extensions and with the default kernel.
 */
export function buildContentLabels(spec: unknown): Record<string, string> {
  const s = (spec ?? {}) as { extensions?: string[]; baseOSExtensionsContainerImage?: string; kernelType?: string };
  const extensions = s.extensions ?? [];
  const kernelType = s.kernelType && s.kernelType !== 'default' ? s.kernelType : undefined;
  return {
    ...(extensions.length > 0
      ? {
          [BUILD_CONTENT_LABELS.extensions]: extensions.join(' '),
          ...(s.baseOSExtensionsContainerImage
            ? { [BUILD_CONTENT_LABELS.extensionsImage]: s.baseOSExtensionsContainerImage }
            : {}),
        }
      : {}),
    ...(kernelType ? { [BUILD_CONTENT_LABELS.kernelType]: kernelType } : {}),
  };
}
