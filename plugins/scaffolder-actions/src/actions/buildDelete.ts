import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ConflictError, InputError } from '@backstage/errors';
import { MCO_ANNOTATIONS, parseOcpVersion } from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './buildDelete.examples';
import { recordAppliedChange, requireDirectApply } from '../services/requests';
import { readReleaseBase } from '../kubernetes/lookups';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertResourceName } from '../services/validation';
import { MCO_GROUP, MachineOSBuild, NodeObject } from '../kubernetes/types';

const POOL_LABEL = MCO_ANNOTATIONS.targetPoolLabel;
const CURRENT_IMAGE = MCO_ANNOTATIONS.currentImage;
const DESIRED_IMAGE = MCO_ANNOTATIONS.desiredImage;

/** Releases from 4.20 on prune a deleted build's image from the registry. */
function releasePrunesImages(version: string | undefined): boolean {
  const parsed = version ? parseOcpVersion(version) : null;
  return !!parsed && (parsed.major > 4 || (parsed.major === 4 && parsed.minor >= 20));
}

/**
 * Creates `layering:build:delete`, which deletes a MachineOSBuild. On releases with the image
 * pruner this also removes the build's image from the registry, so the action refuses while a
 * node runs or is meant to run that image.
 *
 * @public
 */
export function createBuildDeleteAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:build:delete',
    description:
      'Deletes a MachineOSBuild (and, on releases that prune, its image); refused while a node uses or wants the image',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        build: z =>
          z.string({
            description: 'Name of the MachineOSBuild to delete, e.g. infra-35bd…',
          }),
        reason: inputs.reason,
        recordRequest: inputs.recordRequest,
      },
      output: {
        pool: z => z.string({ description: 'Pool the build belonged to' }),
        image: z =>
          z
            .string({ description: 'Digest pull spec the build produced, if it finished' })
            .optional(),
        imagePruned: z =>
          z.boolean({
            description:
              'True when the cluster release prunes the image from the registry with the push secret (4.20 and later)',
          }),
        changed: outputs.changed,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const { cluster, build, reason, recordRequest = true } = ctx.input;
      assertResourceName('build', build);
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const apiVersion = await client.machineOSConfigApiVersion();
      if (!apiVersion) {
        throw new InputError(
          `cluster: ${cluster} does not serve MachineOSBuilds (no on-cluster layering)`,
        );
      }
      const ref = { apiVersion: `${MCO_GROUP}/${apiVersion}`, kind: 'MachineOSBuild', name: build };
      const object = await client.get<MachineOSBuild>(ref);
      if (!object) {
        ctx.logger.info('The build does not exist (already deleted); nothing to do', {
          cluster,
          build,
        });
        ctx.output('pool', '');
        ctx.output('imagePruned', false);
        ctx.output('changed', false);
        return;
      }
      const pool = object.metadata.labels?.[POOL_LABEL] ?? '';
      const image =
        object.status?.digestedImagePushSpec ?? object.status?.finalImagePullspec ?? undefined;
      ctx.output('pool', pool);
      if (image) {
        ctx.output('image', image);
        const nodes = await client.list<NodeObject>('v1', 'Node');
        const users = nodes.filter(n => {
          const a = n.metadata.annotations ?? {};
          return a[CURRENT_IMAGE] === image || a[DESIRED_IMAGE] === image;
        });
        if (users.length > 0) {
          throw new ConflictError(
            `build: ${build} produced the image that node(s) ${users
              .map(n => n.metadata.name)
              .join(', ')} run or are moving to; deleting it could remove that image from the registry. Move the nodes to another image first.`,
          );
        }
      }
      const release = await readReleaseBase(client).catch(() => undefined);
      const imagePruned = !!image && releasePrunesImages(release?.releaseVersion);
      ctx.output('imagePruned', imagePruned);
      await requireDirectApply(ctx, options, { cluster, pool }, `delete build ${build}`);
      ctx.logger.info('About to delete the MachineOSBuild', {
        cluster,
        build,
        pool,
        imagePruned,
      });
      await client.delete(ref, { dryRun: true, uid: object.metadata.uid });
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: would delete the MachineOSBuild', { cluster, build });
        ctx.output('changed', true);
        return;
      }
      await ctx.checkpoint({
        key: `layering.build.delete.${cluster}.${build}`,
        fn: async () => {
          await client.delete(ref, { uid: object.metadata.uid });
        },
      });
      ctx.logger.info('MachineOSBuild deleted', { cluster, build });
      ctx.output('changed', true);
      if (recordRequest && pool) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: 'delete-build',
            delivery: 'direct',
            outcome: 'applied',
            summary: `Deleted MachineOSBuild ${build}${
              imagePruned ? ' and its image' : ''
            }${reason ? `: ${reason}` : ''}`,
          }),
        );
      }
    },
  });
}
