import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  isBuiltInPool,
  LAYERING_MACHINE_CONFIG_SPEC_FIELDS,
  MCO_ANNOTATIONS,
} from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './layerRevert.examples';
import { recordAppliedChange, requireDirectApply } from '../services/requests';
import {
  findMachineOSConfig,
  nodesOfPool,
  poolRef,
  poolsInheritingWorker,
  selectorMatches,
} from '../kubernetes/lookups';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertPoolLabelOnly, assertResourceName } from '../services/validation';
import {
  MCO_GROUP,
  MachineConfig,
  MachineConfigPool,
  NodeObject,
} from '../kubernetes/types';

const ROLE_LABEL = MCO_ANNOTATIONS.role;
const GENERATED_ANNOTATION = MCO_ANNOTATIONS.generatedByControllerVersion;

type Method = 'auto' | 'remove-machine-config' | 'unlabel-nodes' | 'remove-machine-os-config';

/**
 * Creates `layering:layer:revert`, which returns a pool's nodes to the release's RHCOS image:
 * out-of-cluster layering by deleting the `osImageURL` MachineConfig, on-cluster layering by
 * removing the pool label from nodes (they fall back to worker) or deleting the
 * MachineOSConfig.
 *
 * @public
 */
export function createLayerRevertAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:layer:revert',
    description:
      'Reverts a custom layered image: deletes the osImageURL MachineConfig (out-of-cluster), or moves nodes out of the layered pool by label or deletes the MachineOSConfig (on-cluster)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: inputs.pool,
        method: z =>
          z
            .enum(['auto', 'remove-machine-config', 'unlabel-nodes', 'remove-machine-os-config'], {
              description:
                'auto: remove the MachineOSConfig of an on-cluster pool, or the osImageURL MachineConfig of an out-of-cluster one. unlabel-nodes moves the given nodes back to worker.',
            })
            .default('auto'),
        machineConfig: z =>
          z
            .string({
              description:
                'Name of the MachineConfig that sets osImageURL (out-of-cluster); found from the pool when omitted',
            })
            .optional(),
        nodes: z =>
          z
            .array(z.string({ description: 'Node name' }), {
              description: 'Nodes to move out of the custom pool (method unlabel-nodes)',
            })
            .max(100)
            .optional(),
        reason: inputs.reason,
        recordRequest: inputs.recordRequest,
      },
      output: {
        method: z => z.string({ description: 'The revert method that was used' }),
        removed: z =>
          z.array(z.string(), { description: 'Objects deleted, as Kind/name' }),
        unlabelled: z =>
          z.array(z.string(), { description: 'Nodes moved out of the pool' }),
        changed: outputs.changed,
        warnings: outputs.warnings,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const { cluster, pool, machineConfig, nodes = [], reason, recordRequest = true } =
        ctx.input;
      let method: Method = ctx.input.method ?? 'auto';
      assertResourceName('pool', pool);
      if (machineConfig) assertResourceName('machineConfig', machineConfig);
      nodes.forEach((n, i) => assertResourceName(`nodes[${i}]`, n));
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const poolObject = await client.get<MachineConfigPool>(poolRef(pool));
      if (!poolObject) {
        throw new InputError(`pool: ${pool} does not exist on cluster ${cluster}`);
      }
      const warnings: string[] = [];
      const mosc = await findMachineOSConfig(client, pool);
      const fieldManager = options.config.fieldManager;

      // Which MachineConfig of the pool's selection sets osImageURL (user-made ones only).
      const findOverride = async (): Promise<MachineConfig | undefined> => {
        if (machineConfig) {
          const mc = await client.get<MachineConfig>({
            apiVersion: `${MCO_GROUP}/v1`,
            kind: 'MachineConfig',
            name: machineConfig,
          });
          if (!mc) {
            throw new NotFoundError(
              `machineConfig: ${machineConfig} does not exist on cluster ${cluster}`,
            );
          }
          return mc;
        }
        const all = await client.list<MachineConfig>(`${MCO_GROUP}/v1`, 'MachineConfig');
        const overrides = all.filter(
          mc =>
            mc.spec?.osImageURL &&
            !mc.metadata.annotations?.[GENERATED_ANNOTATION] &&
            selectorMatches(poolObject.spec?.machineConfigSelector, mc.metadata.labels),
        );
        // Only the pool's own overrides are this pool's to revert; inherited ones belong to worker.
        const candidates = overrides.filter(mc => mc.metadata.labels?.[ROLE_LABEL] === pool);
        const inherited = overrides.filter(mc => mc.metadata.labels?.[ROLE_LABEL] !== pool);
        if (candidates.length === 0 && inherited.length > 0) {
          throw new InputError(
            `pool: ${pool} gets its image from ${inherited
              .map(mc => `MachineConfig ${mc.metadata.name} (role ${mc.metadata.labels?.[ROLE_LABEL] ?? 'none'})`)
              .join(', ')}; revert that pool instead, which reverts every pool that inherits it`,
          );
        }
        if (candidates.length > 1) {
          throw new InputError(
            `machineConfig: pool ${pool} has several MachineConfigs that set osImageURL (${candidates
              .map(c => c.metadata.name)
              .join(', ')}); name the one to remove`,
          );
        }
        return candidates[0];
      };

      let override: MachineConfig | undefined;
      if (method === 'auto') {
        if (mosc.object) {
          method = 'remove-machine-os-config';
        } else {
          override = await findOverride();
          if (!override) {
            ctx.logger.info('The pool has no custom layered image; nothing to revert', {
              cluster,
              pool,
            });
            ctx.output('method', 'auto');
            ctx.output('removed', []);
            ctx.output('unlabelled', []);
            ctx.output('warnings', warnings);
            ctx.output('changed', false);
            return;
          }
          method = 'remove-machine-config';
        }
      }
      ctx.output('method', method);

      const removed: string[] = [];
      const unlabelled: string[] = [];
      let plan: () => Promise<void>;
      let dryRunPlan: () => Promise<void>;
      let summary: string;

      if (method === 'remove-machine-config') {
        override ??= await findOverride();
        if (!override) {
          throw new InputError(`machineConfig: pool ${pool} has no MachineConfig that sets osImageURL`);
        }
        const mc = override;
        if (mc.metadata.annotations?.[GENERATED_ANNOTATION] || mc.metadata.name.startsWith('rendered-')) {
          throw new InputError(
            `machineConfig: ${mc.metadata.name} is generated by the MCO and must not be deleted`,
          );
        }
        if (!mc.spec?.osImageURL) {
          throw new InputError(
            `machineConfig: ${mc.metadata.name} does not set osImageURL; it is not a layered image`,
          );
        }
        const role = mc.metadata.labels?.[ROLE_LABEL];
        if (role !== pool) {
          throw new InputError(
            `machineConfig: ${mc.metadata.name} has role ${role ?? 'none'}, not ${pool}; deleting it would revert ${
              role ? `pool ${role} and every pool that inherits it` : 'no pool of this request'
            }`,
          );
        }
        const extra = Object.keys(mc.spec ?? {}).filter(
          key => !LAYERING_MACHINE_CONFIG_SPEC_FIELDS.includes(key),
        );
        if (extra.length > 0) {
          throw new InputError(
            `machineConfig: ${mc.metadata.name} also sets ${extra
              .map(key => `spec.${key}`)
              .join(', ')}; deleting it would remove more than the layered image, so take osImageURL out of it by review instead`,
          );
        }
        if (role === 'worker') {
          const pools = await client.list<MachineConfigPool>(`${MCO_GROUP}/v1`, 'MachineConfigPool');
          const inheriting = poolsInheritingWorker(pools);
          if (inheriting.length > 0) {
            warnings.push(
              `${mc.metadata.name} has role worker: custom pools ${inheriting.join(', ')} inherit it and revert too.`,
            );
          }
        }
        warnings.push(
          `The nodes of pool ${pool} reboot into the release's default RHCOS image.`,
        );
        const ref = { apiVersion: mc.apiVersion, kind: 'MachineConfig', name: mc.metadata.name };
        dryRunPlan = async () => {
          await client.delete(ref, { dryRun: true, uid: mc.metadata.uid });
        };
        plan = async () => {
          await ctx.checkpoint({
            key: `layering.layer.revert.mc.${cluster}.${mc.metadata.name}`,
            fn: async () => {
              await client.delete(ref, { uid: mc.metadata.uid });
            },
          });
          removed.push(`MachineConfig/${mc.metadata.name}`);
        };
        summary = `Removed MachineConfig ${mc.metadata.name} (osImageURL ${mc.spec.osImageURL})`;
      } else if (method === 'remove-machine-os-config') {
        if (!mosc.object || !mosc.apiVersion) {
          throw new InputError(`pool: ${pool} has no MachineOSConfig to remove`);
        }
        const object = mosc.object;
        warnings.push(
          `Deleting MachineOSConfig ${object.metadata.name} deletes its builds; the nodes of pool ${pool} reboot into the non-layered image.`,
        );
        const ref = {
          apiVersion: `${MCO_GROUP}/${mosc.apiVersion}`,
          kind: 'MachineOSConfig',
          name: object.metadata.name,
        };
        dryRunPlan = async () => {
          await client.delete(ref, { dryRun: true, uid: object.metadata.uid });
        };
        plan = async () => {
          await ctx.checkpoint({
            key: `layering.layer.revert.mosc.${cluster}.${object.metadata.name}`,
            fn: async () => {
              await client.delete(ref, { uid: object.metadata.uid });
            },
          });
          removed.push(`MachineOSConfig/${object.metadata.name}`);
        };
        summary = `Removed MachineOSConfig ${object.metadata.name}`;
      } else {
        if (isBuiltInPool(pool)) {
          throw new InputError(
            `pool: nodes can only be moved out of a custom pool, not out of ${pool}`,
          );
        }
        if (nodes.length === 0) {
          throw new InputError('nodes: name the nodes to move out of the pool');
        }
        const labels = poolObject.spec?.nodeSelector?.matchLabels ?? {};
        if (Object.keys(labels).length === 0) {
          throw new InputError(`pool: ${pool} does not select nodes by fixed labels`);
        }
        assertPoolLabelOnly(pool, labels);
        const members = new Set((await nodesOfPool(client, poolObject)).map(n => n.metadata.name));
        const workerPool = await client.get<MachineConfigPool>(poolRef('worker'));
        const targets: string[] = [];
        for (const name of nodes) {
          const node = await client.get<NodeObject>({ apiVersion: 'v1', kind: 'Node', name });
          if (!node) {
            throw new NotFoundError(`nodes: node ${name} does not exist on cluster ${cluster}`);
          }
          if (!members.has(name)) {
            continue;
          }
          // Without a second pool the node would belong to none once the label is gone.
          const remaining = { ...(node.metadata.labels ?? {}) };
          for (const key of Object.keys(labels)) delete remaining[key];
          if (!selectorMatches(workerPool?.spec?.nodeSelector, remaining)) {
            throw new InputError(
              `nodes: ${name} would belong to no pool after leaving ${pool}; give it the worker role label first`,
            );
          }
          targets.push(name);
        }
        if (targets.length > 0) {
          warnings.push(
            `Nodes ${targets.join(', ')} reboot into the worker pool's configuration and image.`,
          );
        }
        const removal = Object.fromEntries(Object.keys(labels).map(k => [k, null]));
        dryRunPlan = async () => {
          for (const name of targets) {
            await client.mergePatch(
              { apiVersion: 'v1', kind: 'Node', name },
              { metadata: { labels: removal } },
              { dryRun: true, fieldManager },
            );
          }
        };
        plan = async () => {
          for (const name of targets) {
            await ctx.checkpoint({
              key: `layering.layer.revert.unlabel.${cluster}.${pool}.${name}`,
              fn: async () => {
                await client.mergePatch(
                  { apiVersion: 'v1', kind: 'Node', name },
                  { metadata: { labels: removal } },
                  { fieldManager },
                );
              },
            });
            unlabelled.push(name);
          }
        };
        summary = `Moved ${targets.join(', ') || 'no nodes'} out of pool ${pool}`;
        if (targets.length === 0) {
          ctx.logger.info('None of the nodes is in the pool; nothing to do', { cluster, pool });
          ctx.output('removed', []);
          ctx.output('unlabelled', []);
          ctx.output('warnings', warnings);
          ctx.output('changed', false);
          return;
        }
      }

      ctx.output('warnings', warnings);
      await requireDirectApply(ctx, options, { cluster, pool }, `revert the layered image of pool ${pool}`);
      ctx.logger.info('About to revert the layered image', { cluster, pool, method });
      await dryRunPlan();
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: the revert was accepted by the server dry run', {
          cluster,
          pool,
          method,
        });
        ctx.output('removed', []);
        ctx.output('unlabelled', []);
        ctx.output('changed', true);
        return;
      }
      await plan();
      ctx.logger.info('Layered image reverted', { cluster, pool, method, removed, unlabelled });
      ctx.output('removed', removed);
      ctx.output('unlabelled', unlabelled);
      ctx.output('changed', true);
      if (recordRequest) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: 'revert',
            delivery: 'direct',
            outcome: 'applied',
            summary: `${summary}${reason ? `: ${reason}` : ''}`,
          }),
        );
      }
    },
  });
}
