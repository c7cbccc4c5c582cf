import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import {
  LAYERING_FLEET_SORTS,
  LAYERING_FLEET_STATUSES,
  layeringPoolReadPermission,
  type LayeringFleetPageQueryParams,
  type LayeringFleetPageResponse,
  type LayeringFleetSort,
  type LayeringFleetStatus,
  type LayeringListResponse,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import { performance } from 'node:perf_hooks';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { conditionalDecision } from '../auth/requirePermission';
import type { PoolResourceLoader } from '../permissions/poolResources';
import { isPoolAllowed } from '../permissions/poolRuleset';
import type { LayeringFleetService } from '../services/FleetService';
import {
  decodeCursor,
  fleetEntries,
  fleetPage,
  sortEntries,
  summarize,
  summaryScope,
  type FleetEntry,
} from './fleetPage';

/** Dependencies of {@link createPoolsRoutes}. */
export interface PoolsRoutesOptions {
  fleet: LayeringFleetService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  poolResources: PoolResourceLoader;
}

const LAYERING_MODES = ['none', 'on-cluster', 'out-of-cluster'] as const;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** A list given as `a,b` or as a repeated parameter. */
const listParam = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform(value =>
      (Array.isArray(value) ? value : [value])
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(100));

const fleetQuery = z
  .object({
    drift: listParam(z.enum(LAYERING_FLEET_STATUSES as [LayeringFleetStatus, ...LayeringFleetStatus[]])).optional(),
    cluster: listParam(z.string().min(1).max(253)).optional(),
    mode: listParam(z.enum(LAYERING_MODES)).optional(),
    q: z.string().max(100).optional(),
    sort: z.enum(LAYERING_FLEET_SORTS as [LayeringFleetSort, ...LayeringFleetSort[]]).optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIMIT))
      .optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict() satisfies z.ZodType<LayeringFleetPageQueryParams, z.ZodTypeDef, unknown>;

/** Page answers kept per sorted fleet list (see `pageAnswers`). */
const MAX_PAGE_ANSWERS = 64;

/** Durations between marks, as a `Server-Timing` header (`auth;dur=1.2, permission;dur=3.4`). */
function serverTiming() {
  let last = performance.now();
  const parts: string[] = [];
  return {
    mark(name: string, description?: string) {
      const now = performance.now();
      parts.push(`${name};dur=${(now - last).toFixed(1)}${description ? `;desc=${description}` : ''}`);
      last = now;
    },
    header: () => parts.join(', '),
  };
}

/** Parameters that ask for the paged answer; without them `/pools` answers as it always did. */
const PAGING_PARAMS = ['limit', 'cursor', 'sort', 'q', 'mode'] as const;

/** Drift statuses of the unpaged answer, which filters on the pools' own drift status. */
const DRIFT_STATUSES = new Set<string>(['in-sync', 'behind', 'ahead', 'unknown']);

function inputError(error: z.ZodError): InputError {
  const details = error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return new InputError(`Invalid query: ${details}`);
}

/**
 * `GET /pools`: the fleet's pools. With paging parameters, one page of the readable pools that
 * match the filters, in a stable order, with a cursor, a total and a summary; without them every
 * readable pool as `{ items }` (the catalog module's call), served pre-serialised with an ETag.
 * The read permission is applied before paging, so totals, summaries and pages only ever count
 * pools the caller may read.
 */
export function createPoolsRoutes(options: PoolsRoutesOptions): express.Router {
  const { fleet, httpAuth, permissions, poolResources } = options;
  const router = Router();

  // The fleet's entries in each order, kept while the fleet's views version holds (no pool view,
  // cluster status or cluster changed). Sorting 10,000 pools for every request would cost more
  // than the rest of the answer, and so would building a view of each of 1,000 clusters to learn
  // whether their statuses moved.
  const sorted = new Map<LayeringFleetSort, { version: number; entries: FleetEntry[] }>();
  const sortedEntries = (sort: LayeringFleetSort): FleetEntry[] => {
    const version = fleet.viewsVersion();
    const kept = sorted.get(sort);
    if (kept && kept.version === version) return kept.entries;
    const statusOf = new Map(fleet.listClusters().map(c => [c.name, c.status]));
    const entries = sortEntries(fleetEntries(fleet.listFleetPools(), c => statusOf.get(c)), sort);
    sorted.set(sort, { version, entries });
    return entries;
  };

  // The summary of a whole sorted list (no text or mode filter, every pool readable) is kept
  // with it: most requests of the page ask for it unchanged.
  const summaries = new WeakMap<FleetEntry[], ReturnType<typeof summarize>>();
  const summaryOf = (scope: FleetEntry[]) => {
    let summary = summaries.get(scope);
    if (!summary) {
      summary = summarize(scope);
      summaries.set(scope, summary);
    }
    return summary;
  };

  /** The pools this decision lets the caller read. */
  const readable = async (decision: PolicyDecision, pools: PoolView[]): Promise<PoolView[]> => {
    if (decision.result === AuthorizeResult.ALLOW) return pools;
    if (decision.result === AuthorizeResult.DENY) return [];
    const resources = await poolResources.forPools(pools);
    return pools.filter((_pool, i) => isPoolAllowed(decision, resources[i]));
  };

  // Page answers of the whole readable fleet, serialised, kept while the sorted list they were cut
  // from holds (a new list, when a pool or a cluster status changes, starts empty): most requests
  // of the fleet page are the same few first pages, asked by every browser that opens it.
  const pageAnswers = new WeakMap<FleetEntry[], Map<string, string>>();
  const answerCache = (entries: FleetEntry[]) => {
    let answers = pageAnswers.get(entries);
    if (!answers) {
      answers = new Map();
      pageAnswers.set(entries, answers);
    }
    return answers;
  };

  router.get('/pools', async (req, res) => {
    // Server-Timing tells a browser (and the browser benchmark) where the server's time went.
    const timing = serverTiming();
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    timing.mark('auth');
    const decision = await conditionalDecision(
      { permissions, credentials },
      layeringPoolReadPermission,
    );
    timing.mark('permission');
    const parsed = fleetQuery.safeParse(req.query);
    if (!parsed.success) {
      throw inputError(parsed.error);
    }
    const query = parsed.data;
    for (const name of query.cluster ?? []) {
      if (!fleet.getCluster(name)) {
        throw new NotFoundError(`Cluster "${name}" is not configured in this backend`);
      }
    }
    const paged = PAGING_PARAMS.some(p => query[p] !== undefined);

    if (paged) {
      const sort = query.sort ?? 'behind';
      const cursor = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
      const filter = {
        statuses: query.drift,
        clusters: query.cluster,
        modes: query.mode,
        q: query.q?.trim() || undefined,
      };
      const limit = query.limit ?? DEFAULT_LIMIT;
      // Read permission first, then the filters, then the page; every pool is kept in `scope` so
      // the summary can count the statuses and clusters not chosen.
      let entries = sortedEntries(sort);
      const answers = decision.result === AuthorizeResult.ALLOW ? answerCache(entries) : undefined;
      const answerKey = JSON.stringify([filter, limit, query.cursor ?? null]);
      let body = answers?.get(answerKey);
      if (body === undefined) {
        if (decision.result !== AuthorizeResult.ALLOW) {
          const allowed = new Set(await readable(decision, entries.map(e => e.pool)));
          entries = entries.filter(e => allowed.has(e.pool));
        }
        const scope = summaryScope(entries, filter);
        const page = fleetPage(scope, filter, { sort, limit, cursor });
        body = JSON.stringify({
          ...page,
          summary: summaryOf(scope),
        } satisfies LayeringFleetPageResponse);
        if (answers) {
          answers.set(answerKey, body);
          // The oldest answer goes first: a bounded cache however many filters are tried.
          const oldest = answers.keys().next().value;
          if (answers.size > MAX_PAGE_ANSWERS && oldest !== undefined) answers.delete(oldest);
        }
        timing.mark('page');
      } else {
        timing.mark('page', 'cached');
      }
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Server-Timing', timing.header());
      res.type('application/json').send(body);
      return;
    }

    const unpaged = (query.drift ?? []).filter(s => !DRIFT_STATUSES.has(s));
    if (unpaged.length) {
      throw new InputError(
        `Invalid query: drift: ${unpaged.join(', ')} is only a filter of the paged listing (give limit)`,
      );
    }
    const fleetFilter = {
      drift: query.drift as PoolView['drift']['status'][] | undefined,
      clusters: query.cluster,
    };
    if (decision.result !== AuthorizeResult.ALLOW) {
      // Only some pools (or none) are readable: filtered per caller, so not the shared answer.
      res.setHeader('Cache-Control', 'private, no-store');
      res.json({
        items: await readable(decision, fleet.listFleetPools(fleetFilter)),
      } satisfies LayeringListResponse<PoolView>);
      return;
    }
    const answer = fleet.listFleetPoolsResponse(fleetFilter);
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'Accept-Encoding, Authorization');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json');
    // Served pre-encoded: the answer is kept compressed until a pool changes, instead of being
    // gzipped again for every request (the compression middleware skips encoded answers).
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(answer.gzipped());
      return;
    }
    res.end(answer.body);
  });

  return router;
}
