import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import { fleetPools, LayeringTemplatePoolsProcessor } from './LayeringTemplatePoolsProcessor';
import type { LayeringFleetSource } from './fleetSource';


function template(type = 'layering-request'): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'layering-pause-resume-pool' },
    spec: {
      type,
      parameters: [
        {
          title: 'Pool',
          required: ['target'],
          properties: {
            target: {
              type: 'object',
              'ui:field': 'LayeringPoolPicker',
              required: ['cluster', 'pool'],
              properties: {
                cluster: { type: 'string', maxLength: 253 },
                pool: { type: 'string', maxLength: 253 },
              },
            },
            reason: { type: 'string' },
          },
        },
        { title: 'What', properties: { operation: { type: 'string', enum: ['pause', 'resume'] } } },
      ],
      steps: [],
    },
  };
}

function source(
  clusters: Array<[string, ClusterView['status']]>,
  pools: Array<[string, string]>,
): LayeringFleetSource & { reads: number } {
  const fake = {
    reads: 0,
    async read() {
      fake.reads += 1;
      return {
        clusters: clusters.map(([name, status]) => ({ name, status }) as ClusterView),
        pools: pools.map(([cluster, name]) => ({ cluster, name }) as PoolView),
      };
    },
  };
  return fake;
}

const run = (processor: LayeringTemplatePoolsProcessor, entity: Entity) =>
  processor.preProcessEntity(entity);

describe('LayeringTemplatePoolsProcessor', () => {
  it('narrows the pool field to the clusters and pools of the fleet; an unreachable cluster accepts any pool', async () => {
    const fleet = source(
      [
        ['ocp-418', 'ok'],
        ['sno-419', 'unreachable'],
        ['ocp-417', 'ok'],
      ],
      [
        ['ocp-418', 'worker'],
        ['ocp-418', 'infra'],
        ['ocp-418', 'master'],
        ['ocp-417', 'worker'],
      ],
    );
    const processor = new LayeringTemplatePoolsProcessor({
      pools: fleetPools(fleet, { logger: mockServices.logger.mock() }),
    });
    const original = template();
    const processed = await run(processor, original);
    const target = (processed.spec as any).parameters[0].properties.target;
    expect(target.properties.cluster).toEqual({
      type: 'string',
      maxLength: 253,
      enum: ['ocp-417', 'ocp-418', 'sno-419'],
    });
    expect(target.properties.pool).toEqual({ type: 'string', maxLength: 253 });
    expect({ if: target.if, then: target.then, else: target.else }).toEqual({
      if: { properties: { cluster: { const: 'ocp-417' } } },
      then: { properties: { pool: { enum: ['worker'] } } },
      else: {
        if: { properties: { cluster: { const: 'ocp-418' } } },
        then: { properties: { pool: { enum: ['infra', 'master', 'worker'] } } },
      },
    });
    expect(target['ui:field']).toBe('LayeringPoolPicker');
    expect((processed.spec as any).parameters[0].properties.reason).toEqual({ type: 'string' });
    expect((processed.spec as any).parameters[1]).toEqual((original.spec as any).parameters[1]);
    // The entity read from the location is not changed in place.
    expect((original.spec as any).parameters[0].properties.target.properties.cluster.enum).toBeUndefined();

    // The fleet is read once for several templates.
    await run(processor, template());
    expect(fleet.reads).toBe(1);
  });

  it('leaves other entities alone, and every template as written when the fleet cannot be read', async () => {
    const processor = new LayeringTemplatePoolsProcessor({
      pools: fleetPools(
        {
          read: async () => {
            throw new Error('layering backend down');
          },
        },
        { logger: mockServices.logger.mock() },
      ),
    });
    const other = template('service');
    await expect(run(processor, other)).resolves.toBe(other);
    const layering = template();
    await expect(run(processor, layering)).resolves.toBe(layering);
  });
});
