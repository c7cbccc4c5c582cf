import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Caller } from './auth';
import { requestAttributes } from '../rbac/requestInfo';

/**
 * One entry of the embedded cluster's audit log, in the shape of a kube-apiserver audit event
 * (`audit.k8s.io/v1` `Event`, level `Metadata`): who asked for which change, and the answer.
 *
 * @public
 */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: { username: string; groups: string[] };
  userAgent?: string;
  objectRef: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    apiVersion?: string;
    subresource?: string;
  };
  responseStatus: { code: number };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Who a caller is in audit events: the user RBAC decides on, or the fixed test identities. */
function auditUser(caller: Caller | undefined): AuditEvent['user'] {
  if (caller?.user) return { username: caller.user.username, groups: caller.user.groups };
  if (caller?.role === 'admin') return { username: 'system:admin', groups: ['system:masters'] };
  if (caller?.role === 'readOnly') return { username: 'embedded:read-only', groups: [] };
  return { username: 'system:anonymous', groups: ['system:unauthenticated'] };
}

/**
 * The write requests the API server answered (at most `limit`, oldest dropped), as the cluster's
 * audit log records them. Reads are not kept: a watch-heavy backend would flood it.
 */
export class AuditLog {
  readonly #events: AuditEvent[] = [];
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Record the request once its answer is sent, when it asks for a change. */
  track(req: IncomingMessage, res: ServerResponse, url: URL, caller: Caller | undefined) {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
    const attrs = requestAttributes(method, url.pathname, url.searchParams);
    if (!attrs.isResourceRequest || !WRITE_VERBS.has(attrs.verb)) return;
    const received = new Date().toISOString();
    res.once('finish', () => {
      this.#events.push({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: randomUUID(),
        stage: 'ResponseComplete',
        requestURI: `${url.pathname}${url.search}`,
        verb: attrs.verb,
        user: auditUser(caller),
        userAgent: req.headers['user-agent'],
        objectRef: {
          resource: attrs.resource || undefined,
          namespace: attrs.namespace || undefined,
          name: attrs.name || undefined,
          apiGroup: attrs.apiGroup || undefined,
          apiVersion: attrs.apiVersion || undefined,
          subresource: attrs.subresource || undefined,
        },
        responseStatus: { code: res.statusCode },
        requestReceivedTimestamp: received,
        stageTimestamp: new Date().toISOString(),
      });
      if (this.#events.length > this.#limit) this.#events.shift();
    });
  }

  /** The recorded events, oldest first. */
  events(): AuditEvent[] {
    return this.#events.map(e => structuredClone(e));
  }
}
