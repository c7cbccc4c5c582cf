import type { LayeringRequestEvent } from '@rhcos-layering/plugin-layering-common';
import { parsePullRequestUrl, type PullRequestRef } from './pullRequestRef';

/**
 * What the forge said about one pull or merge request, by webhook or by poll: the events of
 * its review, in the request history's terms.
 */
export interface ForgeObservation {
  pullRequest: PullRequestRef;
  /** The pull request's page. */
  url: string;
  events: LayeringRequestEvent[];
  /** Where the observation came from, for the logs: `webhook` or `poll`. */
  source: 'webhook' | 'poll';
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A forge time as ISO 8601 (GitLab's webhooks also write `2026-12-05 06:00:00 UTC`); `now`
 * when the forge gave none or an unreadable one.
 */
export function forgeTime(
  value: unknown,
  now: () => Date = () => new Date(),
): string {
  if (typeof value === 'string') {
    const time = new Date(
      value.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d\d-\d\d) /, '$1T'),
    );
    if (!Number.isNaN(time.getTime())) return time.toISOString();
  }
  return now().toISOString();
}

function login(forge: 'github' | 'gitlab', user: unknown): string | undefined {
  const u = obj(user);
  const name = str(u?.login) ?? str(u?.username);
  return name ? `${forge}:${name}` : undefined;
}

function withBy(
  event: LayeringRequestEvent,
  by: string | undefined,
): LayeringRequestEvent {
  return by ? { ...event, by } : event;
}

/**
 * Reads a GitHub `pull_request` or `pull_request_review` webhook payload. Answers undefined
 * for payloads that say nothing the history keeps (edits, labels, comments, reopening).
 */
export function fromGithubWebhook(
  topic: string,
  payload: unknown,
): ForgeObservation | undefined {
  const body = obj(payload);
  const pr = obj(body?.pull_request);
  const url = str(pr?.html_url);
  const ref = parsePullRequestUrl(url);
  if (!body || !pr || !url || !ref) return undefined;
  const action = str(body.action);
  const events: LayeringRequestEvent[] = [];
  if (topic.endsWith('pull_request_review')) {
    const review = obj(body.review);
    if (
      action === 'submitted' &&
      str(review?.state)?.toLowerCase() === 'approved'
    ) {
      const event: LayeringRequestEvent = {
        type: 'approved',
        at: forgeTime(review?.submitted_at),
        ...(str(review?.html_url) ? { url: str(review?.html_url) } : {}),
      };
      events.push(withBy(event, login('github', review?.user)));
    }
  } else {
    if (action !== 'opened' && action !== 'closed') return undefined;
    events.push(
      ...githubPullEvents(pr, action === 'closed' ? body.sender : undefined),
    );
  }
  return events.length
    ? { pullRequest: ref, url, events, source: 'webhook' }
    : undefined;
}

/**
 * The events a GitHub pull request object (webhook or REST) implies: opened, and merged or
 * closed without merge. `closer` is who closed it when the payload says (the webhook's sender).
 */
export function githubPullEvents(
  pr: Json,
  closer?: unknown,
): LayeringRequestEvent[] {
  const url = str(pr.html_url);
  const events: LayeringRequestEvent[] = [
    withBy(
      { type: 'opened', at: forgeTime(pr.created_at), ...(url ? { url } : {}) },
      login('github', pr.user),
    ),
  ];
  if (pr.merged === true || str(pr.merged_at)) {
    events.push(
      withBy(
        {
          type: 'merged',
          at: forgeTime(pr.merged_at),
          ...(url ? { url } : {}),
        },
        login('github', pr.merged_by),
      ),
    );
  } else if (pr.state === 'closed') {
    events.push(
      withBy(
        {
          type: 'closed',
          at: forgeTime(pr.closed_at),
          detail: 'closed without merge',
          ...(url ? { url } : {}),
        },
        login('github', closer),
      ),
    );
  }
  return events;
}

/**
 * Reads a GitLab `merge_request` webhook payload (opened, approved, merged, closed). Answers
 * undefined for the rest (updates, reopening, unapproval).
 */
export function fromGitlabWebhook(
  payload: unknown,
): ForgeObservation | undefined {
  const body = obj(payload);
  const attrs = obj(body?.object_attributes);
  const url = str(attrs?.url);
  const ref = parsePullRequestUrl(url);
  if (!body || !attrs || !url || !ref) return undefined;
  const by = login('gitlab', body.user);
  const at = (value: unknown) => forgeTime(value ?? attrs.updated_at);
  let event: LayeringRequestEvent | undefined;
  switch (str(attrs.action)) {
    case 'open':
      event = { type: 'opened', at: at(attrs.created_at), url };
      break;
    case 'approved':
    case 'approval':
      event = { type: 'approved', at: at(undefined), url };
      break;
    case 'merge':
      event = { type: 'merged', at: at(attrs.merged_at), url };
      break;
    case 'close':
      event = {
        type: 'closed',
        at: at(attrs.closed_at),
        detail: 'closed without merge',
        url,
      };
      break;
    default:
      return undefined;
  }
  return {
    pullRequest: ref,
    url,
    events: [withBy(event, by)],
    source: 'webhook',
  };
}

/** The events a GitLab merge request object of the REST API implies, with its approvers. */
export function gitlabMergeRequestEvents(
  mr: Json,
  approvers: string[],
  now: () => Date,
): LayeringRequestEvent[] {
  const url = str(mr.web_url);
  const u = url ? { url } : {};
  const events: LayeringRequestEvent[] = [
    withBy(
      { type: 'opened', at: forgeTime(mr.created_at, now), ...u },
      login('gitlab', mr.author),
    ),
  ];
  for (const approver of approvers) {
    // The approvals API gives no time per approval: the time it was first seen.
    events.push({
      type: 'approved',
      at: now().toISOString(),
      by: `gitlab:${approver}`,
      ...u,
    });
  }
  if (mr.state === 'merged') {
    events.push(
      withBy(
        { type: 'merged', at: forgeTime(mr.merged_at, now), ...u },
        login('gitlab', mr.merge_user) ?? login('gitlab', mr.merged_by),
      ),
    );
  } else if (mr.state === 'closed') {
    events.push(
      withBy(
        {
          type: 'closed',
          at: forgeTime(mr.closed_at, now),
          detail: 'closed without merge',
          ...u,
        },
        login('gitlab', mr.closed_by),
      ),
    );
  }
  return events;
}
