import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  layeringClusterReadPermission,
  layeringPoolReadPermission,
  type LayeringTrendQueryParams,
  type LayeringTrendResponse,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { conditionalDecision, requirePermission } from '../auth/requirePermission';
import type { LayeringFleetService } from '../services/FleetService';
import type { DriftTrendStore } from '../services/trend/DriftTrendStore';

/** Dependencies of {@link createTrendRoutes}. */
export interface TrendRoutesOptions {
  fleet: LayeringFleetService;
  store: DriftTrendStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  now?: () => number;
}

const DAY = 86_400_000;

const trendQuery = z
  .object({
    cluster: z.string().min(1).max(253).optional(),
    days: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(90))
      .optional(),
  })
  .strict() satisfies z.ZodType<LayeringTrendQueryParams, z.ZodTypeDef, unknown>;

/**
 * `GET /trend?cluster=&days=`: pool counts per drift status over time, per cluster. The counts
 * cover every pool, so they need `layering.cluster.read` and an unconditional
 * `layering.pool.read` (a caller who may read only some pools would learn about the others).
 */
export function createTrendRoutes(options: TrendRoutesOptions): express.Router {
  const { fleet, store, httpAuth, permissions, now = Date.now } = options;
  const router = Router();

  router.get('/trend', async (req, res) => {
    const credentials = await requirePermission(
      { httpAuth, permissions, request: req },
      layeringClusterReadPermission,
    );
    const decision = await conditionalDecision(
      { permissions, credentials },
      layeringPoolReadPermission,
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Not allowed: layering.pool.read on every pool (the drift trend counts every pool)',
      );
    }
    const parsed = trendQuery.safeParse(req.query);
    if (!parsed.success) {
      const details = parsed.error.issues
        .map(i => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      throw new InputError(`Invalid query: ${details}`);
    }
    const { cluster, days = 30 } = parsed.data;
    if (cluster && !fleet.getCluster(cluster)) {
      throw new NotFoundError(`Cluster "${cluster}" is not configured in this backend`);
    }
    const since = new Date(now() - days * DAY).toISOString();
    const configured = new Set(fleet.listClusters().map(c => c.name));
    const samples = (await store.list({ since, cluster })).filter(s => configured.has(s.cluster));
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ since, samples } satisfies LayeringTrendResponse);
  });

  return router;
}
