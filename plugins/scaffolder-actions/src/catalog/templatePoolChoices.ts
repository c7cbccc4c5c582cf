import type { JsonObject, JsonValue } from '@backstage/types';

/**
 * The pools of every cluster, by cluster name.
 *
 * @public
 */
export type LayeringPoolsByCluster = ReadonlyMap<string, readonly string[]>;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON schema of a `{ cluster, pool }` field, narrowed to the clusters and pools that exist:
 * `cluster` becomes an `enum` of the cluster names, and a chain of `if`/`then`/`else` gives each
 * cluster its own `pool` enum. Validation errors then name the exact field
 * (`instance.target.pool is not one of enum values: master,worker`).
 */
function narrowTarget(target: JsonObject, pools: LayeringPoolsByCluster): JsonObject {
  const properties = isObject(target.properties) ? target.properties : {};
  const cluster = isObject(properties.cluster) ? properties.cluster : { type: 'string' };
  const clusters = [...pools.keys()].sort();
  let conditional: JsonObject | undefined;
  for (const name of [...clusters].reverse()) {
    conditional = {
      if: { properties: { cluster: { const: name } } },
      then: { properties: { pool: { enum: [...(pools.get(name) ?? [])].sort() } } },
      ...(conditional ? { else: conditional } : {}),
    };
  }
  const { if: _if, then: _then, else: _else, ...rest } = target;
  return {
    ...rest,
    properties: { ...properties, cluster: { ...cluster, enum: clusters } },
    ...(conditional ?? {}),
  };
}

/**
 * Returns the parameters of a layering template with every pool field (`ui:field:
 * LayeringPoolPicker`) narrowed to the pools that exist, so that the scaffolder's own parameter
 * validation at task creation (`POST /v2/tasks`) answers 400 naming the field for a cluster or pool
 * that does not exist, before any step runs. Other parameters are returned as they are.
 *
 * @remarks
 * A cluster whose pools could not be read is left out of `pools` by the caller only when it
 * should be refused; pass it with the pools last seen to keep accepting it.
 *
 * @public
 */
export function withPoolChoices(
  parameters: JsonValue | undefined,
  pools: LayeringPoolsByCluster,
): JsonValue | undefined {
  const narrowStep = (step: JsonValue): JsonValue => {
    if (!isObject(step) || !isObject(step.properties)) {
      return step;
    }
    const properties: JsonObject = {};
    for (const [name, schema] of Object.entries(step.properties)) {
      properties[name] =
        isObject(schema) && schema['ui:field'] === 'LayeringPoolPicker'
          ? narrowTarget(schema, pools)
          : (schema as JsonValue);
    }
    return { ...step, properties };
  };
  if (Array.isArray(parameters)) {
    return parameters.map(narrowStep);
  }
  return parameters === undefined ? undefined : narrowStep(parameters);
}
