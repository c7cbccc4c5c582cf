import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { MCO_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './buildRebuild.examples';
import { recordAppliedChange, requireDirectApply } from '../services/requests';
import { findMachineOSConfig } from '../kubernetes/lookups';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertResourceName } from '../services/validation';
import { MCO_GROUP } from '../kubernetes/types';

/** Annotation that makes the MCO delete the current build and start a new one. */
const REBUILD_ANNOTATION = MCO_ANNOTATIONS.rebuild;

/**
 * Creates `layering:build:rebuild`, which asks the MCO to rebuild a pool's on-cluster image by
 * setting the rebuild annotation on its MachineOSConfig.
 *
 * @public
 */
export function createBuildRebuildAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:build:rebuild',
    description:
      'Rebuilds the on-cluster layered image of a pool: annotates its MachineOSConfig so that the MCO replaces the current MachineOSBuild with a new one',
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
        machineOSConfig: z =>
          z.string({ description: 'Name of the MachineOSConfig that was annotated' }),
        changed: outputs.changed,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const { cluster, pool, reason, recordRequest = true } = ctx.input;
      assertResourceName('pool', pool);
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const { apiVersion, object } = await findMachineOSConfig(client, pool);
      if (!apiVersion || !object) {
        throw new InputError(
          `pool: ${pool} on cluster ${cluster} has no MachineOSConfig; rebuilds apply to on-cluster layering only`,
        );
      }
      const name = object.metadata.name;
      ctx.output('machineOSConfig', name);
      if (object.metadata.annotations?.[REBUILD_ANNOTATION] !== undefined) {
        ctx.logger.info('A rebuild is already requested and not yet picked up; nothing to do', {
          cluster,
          pool,
          machineOSConfig: name,
        });
        ctx.output('changed', false);
        return;
      }
      await requireDirectApply(ctx, options, { cluster, pool }, `rebuild the image of pool ${pool}`);
      const ref = { apiVersion: `${MCO_GROUP}/${apiVersion}`, kind: 'MachineOSConfig', name };
      const patch = { metadata: { annotations: { [REBUILD_ANNOTATION]: ctx.task.id } } };
      ctx.logger.info('About to request a rebuild', { cluster, pool, machineOSConfig: name });
      await client.mergePatch(ref, patch, {
        dryRun: true,
        fieldManager: options.config.fieldManager,
      });
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: would annotate the MachineOSConfig for a rebuild', {
          cluster,
          machineOSConfig: name,
        });
        ctx.output('changed', true);
        return;
      }
      await ctx.checkpoint({
        key: `layering.build.rebuild.${cluster}.${pool}`,
        fn: async () => {
          await client.mergePatch(ref, patch, { fieldManager: options.config.fieldManager });
        },
      });
      ctx.logger.info('Rebuild requested', { cluster, pool, machineOSConfig: name });
      ctx.output('changed', true);
      if (recordRequest) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: 'rebuild',
            delivery: 'direct',
            outcome: 'applied',
            summary: `Requested a rebuild of MachineOSConfig ${name}${reason ? `: ${reason}` : ''}`,
          }),
        );
      }
    },
  });
}
