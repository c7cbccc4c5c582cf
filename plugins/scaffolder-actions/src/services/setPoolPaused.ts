import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as inputs from './inputProperties';
import * as outputs from './outputProperties';
import { recordAppliedChange, requireDirectApply } from './requests';
import type { LayeringActionOptions } from './actionOptions';
import { assertResourceName } from './validation';
import { MCO_GROUP } from '../kubernetes/types';
import { runPausePreflight } from './preflight';

/**
 * Builds `layering:pool:pause` (`paused: true`) or `layering:pool:resume` (`paused: false`), the
 * two actions that set `spec.paused` of a MachineConfigPool: runs the pause or resume pre-flight
 * rules of layering-common (the ones the request preview of the form runs), sets `spec.paused`
 * with a merge patch, is a no-op when the pool is already in the requested state, and records the
 * request.
 */
export function createSetPoolPausedAction(
  options: LayeringActionOptions,
  paused: boolean,
  examples: TemplateExample[],
) {
  const verb = paused ? 'pause' : 'resume';
  return createTemplateAction({
    id: `layering:pool:${verb}`,
    description: paused
      ? 'Pauses a MachineConfigPool: builds still run, but no node is updated until the pool is resumed'
      : 'Resumes a paused MachineConfigPool so that pending configurations and images roll out',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: inputs.pool,
        reason: inputs.reason,
        recordRequest: inputs.recordRequest,
      },
      output: {
        changed: outputs.changed,
        warnings: outputs.warnings,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const { cluster, pool, reason, recordRequest = true } = ctx.input;
      assertResourceName('pool', pool);
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const poolRef = {
        apiVersion: `${MCO_GROUP}/v1`,
        kind: 'MachineConfigPool',
        name: pool,
      };
      // Errors refuse the request before anything changes; the warnings go to the output.
      const preflight = await runPausePreflight(client, {
        pool,
        operation: verb,
      });
      for (const warning of preflight.warnings) {
        ctx.logger.warn(warning, { cluster, pool });
      }
      ctx.output('warnings', preflight.warnings);
      if ((preflight.pool.spec?.paused ?? false) === paused) {
        ctx.logger.info(
          `Pool is already ${paused ? 'paused' : 'running'}; nothing to do`,
          {
            cluster,
            pool,
          },
        );
        ctx.output('changed', false);
        return;
      }
      await requireDirectApply(ctx, options, { cluster, pool }, `${verb} pool ${pool}`);
      ctx.logger.info(`About to ${verb} pool`, { cluster, pool, reason });
      // The server dry run checks that the service account may patch the pool.
      await client.mergePatch(
        poolRef,
        { spec: { paused } },
        {
          dryRun: true,
          fieldManager: options.config.fieldManager,
        },
      );
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would ${verb} pool`, { cluster, pool });
        ctx.output('changed', true);
        return;
      }
      await ctx.checkpoint({
        key: `layering.pool.${verb}.${cluster}.${pool}`,
        fn: async () => {
          await client.mergePatch(
            poolRef,
            { spec: { paused } },
            {
              fieldManager: options.config.fieldManager,
            },
          );
        },
      });
      ctx.logger.info(`Pool ${paused ? 'paused' : 'resumed'}`, {
        cluster,
        pool,
      });
      ctx.output('changed', true);
      if (recordRequest) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: verb,
            delivery: 'direct',
            outcome: 'applied',
            summary: `${paused ? 'Paused' : 'Resumed'} pool ${pool}${
              reason ? `: ${reason}` : ''
            }`,
          }),
        );
      }
    },
  });
}
