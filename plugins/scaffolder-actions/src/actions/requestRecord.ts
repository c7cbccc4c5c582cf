import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { LAYERING_REQUEST_KINDS } from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import { examples } from './requestRecord.examples';
import { recordRequestOnce, requirePoolRequest } from '../services/requests';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertResourceName } from '../services/validation';

/**
 * Creates `layering:request:record`, which records a request in the layering backend's pool
 * history, typically after `publish:github:pull-request` with the pull request's URL.
 *
 * @public
 */
export function createRequestRecordAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:request:record',
    description:
      'Records a layering request (e.g. the pull request a template opened) in the pool history of the layering backend',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: inputs.pool,
        kind: z =>
          z.enum(LAYERING_REQUEST_KINDS, {
            description: 'What the request changes',
          }),
        delivery: z =>
          z
            .enum(['pull-request', 'direct'], {
              description: 'How the change reaches the cluster',
            })
            .default('pull-request'),
        pullRequestUrl: inputs.pullRequestUrl,
        outcome: z =>
          z
            .enum(['opened', 'applied', 'failed'], {
              description:
                'State of the request when recorded (default opened)',
            })
            .default('opened'),
        summary: z =>
          z
            .string({
              description:
                'One line describing the change, shown in the history',
            })
            .min(1)
            .max(500),
        requestId: z =>
          z
            .string({
              description:
                'The request id of layering:manifest:render (its requestId output), so the record and the rendered objects share it',
            })
            .uuid()
            .optional(),
      },
      output: {
        requestId: z =>
          z.string({ description: 'Id of the recorded request' }).optional(),
      },
    },
    async handler(ctx) {
      const {
        cluster,
        pool,
        kind,
        delivery = 'pull-request',
        pullRequestUrl,
        outcome = 'opened',
        summary,
        requestId,
      } = ctx.input;
      assertResourceName('pool', pool);
      if (
        delivery === 'pull-request' &&
        !pullRequestUrl &&
        outcome !== 'failed'
      ) {
        throw new InputError(
          'pullRequestUrl: a request delivered by pull request needs the pull request URL (unless it failed)',
        );
      }
      if (delivery === 'direct' && pullRequestUrl) {
        throw new InputError(
          'pullRequestUrl: a direct change has no pull request',
        );
      }
      // Fails for clusters that are not configured, before anything is recorded.
      await options.clusters.reader(cluster);
      await requirePoolRequest(ctx, options, { cluster, pool }, `request a change to pool ${pool}`);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: would record the request', {
          cluster,
          pool,
          kind,
          outcome,
        });
        return;
      }
      ctx.output(
        'requestId',
        await recordRequestOnce(ctx, options, {
          cluster,
          pool,
          kind,
          delivery,
          outcome,
          summary,
          pullRequestUrl,
          requestId,
        }),
      );
    },
  });
}
