import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as inputs from './inputProperties';
import * as outputs from './outputProperties';
import { recordAppliedChange, requireDirectApply } from './shared';
import type { LayeringActionOptions } from './types';
import { assertResourceName } from './validation';
import { MCO_GROUP, MachineConfigPool } from '../kubernetes/types';

/** Pausing a pool for long holds back certificate rotation on its nodes. */
const LONG_PAUSE_WARNING =
  'While a pool is paused the MCO does not roll out anything to its nodes, including the kubelet certificate bundle it rotates; do not leave the pool paused for long.';

/**
 * Shared body of `layering:pool:pause` and `layering:pool:resume`: sets `spec.paused` with a
 * merge patch, is a no-op when the pool is already in the requested state, and records the
 * request.
 */
export function createPoolPausedAction(
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
      const client = await options.clusters.get(cluster);
      const poolRef = {
        apiVersion: `${MCO_GROUP}/v1`,
        kind: 'MachineConfigPool',
        name: pool,
      };
      const current = await client.require<MachineConfigPool>(poolRef);
      const warnings: string[] = [];
      if (paused) {
        warnings.push(LONG_PAUSE_WARNING);
      }
      ctx.output('warnings', warnings);
      if ((current.spec?.paused ?? false) === paused) {
        ctx.logger.info(`Pool is already ${paused ? 'paused' : 'running'}; nothing to do`, {
          cluster,
          pool,
        });
        ctx.output('changed', false);
        return;
      }
      await requireDirectApply(ctx, options, `${verb} pool ${pool}`);
      ctx.logger.info(`About to ${verb} pool`, { cluster, pool, reason });
      // The server dry run checks that the service account may patch the pool.
      await client.mergePatch(poolRef, { spec: { paused } }, {
        dryRun: true,
        fieldManager: options.config.fieldManager,
      });
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would ${verb} pool`, { cluster, pool });
        ctx.output('changed', true);
        return;
      }
      await ctx.checkpoint({
        key: `layering.pool.${verb}.${cluster}.${pool}`,
        fn: async () => {
          await client.mergePatch(poolRef, { spec: { paused } }, {
            fieldManager: options.config.fieldManager,
          });
        },
      });
      ctx.logger.info(`Pool ${paused ? 'paused' : 'resumed'}`, { cluster, pool });
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
            summary: `${paused ? 'Paused' : 'Resumed'} pool ${pool}${reason ? `: ${reason}` : ''}`,
          }),
        );
      }
    },
  });
}
