import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  layeringClusterReadPermission,
  layeringPoolReadPermission,
  type LayeringClusterUpdates,
  type LayeringForecastResponse,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import type express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { conditionalDecision, requirePermission } from '../auth/requirePermission';
import type { PoolResourceLoader } from '../permissions/poolResources';
import { isPoolAllowed } from '../permissions/poolRuleset';
import type { LayeringFleetService } from '../services/fleetTypes';
import type { LayeringForecastService } from '../services/forecast/ForecastService';

/** Dependencies of {@link createForecastRoutes}. */
export interface ForecastRoutesOptions {
  fleet: LayeringFleetService;
  forecast: LayeringForecastService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  poolResources: PoolResourceLoader;
}

const forecastQuery = z
  .object({
    to: z
      .string({ required_error: 'is required: the version to update to, e.g. ?to=4.18.24' })
      .min(1)
      .max(64)
      .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]*$/, 'must be an OpenShift version such as 4.18.24'),
  })
  .strict();

/**
 * Routes of the upgrade forecast: `GET /clusters/:cluster/updates` (the releases the cluster is
 * offered; `layering.cluster.read`) and `GET /clusters/:cluster/forecast?to=<version>` (what each
 * pool the caller may read, `layering.pool.read`, would do; the other pools are left out).
 */
export function createForecastRoutes(options: ForecastRoutesOptions): express.Router {
  const { fleet, forecast, httpAuth, permissions, poolResources } = options;
  const router = Router();

  const clusterOr404 = (name: string) => {
    if (!fleet.getCluster(name)) {
      throw new NotFoundError(`Cluster "${name}" is not configured in this backend`);
    }
  };

  const readablePools = async (req: express.Request, pools: PoolView[]) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const decision = await conditionalDecision(
      { permissions, credentials },
      layeringPoolReadPermission,
    );
    if (decision.result === AuthorizeResult.ALLOW) return pools;
    if (decision.result === AuthorizeResult.DENY) return [];
    const resources = await poolResources.forPools(pools);
    return pools.filter((_pool, i) => isPoolAllowed(decision, resources[i]));
  };

  router.get('/clusters/:cluster/updates', async (req, res) => {
    await requirePermission({ httpAuth, permissions, request: req }, layeringClusterReadPermission);
    clusterOr404(req.params.cluster);
    res.json(forecast.updates(req.params.cluster) satisfies LayeringClusterUpdates);
  });

  router.get('/clusters/:cluster/forecast', async (req, res) => {
    clusterOr404(req.params.cluster);
    const parsed = forecastQuery.safeParse(req.query);
    if (!parsed.success) {
      const details = parsed.error.issues
        .map(issue => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      throw new InputError(`Invalid query: ${details}`);
    }
    const pools = await readablePools(req, fleet.listPools(req.params.cluster) ?? []);
    const answer = await forecast.forecast(req.params.cluster, parsed.data.to, pools);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(answer satisfies LayeringForecastResponse);
  });

  return router;
}
