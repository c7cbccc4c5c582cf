import type {
  BuildView,
  LayeringRequestEvent,
  LayeringRequestRecord,
  PoolDetail,
} from '@rhcos-layering/plugin-layering-common';
import type { PoolProvenance, ProvenanceObject } from './poolProvenance';

/** An event the linker found, with the key that makes recording it again a no-op. */
export interface LinkedEvent {
  event: LayeringRequestEvent;
  key: string;
}

/** What {@link linkRequest} looks at. */
export interface LinkInput {
  record: LayeringRequestRecord;
  /** The pool as the watch caches show it now (nodes and builds included). */
  pool: PoolDetail;
  provenance: PoolProvenance;
  /** Field managers that are the portal itself (its direct apply and apply on merge). */
  portalManagers: readonly string[];
  /** The time to give events the cluster does not date (rollout progress). */
  now: Date;
}

/** The object on the cluster that the request rendered, unchanged since (same digest). */
function appliedObject(
  record: LayeringRequestRecord,
  objects: ProvenanceObject[],
) {
  return objects.find(
    o =>
      o.provenance.digestMatches &&
      (o.provenance.requestId === record.id ||
        (!!record.taskId && o.provenance.taskId === record.taskId)),
  );
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${s} s`;
  return `${s} s`;
}

/**
 * The build the change caused: the pool's first build that started at or after the change was
 * written (both times are the cluster's), or the MachineOSConfig's newest build while it has not
 * started yet.
 */
function causedBuild(
  builds: BuildView[],
  object: ProvenanceObject,
  appliedAt: string,
): BuildView | undefined {
  const since = Date.parse(appliedAt);
  const started = builds
    .filter(b => b.start !== null && Date.parse(b.start) >= since)
    .sort((a, b) => Date.parse(a.start!) - Date.parse(b.start!));
  if (started.length) return started[0];
  return builds.find(b => b.start === null && b.name === object.currentBuild);
}

const SHORT_DIGEST = 19; // `sha256:` and 12 hex digits

/**
 * Links one request to what happened on its cluster, from the watch caches: `applied` when an
 * object carrying the request's provenance and digest is there, then (on-cluster) the
 * MachineOSBuild it caused with outcome and duration, then the rollout it drove, `n of m` nodes
 * until done or degraded. Pure: it answers the events that hold now, each with a stable key, and
 * the store keeps each key once, so running it again (or after a restart) adds nothing twice.
 */
export function linkRequest(input: LinkInput): LinkedEvent[] {
  const { record, pool, provenance, portalManagers, now } = input;
  const object = appliedObject(record, provenance.objects);
  // Nothing of the request is on the cluster (not applied yet, or replaced since): nothing to say.
  if (!object) return [];
  const events: LinkedEvent[] = [];
  const digest = object.provenance.digest!;
  const earlier = record.events?.find(e => e.type === 'applied');
  // The earliest of when the cluster says the spec was written and when applied was recorded:
  // a direct apply is recorded after its write (and its build may start in between), and an
  // object written again later (same content) must not move the anchor past its build.
  const times = [earlier?.at, object.provenance.changedAt].filter(
    (t): t is string => !!t,
  );
  const appliedAt = times.length
    ? times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b))
    : now.toISOString();
  const manager = object.provenance.manager;
  const byPortal = manager !== null && portalManagers.includes(manager);
  let writer = 'GitOps';
  if (byPortal) writer = 'the portal';
  else if (manager) writer = `${manager} (GitOps)`;
  // Applied once: a direct apply records it with the request (the linker only dates the rest).
  if (!earlier)
    events.push({
      key: `applied:${digest}`,
      event: {
        type: 'applied',
        at: appliedAt,
        detail: `${object.kind} ${object.name} (${digest.slice(
          0,
          SHORT_DIGEST,
        )}) written by ${writer}`,
      },
    });

  let target:
    | { image: string; matches: (node: PoolDetail['nodes'][number]) => boolean }
    | undefined;
  if (object.kind === 'MachineOSConfig') {
    const build = causedBuild(pool.builds, object, appliedAt);
    if (!build) return events;
    if (build.start) {
      events.push({
        key: `build-started:${build.name}`,
        event: {
          type: 'build-started',
          at: build.start,
          detail: `MachineOSBuild ${build.name}`,
        },
      });
    }
    const finished = ['Succeeded', 'Failed', 'Interrupted'].includes(
      build.state,
    );
    if (!finished) return events;
    const end = build.end ?? now.toISOString();
    const took = build.start
      ? ` in ${formatDuration(Date.parse(end) - Date.parse(build.start))}`
      : '';
    events.push({
      key: `build-finished:${build.name}`,
      event: {
        type: build.state === 'Succeeded' ? 'build-succeeded' : 'build-failed',
        at: end,
        detail: `MachineOSBuild ${
          build.name
        } ${build.state.toLowerCase()}${took}`,
      },
    });
    if (build.state !== 'Succeeded' || !build.image) return events;
    const image = build.image;
    target = { image, matches: node => node.currentImage === image };
  } else {
    const image = object.osImageURL;
    // The MCO has not rendered the change into the pool's target config yet.
    if (!image || provenance.targetOsImage !== image || !pool.renderedConfig)
      return events;
    const rendered = pool.renderedConfig;
    target = {
      image,
      matches: node =>
        node.currentConfig === rendered && node.desiredConfig === rendered,
    };
  }

  const total = pool.nodes.length;
  const updated = pool.nodes.filter(target.matches).length;
  const at = now.toISOString();
  const counts = `${updated} of ${total} nodes updated`;
  if (pool.rollout.state === 'degraded' && updated < total) {
    const reason = pool.conditions.find(
      c => c.status === 'True' && /Degraded$/.test(c.type) && c.message,
    )?.message;
    events.push({
      key: `rollout-degraded:${target.image}`,
      event: {
        type: 'rollout-degraded',
        at,
        detail: reason ? `${counts}: ${reason}` : counts,
      },
    });
    return events;
  }
  if (total > 0 && updated === total) {
    events.push({
      key: `rollout-done:${target.image}`,
      event: { type: 'rollout-done', at, detail: counts },
    });
  } else if (updated > 0) {
    events.push({
      key: `rollout-progress:${target.image}:${updated}`,
      event: { type: 'rollout-progress', at, detail: counts },
    });
  }
  return events;
}

/** True when nothing more will happen to the request on the cluster that the linker follows. */
export function isSettled(record: LayeringRequestRecord): boolean {
  if (record.outcome === 'failed' || record.outcome === 'closed') return true;
  return (record.events ?? []).some(
    e => e.type === 'rollout-done' || e.type === 'build-failed',
  );
}
