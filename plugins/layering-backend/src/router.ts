import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  assertError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  LAYERING_REQUEST_DELIVERIES,
  LAYERING_REQUEST_KINDS,
  LAYERING_REQUEST_OUTCOMES,
  layeringClusterReadPermission,
  layeringPoolReadPermission,
  poolResourceRef,
  type ClusterView,
  type LayeringClusterDetail,
  type LayeringClusterRelease,
  type LayeringDeliveryOptions,
  type LayeringHealthResponse,
  type LayeringListResponse,
  type LayeringRequestBody,
  type LayeringRequestRecord,
  type LayeringRequestResponse,
  type LayeringRequestsQueryParams,
  type PoolDetail,
  type PoolLayeringSettings,
  type PoolView,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { conditionalDecision, requirePermission } from './auth/requirePermission';
import type { ScaffolderTaskLookup } from './auth/scaffolderTasks';
import type { PoolResourceLoader } from './permissions/poolResources';
import { isPoolAllowed } from './permissions/poolRuleset';
import { createPoolsRoutes } from './routes/pools';
import { deliveryOptionsFromConfig } from './services/deliveryOptions';
import type { LayeringFleetService } from './services/FleetService';
import type { LayeringRequestStore } from './services/RequestStore';
import { createForecastRoutes } from './routes/forecast';
import type { LayeringForecastService } from './services/forecast/ForecastService';

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  fleet: LayeringFleetService;
  requests: LayeringRequestStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** The root config; its `integrations` section says whether pull requests can be opened. */
  config: Config;
  /** Pools as permission resources (owners from the catalog), for conditional decisions. */
  poolResources: PoolResourceLoader;
  /** The scaffolder's tasks: who asked for a recorded request comes from its task. */
  tasks: ScaffolderTaskLookup;
  /** The upgrade forecast (`/clusters/:cluster/updates`, `/forecast`); its routes are left out without it. */
  forecast?: LayeringForecastService;
}

/** The only principal that may record requests: the scaffolder, running the layering actions. */
const SCAFFOLDER_SUBJECT = 'plugin:scaffolder';

/** Task states in which an action can still be running and recording. */
const RUNNING_TASK_STATES = ['open', 'processing'];

const requestsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict() satisfies z.ZodType<LayeringRequestsQueryParams, z.ZodTypeDef, unknown>;

const ENTITY_REF = /^[a-z0-9-]+:[a-z0-9._-]+\/[A-Za-z0-9._-]+$/i;

/** Who a record says asked: the task's creator, or the scaffolder for tasks a service started. */
function requesterFromTask(createdBy: string | undefined): string {
  return createdBy && ENTITY_REF.test(createdBy) ? createdBy : 'service:default/scaffolder';
}

const newRequestBody = z
  .object({
    kind: z.enum(LAYERING_REQUEST_KINDS),
    delivery: z.enum(LAYERING_REQUEST_DELIVERIES),
    pullRequestUrl: z.string().url().max(2048).nullish(),
    taskId: z.string().min(1).max(255),
    // Older action versions send who asked; it is ignored; the task says who asked.
    requestedBy: z.string().max(255).optional(),
    outcome: z.enum(LAYERING_REQUEST_OUTCOMES),
    summary: z.string().max(2000).nullish(),
    requestId: z.string().uuid().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (
      body.delivery === 'pull-request' &&
      !body.pullRequestUrl &&
      body.outcome !== 'failed'
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['pullRequestUrl'],
        message:
          'is required when delivery is pull-request (unless the outcome is failed)',
      });
    }
    if (body.delivery === 'direct' && body.pullRequestUrl) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['pullRequestUrl'],
        message: 'must be empty when delivery is direct',
      });
    }
  }) satisfies z.ZodType<LayeringRequestBody>;

/** Turns a zod failure into one readable, field-level message. */
function inputError(what: string, error: z.ZodError): InputError {
  const details = error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return new InputError(`Invalid ${what}: ${details}`);
}

/**
 * Builds the REST API of the `layering` plugin (mounted at `/api/layering`).
 * All answers come from the watch caches, except a pool's layering settings, which read its
 * MachineOSConfig with one GET (the caches keep no Containerfiles).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { fleet, requests, httpAuth, permissions, auditor, config, poolResources, tasks } =
    options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  const allow = (
    req: express.Request,
    ...required: Parameters<typeof requirePermission>[1][]
  ) => requirePermission({ httpAuth, permissions, request: req }, ...required);

  const readPool = (cluster: string, pool: string) => ({
    permission: layeringPoolReadPermission,
    resourceRef: poolResourceRef(cluster, pool),
  });

  /** The pools the caller may read (`layering.pool.read`, which a policy may make conditional). */
  const readablePools = async (req: express.Request, pools: PoolView[]): Promise<PoolView[]> => {
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

  const clusterOr404 = (name: string) => {
    const cluster = fleet.getCluster(name);
    if (!cluster) {
      throw new NotFoundError(
        `Cluster "${name}" is not configured in this backend`,
      );
    }
    return cluster;
  };

  const poolNotFound = (
    cluster: { name: string; status: string },
    pool: string,
  ) => {
    const hint =
      cluster.status === 'ok'
        ? ''
        : ` (the cluster is ${cluster.status}, its data may be incomplete)`;
    return new NotFoundError(
      `Pool "${pool}" does not exist in cluster "${cluster.name}"${hint}`,
    );
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' } satisfies LayeringHealthResponse);
  });

  // Whether a template can open a pull or merge request with the portal's own credentials.
  router.get('/delivery', async (req, res) => {
    await allow(req, layeringClusterReadPermission);
    res.json(deliveryOptionsFromConfig(config) satisfies LayeringDeliveryOptions);
  });

  router.get('/clusters', async (req, res) => {
    await allow(req, layeringClusterReadPermission);
    res.json({ items: fleet.listClusters() } satisfies LayeringListResponse<ClusterView>);
  });

  router.get('/clusters/:cluster', async (req, res) => {
    await allow(req, layeringClusterReadPermission);
    const cluster = clusterOr404(req.params.cluster);
    res.json({
      ...cluster,
      pools: await readablePools(req, fleet.listPools(cluster.name) ?? []),
    } satisfies LayeringClusterDetail);
  });

  router.get('/clusters/:cluster/release', async (req, res) => {
    await allow(req, layeringClusterReadPermission);
    clusterOr404(req.params.cluster);
    res.json(fleet.getRelease(req.params.cluster) satisfies LayeringClusterRelease | undefined);
  });

  router.get('/clusters/:cluster/pools', async (req, res) => {
    clusterOr404(req.params.cluster);
    res.json({
      items: await readablePools(req, fleet.listPools(req.params.cluster) ?? []),
    } satisfies LayeringListResponse<PoolView>);
  });

  router.get('/clusters/:cluster/pools/:pool', async (req, res) => {
    await allow(req, readPool(req.params.cluster, req.params.pool));
    const cluster = clusterOr404(req.params.cluster);
    const detail = fleet.getPool(cluster.name, req.params.pool);
    if (!detail) {
      throw poolNotFound(cluster, req.params.pool);
    }
    res.json(detail satisfies PoolDetail);
  });

  // The pool's current settings, for the forms that change them (e.g. its Containerfile).
  router.get('/clusters/:cluster/pools/:pool/layering', async (req, res) => {
    await allow(req, readPool(req.params.cluster, req.params.pool));
    const cluster = clusterOr404(req.params.cluster);
    const settings = await fleet.getPoolLayering(cluster.name, req.params.pool);
    if (!settings) {
      throw poolNotFound(cluster, req.params.pool);
    }
    res.json(settings satisfies PoolLayeringSettings);
  });

  router.use(createPoolsRoutes({ fleet, httpAuth, permissions, poolResources }));

  router.get('/clusters/:cluster/pools/:pool/requests', async (req, res) => {
    await allow(req, readPool(req.params.cluster, req.params.pool));
    const parsed = requestsQuery.safeParse(req.query);
    if (!parsed.success) {
      throw inputError('query', parsed.error);
    }
    const cluster = clusterOr404(req.params.cluster);
    res.json({
      items: await requests.list(cluster.name, req.params.pool, {
        limit: parsed.data.limit,
      }),
    } satisfies LayeringListResponse<LayeringRequestRecord>);
  });

  router.post('/clusters/:cluster/pools/:pool/requests', async (req, res) => {
    // Only the scaffolder, running the layering actions, records requests; no user, and no
    // other service (external static tokens included) can write history.
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const caller = credentials.principal.subject;
    const { cluster: clusterName, pool } = req.params;
    const auditorEvent = await auditor.createEvent({
      eventId: 'request-record',
      severityLevel: 'medium',
      request: req,
      meta: { cluster: clusterName, pool, caller },
    });
    try {
      if (caller !== SCAFFOLDER_SUBJECT) {
        throw new NotAllowedError('Only the scaffolder may record layering requests');
      }
      const parsed = newRequestBody.safeParse(req.body);
      if (!parsed.success) {
        throw inputError('request body', parsed.error);
      }
      const cluster = clusterOr404(clusterName);
      const known = fleet.listPools(cluster.name) ?? [];
      const stale = cluster.status !== 'ok';
      // A pool that the caches do not know is refused, unless the caches cannot tell (stale).
      if (!stale && !known.some(p => p.name === pool)) {
        throw new NotFoundError(
          `Pool "${pool}" does not exist in cluster "${cluster.name}"`,
        );
      }
      const { requestedBy: _ignored, ...body } = parsed.data;
      const task = await tasks.getTask(body.taskId);
      if (!task) {
        throw new InputError(`taskId: the scaffolder has no task ${body.taskId}`);
      }
      if (!RUNNING_TASK_STATES.includes(task.status)) {
        throw new ConflictError(
          `taskId: task ${body.taskId} is ${task.status}; only a running task records requests`,
        );
      }
      const { record, created, updated } = await requests.add({
        ...body,
        cluster: cluster.name,
        pool,
        requestedBy: requesterFromTask(task.createdBy),
      });
      await auditorEvent.success({
        meta: {
          id: record.id,
          kind: record.kind,
          delivery: record.delivery,
          outcome: record.outcome,
          taskId: record.taskId,
          requestedBy: record.requestedBy,
          created,
          updated,
        },
      });
      res.status(created ? 201 : 200).json(record satisfies LayeringRequestResponse);
    } catch (error) {
      assertError(error);
      await auditorEvent.fail({ error });
      throw error;
    }
  });

  if (options.forecast) {
    router.use(createForecastRoutes({ fleet, forecast: options.forecast, httpAuth, permissions, poolResources }));
  }

  return router;
}
