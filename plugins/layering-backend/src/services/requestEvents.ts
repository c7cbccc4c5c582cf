import { InputError } from '@backstage/errors';
import {
  LAYERING_REQUEST_EVENT_TYPES,
  type LayeringRequestEvent,
  type LayeringRequestEventType,
  type LayeringRequestOutcome,
} from '@rhcos-layering/plugin-layering-common';
import { createHash } from 'node:crypto';

/** A row of `layering_request_events`. */
export interface EventRow {
  id?: number;
  request_id: string;
  type: string;
  at: string;
  by: string | null;
  detail: string | null;
  url: string | null;
  dedupe_key: string;
}

export const EVENTS_TABLE = 'layering_request_events';

/**
 * Events that can happen only once to a request, whoever reports them and however: `applied`
 * too, which the linker (the object appeared) and apply on merge (its own write) may both see.
 */
export const ONCE_EVENT_TYPES: readonly LayeringRequestEventType[] = [
  'opened',
  'merged',
  'closed',
  'superseded',
  'applied',
];

/**
 * The outcome an event moves a request to (when {@link OUTCOME_TRANSITIONS} allows the move).
 * Events not listed (approved, build and rollout progress) leave the outcome alone.
 */
export const EVENT_OUTCOMES: Partial<
  Record<LayeringRequestEventType, LayeringRequestOutcome>
> = {
  opened: 'opened',
  merged: 'merged',
  closed: 'closed',
  superseded: 'superseded',
  applied: 'applied',
  failed: 'failed',
};

/**
 * The key that makes recording an event twice a no-op (the rule of the migration that created
 * the table, plus `applied` as once-only): once-only events by type, whatever key the caller
 * gives, an approval per approver, anything else by the caller's key or else its whole content.
 */
export function dedupeKey(event: LayeringRequestEvent, key?: string): string {
  let parts: string[];
  if (ONCE_EVENT_TYPES.includes(event.type)) parts = [event.type];
  else if (key !== undefined) parts = ['key', key];
  else if (event.type === 'approved') parts = [event.type, event.by ?? ''];
  else
    parts = [event.type, event.by ?? '', event.detail ?? '', event.url ?? ''];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** Checks an event from a caller and brings its time to the stored form (ISO 8601, UTC). */
export function normalizeEvent(
  event: LayeringRequestEvent,
): LayeringRequestEvent {
  if (!LAYERING_REQUEST_EVENT_TYPES.includes(event.type)) {
    throw new InputError(
      `type: unknown request event type '${String(event.type)}'`,
    );
  }
  const time = new Date(event.at);
  if (Number.isNaN(time.getTime())) {
    throw new InputError(`at: '${String(event.at)}' is not a time`);
  }
  return {
    type: event.type,
    at: time.toISOString(),
    ...(event.by ? { by: event.by.slice(0, 255) } : {}),
    ...(event.detail ? { detail: event.detail } : {}),
    ...(event.url ? { url: event.url } : {}),
  };
}

export function toEventRow(
  requestId: string,
  event: LayeringRequestEvent,
  key?: string,
): EventRow {
  return {
    request_id: requestId,
    type: event.type,
    at: event.at,
    by: event.by ?? null,
    detail: event.detail ?? null,
    url: event.url ?? null,
    dedupe_key: dedupeKey(event, key),
  };
}

export function toEvent(row: EventRow): LayeringRequestEvent {
  return {
    type: row.type as LayeringRequestEventType,
    at: row.at,
    ...(row.by ? { by: row.by } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.url ? { url: row.url } : {}),
  };
}
