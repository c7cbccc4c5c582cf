import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ConflictError, InputError, NotFoundError, toError } from '@backstage/errors';
import { isBuiltInPool, MCO_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './nodeAssign.examples';
import { recordAppliedChange, requireDirectApply } from '../services/requests';
import {
  assertCustomPool,
  findMachineOSConfig,
  poolRef,
  selectorMatches,
} from '../kubernetes/lookups';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertPoolLabelOnly, assertResourceName } from '../services/validation';
import { MCO_GROUP, MachineConfigPool, NodeObject } from '../kubernetes/types';

const ROLE_LABEL = MCO_ANNOTATIONS.role;
const CONTROL_PLANE_LABELS = [
  'node-role.kubernetes.io/master',
  'node-role.kubernetes.io/control-plane',
];

/** The custom pool the action creates: inherits worker MachineConfigs, as the MCO requires. */
export function customPoolObject(pool: string): MachineConfigPool {
  return {
    apiVersion: `${MCO_GROUP}/v1`,
    kind: 'MachineConfigPool',
    metadata: { name: pool },
    spec: {
      machineConfigSelector: {
        matchExpressions: [{ key: ROLE_LABEL, operator: 'In', values: ['worker', pool] }],
      },
      nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${pool}`]: '' } },
    },
  };
}

/**
 * Creates `layering:node:assign`, which labels nodes into a custom MachineConfigPool, creating
 * the pool (with a selector that includes role `worker`) when asked to.
 *
 * @public
 */
export function createNodeAssignAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:node:assign',
    description:
      'Labels worker nodes into a custom MachineConfigPool (creating the pool if asked), e.g. to try a layered image on a few nodes first',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: z =>
          z.string({
            description: 'Custom pool to move the nodes into (not master or worker)',
          }),
        nodes: z =>
          z
            .array(z.string({ description: 'Node name' }), {
              description: 'Names of the worker nodes to move into the pool',
            })
            .min(1)
            .max(100),
        createPool: z =>
          z
            .boolean({
              description:
                'Create the pool when it does not exist, selecting role worker and its own role (default false)',
            })
            .default(false),
        reason: inputs.reason,
        recordRequest: inputs.recordRequest,
      },
      output: {
        labelled: z =>
          z.array(z.string(), { description: 'Nodes that were labelled by this run' }),
        poolCreated: z =>
          z.boolean({ description: 'True when this run created the pool' }),
        changed: outputs.changed,
        warnings: outputs.warnings,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const { cluster, pool, nodes, createPool = false, reason, recordRequest = true } =
        ctx.input;
      assertResourceName('pool', pool);
      assertCustomPool('pool', pool);
      nodes.forEach((node, i) => assertResourceName(`nodes[${i}]`, node));
      if (new Set(nodes).size !== nodes.length) {
        throw new InputError('nodes: each node may be listed once');
      }
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const warnings: string[] = [];

      const existing = await client.get<MachineConfigPool>(poolRef(pool));
      if (!existing && !createPool) {
        throw new InputError(
          `pool: ${pool} does not exist on cluster ${cluster}; set createPool to create it`,
        );
      }
      const target = existing ?? customPoolObject(pool);
      if (
        existing &&
        !selectorMatches(existing.spec?.machineConfigSelector, { [ROLE_LABEL]: 'worker' })
      ) {
        throw new InputError(
          `pool: ${pool} does not select role worker MachineConfigs; the MCO only accepts custom pools that do`,
        );
      }
      const nodeLabels = target.spec?.nodeSelector?.matchLabels ?? {};
      if (
        Object.keys(nodeLabels).length === 0 ||
        (target.spec?.nodeSelector?.matchExpressions ?? []).length > 0
      ) {
        throw new InputError(
          `pool: ${pool} selects nodes with expressions; only pools that select nodes by fixed labels can be assigned to`,
        );
      }
      assertPoolLabelOnly(pool, nodeLabels);

      const allPools = await client.list<MachineConfigPool>(`${MCO_GROUP}/v1`, 'MachineConfigPool');
      const toLabel: string[] = [];
      for (const name of nodes) {
        const node = await client.get<NodeObject>({ apiVersion: 'v1', kind: 'Node', name });
        if (!node) {
          throw new NotFoundError(`nodes: node ${name} does not exist on cluster ${cluster}`);
        }
        const labels = node.metadata.labels ?? {};
        if (CONTROL_PLANE_LABELS.some(l => l in labels)) {
          throw new InputError(
            `nodes: ${name} is a control plane node; it stays in the master pool whatever its labels`,
          );
        }
        const otherCustom = allPools
          .filter(p => p.metadata.name !== pool && !isBuiltInPool(p.metadata.name))
          .filter(p => selectorMatches(p.spec?.nodeSelector, labels))
          .map(p => p.metadata.name);
        if (otherCustom.length > 0) {
          throw new ConflictError(
            `nodes: ${name} already belongs to custom pool ${otherCustom.join(', ')}; a node may match one custom pool only`,
          );
        }
        if (!('node-role.kubernetes.io/worker' in labels)) {
          warnings.push(
            `Node ${name} has no worker role label; if it leaves ${pool} later it belongs to no pool.`,
          );
        }
        if (!Object.entries(nodeLabels).every(([k, v]) => labels[k] === v)) {
          toLabel.push(name);
        }
      }
      const { object: mosc } = await findMachineOSConfig(client, pool).catch(() => ({
        object: undefined,
      }));
      if (toLabel.length > 0) {
        warnings.push(
          `Nodes ${toLabel.join(', ')} will be drained and rebooted into the configuration${
            mosc ? ' and on-cluster layered image' : ''
          } of pool ${pool}.`,
        );
      }
      ctx.output('warnings', warnings);
      ctx.output('poolCreated', false);
      if (toLabel.length === 0 && existing) {
        ctx.logger.info('All nodes are already in the pool; nothing to do', { cluster, pool });
        ctx.output('labelled', []);
        ctx.output('changed', false);
        return;
      }
      await requireDirectApply(ctx, options, { cluster, pool }, `assign nodes to pool ${pool}`);
      ctx.logger.info('About to assign nodes to the pool', {
        cluster,
        pool,
        nodes: toLabel,
        createPool: !existing,
      });
      if (!existing) {
        await client.apply(target, {
          dryRun: true,
          fieldManager: options.config.fieldManager,
          fields: { metadata: 'pool' },
        });
      }
      for (const name of toLabel) {
        await client.mergePatch(
          { apiVersion: 'v1', kind: 'Node', name },
          { metadata: { labels: nodeLabels } },
          { dryRun: true, fieldManager: options.config.fieldManager },
        );
      }
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: would assign the nodes', { cluster, pool, nodes: toLabel });
        ctx.output('labelled', toLabel);
        ctx.output('changed', true);
        return;
      }

      const labelled: string[] = [];
      let createdUid: string | undefined;
      try {
        if (!existing) {
          createdUid = await ctx.checkpoint({
            key: `layering.node.assign.pool.${cluster}.${pool}`,
            fn: async () => {
              const created = await client.apply(target, {
                fieldManager: options.config.fieldManager,
                fields: { metadata: 'pool' },
                isApplied: () => true,
              });
              return created.metadata.uid ?? '';
            },
          });
          ctx.output('poolCreated', true);
        }
        for (const name of toLabel) {
          await ctx.checkpoint({
            key: `layering.node.assign.label.${cluster}.${pool}.${name}`,
            fn: async () => {
              await client.mergePatch(
                { apiVersion: 'v1', kind: 'Node', name },
                { metadata: { labels: nodeLabels } },
                { fieldManager: options.config.fieldManager },
              );
            },
          });
          labelled.push(name);
        }
      } catch (error) {
        // Leave nothing half-done: undo the labels and the pool this run added.
        ctx.logger.warn('Assigning nodes failed; undoing the changes of this run', {
          cluster,
          pool,
          labelled,
        });
        const removal = Object.fromEntries(Object.keys(nodeLabels).map(k => [k, null]));
        for (const name of labelled) {
          await client
            .mergePatch(
              { apiVersion: 'v1', kind: 'Node', name },
              { metadata: { labels: removal } },
              { fieldManager: options.config.fieldManager },
            )
            .catch(undoError =>
              ctx.logger.error('Could not remove the label again', toError(undoError)),
            );
        }
        if (createdUid) {
          await client
            .delete(poolRef(pool), { uid: createdUid })
            .catch(undoError =>
              ctx.logger.error('Could not delete the created pool again', toError(undoError)),
            );
        }
        throw error;
      }
      ctx.logger.info('Nodes assigned', { cluster, pool, nodes: labelled });
      ctx.output('labelled', labelled);
      ctx.output('changed', true);
      if (recordRequest) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: 'assign-nodes',
            delivery: 'direct',
            outcome: 'applied',
            summary: `Moved ${labelled.join(', ')} into pool ${pool}${
              existing ? '' : ' (pool created)'
            }${reason ? `: ${reason}` : ''}`,
          }),
        );
      }
    },
  });
}
