import { hasLayeringMode, isInCluster, isPoolOwner } from './rules';
import { stringListParams } from './params';
import type { LayeringPoolResource } from './resource';

const pool: LayeringPoolResource = {
  ref: 'resource:default/prod-east-worker',
  cluster: 'prod-east',
  pool: 'worker',
  mode: 'on-cluster',
  owners: ['group:default/team-a'],
};

describe('pool permission rules', () => {
  it('match a pool by cluster, owner (any case) and layering mode', () => {
    expect(isInCluster.apply(pool, { clusters: ['prod-east'] })).toBe(true);
    expect(isInCluster.apply(pool, { clusters: ['prod-west'] })).toBe(false);
    expect(isPoolOwner.apply(pool, { claims: ['group:default/Team-A'] })).toBe(true);
    expect(isPoolOwner.apply(pool, { claims: ['user:default/ada'] })).toBe(false);
    expect(isPoolOwner.apply({ ...pool, owners: [] }, { claims: ['group:default/team-a'] })).toBe(
      false,
    );
    expect(hasLayeringMode.apply(pool, { modes: ['on-cluster'] })).toBe(true);
    expect(hasLayeringMode.apply(pool, { modes: ['none'] })).toBe(false);
    expect(hasLayeringMode.apply({ ...pool, mode: undefined }, { modes: ['none'] })).toBe(false);
  });

  it('turn into query fragments', () => {
    expect(isPoolOwner.toQuery({ claims: ['Group:default/Team-A'] })).toEqual({
      property: 'owner',
      values: ['group:default/team-a'],
    });
  });
});

describe('stringListParams', () => {
  const modes = stringListParams('modes', 'Layering modes', ['on-cluster', 'none'] as const);

  it('accepts a list of allowed strings and refuses anything else, naming the field', () => {
    expect(modes['~standard'].validate({ modes: ['none'] })).toEqual({ value: { modes: ['none'] } });
    for (const bad of [{ modes: ['sideways'] }, { modes: 'none' }, {}, null]) {
      expect(modes['~standard'].validate(bad)).toEqual({
        issues: [{ message: 'modes must be a list of these values: on-cluster, none', path: ['modes'] }],
      });
    }
  });

  it('describes itself as JSON Schema', () => {
    expect(modes['~standard'].jsonSchema.input({ target: 'draft-07' })).toEqual({
      type: 'object',
      properties: {
        modes: {
          type: 'array',
          description: 'Layering modes',
          items: { type: 'string', enum: ['on-cluster', 'none'] },
        },
      },
      required: ['modes'],
      additionalProperties: false,
    });
  });
});
