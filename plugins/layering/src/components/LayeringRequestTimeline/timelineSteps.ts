import type {
  LayeringRequestEvent,
  LayeringRequestEventType,
  LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import type { Tone } from '../../lib/presentation';

/** One step of a request's way to the cluster, as the timeline shows it. */
export interface TimelineStep {
  id: 'opened' | 'approved' | 'merged' | 'applied' | 'build' | 'rollout';
  label: string;
  /** What the step's newest event says, or "waiting" while none arrived. */
  status: string;
  tone: Tone;
  /** True while nothing happened in this step yet. */
  pending: boolean;
  at?: string;
  by?: string;
  detail?: string;
  url?: string;
}

function last(
  events: LayeringRequestEvent[],
  types: LayeringRequestEventType[],
) {
  const found = events.filter(e => types.includes(e.type));
  return found.length ? found[found.length - 1] : undefined;
}

function step(
  id: TimelineStep['id'],
  label: string,
  event: LayeringRequestEvent | undefined,
  describe: (event: LayeringRequestEvent) => { status: string; tone: Tone },
  url?: string,
): TimelineStep {
  if (!event)
    return { id, label, status: 'waiting', tone: 'neutral', pending: true };
  return {
    id,
    label,
    ...describe(event),
    pending: false,
    at: event.at,
    by: event.by,
    detail: event.detail,
    url: event.url ?? url,
  };
}

/**
 * The steps of one request, oldest first: the review (opened, approved, merged) for a pull
 * request, then what happened on the cluster (applied, build for on-cluster layers, rollout).
 * A closed pull request ends the timeline at its merge step.
 */
export function timelineSteps(record: LayeringRequestRecord): TimelineStep[] {
  const events = [...(record.events ?? [])].sort((a, b) =>
    a.at.localeCompare(b.at),
  );
  const pr = record.pullRequestUrl ?? undefined;
  const steps: TimelineStep[] = [];
  if (record.delivery === 'pull-request') {
    steps.push(
      step(
        'opened',
        'Opened',
        last(events, ['opened']),
        () => ({ status: 'opened', tone: 'info' }),
        pr,
      ),
    );
    const approvals = events.filter(e => e.type === 'approved');
    const approved = step(
      'approved',
      'Approved',
      approvals.at(-1),
      () => ({ status: 'approved', tone: 'success' }),
      pr,
    );
    if (approvals.length > 1) {
      approved.by = [...new Set(approvals.map(a => a.by).filter(Boolean))].join(
        ', ',
      );
    }
    steps.push(approved);
    const end = last(events, ['merged', 'closed']);
    steps.push(
      step(
        'merged',
        'Merged',
        end,
        e =>
          e.type === 'merged'
            ? { status: 'merged', tone: 'success' }
            : { status: 'closed without merge', tone: 'neutral' },
        pr,
      ),
    );
    if (end?.type === 'closed') return steps;
  }
  steps.push(
    step('applied', 'Applied', last(events, ['applied']), () => ({
      status: 'applied',
      tone: 'success',
    })),
  );
  if (record.kind !== 'out-of-cluster-layer') {
    steps.push(
      step(
        'build',
        'Build',
        last(events, ['build-started', 'build-succeeded', 'build-failed']),
        e => {
          if (e.type === 'build-succeeded')
            return { status: 'succeeded', tone: 'success' };
          if (e.type === 'build-failed')
            return { status: 'failed', tone: 'danger' };
          return { status: 'building', tone: 'info' };
        },
      ),
    );
  }
  steps.push(
    step(
      'rollout',
      'Rollout',
      last(events, ['rollout-progress', 'rollout-done', 'rollout-degraded']),
      e => {
        if (e.type === 'rollout-done')
          return { status: 'done', tone: 'success' };
        if (e.type === 'rollout-degraded')
          return { status: 'degraded', tone: 'danger' };
        return { status: 'rolling', tone: 'info' };
      },
    ),
  );
  return steps;
}
