/**
 * A Standard Schema, with its JSON Schema, for permission rule params. Written by hand rather
 * than with zod: this package's zod and the one the permission framework types its rules with
 * are different copies, and comparing their types makes the type checker run for minutes.
 */
export interface RuleParamsSchema<T> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: T; readonly issues?: undefined }
      | {
          readonly issues: ReadonlyArray<{
            readonly message: string;
            readonly path?: ReadonlyArray<PropertyKey>;
          }>;
        };
    readonly types?: { readonly input: T; readonly output: T };
    readonly jsonSchema: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/**
 * Params that are one list of strings under `key`, e.g. `{ clusters: ['prod-east'] }`,
 * optionally limited to `allowed` values.
 */
export function stringListParams<K extends string, V extends string = string>(
  key: K,
  description: string,
  allowed?: readonly V[],
): RuleParamsSchema<{ [P in K]: V[] }> {
  type Params = { [P in K]: V[] };
  const schema = () => ({
    type: 'object',
    properties: {
      [key]: {
        type: 'array',
        description,
        items: allowed ? { type: 'string', enum: [...allowed] } : { type: 'string' },
      },
    },
    required: [key],
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1,
      vendor: 'rhcos-layering',
      validate(value) {
        const list =
          value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
        const valid =
          Array.isArray(list) &&
          list.every(
            item => typeof item === 'string' && (!allowed || allowed.includes(item as V)),
          );
        if (!valid) {
          return {
            issues: [
              {
                message: `${key} must be a list of ${
                  allowed ? `these values: ${allowed.join(', ')}` : 'strings'
                }`,
                path: [key],
              },
            ],
          };
        }
        return { value: { [key]: list } as Params };
      },
      jsonSchema: { input: schema, output: schema },
    },
  };
}
