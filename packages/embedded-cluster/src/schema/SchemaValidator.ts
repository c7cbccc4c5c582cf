import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ObjectValidator, ValidationCause } from '../store/ObjectStore';
import type { K8sObject, ResourceName } from '../store/types';
import { resourceInfo } from '../store/resources';
import { CrdVersion, JSONSchemaProps, loadCrds } from './crds';
import { CelRuntime, K8S_FORMATS, loadCel, rewriteRule } from './cel';
import { validateCoreObject, validateObjectMeta } from './core';

/**
 * A CEL rule of a CRD that the validator does not evaluate, and why.
 *
 * @public
 */
export interface UnenforcedRule {
  kind: string;
  version: string;
  /** Schema path of the rule, e.g. `spec.imageBuilder`. */
  path: string;
  rule: string;
  reason: string;
}

/**
 * Options of {@link SchemaValidator.create}.
 *
 * @public
 */
export interface SchemaValidatorOptions {
  machineOSApiVersion?: 'v1' | 'v1alpha1';
  /** Folder of CRD manifests; the package's `crds/` by default. */
  crdDir?: string;
}

type CompiledRule = (context: Record<string, unknown>) => unknown;

interface ResourceSchema {
  crd: CrdVersion;
  validate: ValidateFunction;
}

/**
 * Validates writes against the structural schemas of the real CRDs (types, required fields, enums,
 * patterns, lengths, item counts) and their CEL rules, prunes unknown fields like the API server
 * does, and applies light built-in checks to core kinds.
 *
 * @public
 */
export class SchemaValidator implements ObjectValidator {
  readonly #schemas = new Map<ResourceName, ResourceSchema>();
  readonly #crds: CrdVersion[];
  readonly #cel: CelRuntime;
  readonly #compiled = new Map<string, CompiledRule | Error>();
  readonly #unenforced = new Map<string, UnenforcedRule>();

  static async create(
    options: SchemaValidatorOptions = {},
  ): Promise<SchemaValidator> {
    const cel = await loadCel();
    return new SchemaValidator(
      loadCrds(options.crdDir),
      cel,
      options.machineOSApiVersion ?? 'v1',
    );
  }

  private constructor(
    crds: CrdVersion[],
    cel: CelRuntime,
    mosVersion: 'v1' | 'v1alpha1',
  ) {
    this.#crds = crds;
    this.#cel = cel;
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      validateFormats: true,
      verbose: true,
    });
    addFormats(ajv);
    for (const f of [
      'int32',
      'int64',
      'float',
      'double',
      'byte',
      'int-or-string',
    ]) {
      ajv.addFormat(f, true);
    }
    for (const crd of crds) {
      const resource = crd.plural as ResourceName;
      let info;
      try {
        info = resourceInfo(resource);
      } catch {
        continue;
      }
      const wanted = info.versions.length > 1 ? mosVersion : info.versions[0];
      if (crd.version !== wanted) continue;
      this.#schemas.set(resource, { crd, validate: ajv.compile(crd.schema) });
      this.#precompile(crd, crd.schema, '');
    }
  }

  /** The CRD version served for a resource (undefined for core kinds). */
  crdFor(resource: ResourceName): CrdVersion | undefined {
    return this.#schemas.get(resource)?.crd;
  }

  /** Every CRD version known (both MachineOSConfig versions, for documentation and OpenAPI). */
  allCrds(): CrdVersion[] {
    return [...this.#crds];
  }

  /** CEL rules of the served CRDs that are not evaluated. */
  unenforcedRules(): UnenforcedRule[] {
    return [...this.#unenforced.values()];
  }

  validate(
    resource: ResourceName,
    object: K8sObject,
    old: K8sObject | undefined,
  ): ValidationCause[] {
    const causes: ValidationCause[] = [...validateObjectMeta(object)];
    const schema = this.#schemas.get(resource);
    if (!schema) {
      causes.push(...validateCoreObject(resource, object, old));
      return causes;
    }
    prune(schema.crd.schema, object, true);
    if (!schema.validate(object)) {
      causes.push(...toCauses(schema.validate.errors ?? []));
    }
    if (causes.length === 0) {
      // Plain JSON copies: the CEL library only accepts plain objects of its own realm.
      const self = JSON.parse(JSON.stringify(object)) as unknown;
      const oldSelf =
        old === undefined
          ? undefined
          : (JSON.parse(JSON.stringify(old)) as unknown);
      this.#runRules(schema.crd, schema.crd.schema, self, oldSelf, '', causes);
    }
    return dedupe(causes);
  }

  #precompile(crd: CrdVersion, schema: JSONSchemaProps, path: string): void {
    for (const v of schema['x-kubernetes-validations'] ?? []) {
      const compiled = this.#compile(v.rule);
      if (compiled instanceof Error) {
        this.#markUnenforced(crd, path, v.rule, compiled.message);
      }
    }
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      this.#precompile(crd, child, path ? `${path}.${name}` : name);
    }
    if (schema.items) this.#precompile(crd, schema.items, `${path}[*]`);
    if (typeof schema.additionalProperties === 'object') {
      this.#precompile(crd, schema.additionalProperties, `${path}[*]`);
    }
  }

  #markUnenforced(crd: CrdVersion, path: string, rule: string, reason: string) {
    const key = `${crd.kind}/${crd.version}/${path}/${rule}`;
    if (!this.#unenforced.has(key)) {
      this.#unenforced.set(key, {
        kind: crd.kind,
        version: crd.version,
        path: path || '<root>',
        rule,
        reason: reason.split('\n')[0],
      });
    }
  }

  #compile(rule: string): CompiledRule | Error {
    const cached = this.#compiled.get(rule);
    if (cached) return cached;
    let result: CompiledRule | Error;
    try {
      const rewritten = rewriteRule(rule);
      if (/\bformat\.\w+\(/.test(rewritten)) {
        const name = /\bformat\.(\w+)\(/.exec(rewritten)?.[1] ?? '';
        if (!K8S_FORMATS[name]) {
          throw new Error(
            `the Kubernetes CEL format library (format.${name}) is not available`,
          );
        }
      }
      const parsed = this.#cel.env.parse(rewritten);
      result = (context: Record<string, unknown>) => parsed(context);
    } catch (error) {
      result = error instanceof Error ? error : new Error(String(error));
    }
    this.#compiled.set(rule, result);
    return result;
  }

  #runRules(
    crd: CrdVersion,
    schema: JSONSchemaProps,
    value: unknown,
    old: unknown,
    path: string,
    causes: ValidationCause[],
  ): void {
    if (value === undefined || value === null) return;
    for (const v of schema['x-kubernetes-validations'] ?? []) {
      const compiled = this.#compile(v.rule);
      if (compiled instanceof Error) continue;
      const transition = /\boldSelf\b/.test(v.rule);
      let oldSelf: unknown = old;
      if (transition) {
        if (v.optionalOldSelf) {
          oldSelf =
            old === undefined
              ? this.#cel.Optional.none()
              : this.#cel.Optional.of(old);
        } else if (old === undefined) {
          continue;
        }
      }
      let ok: unknown;
      try {
        ok = compiled({ self: value, ...(transition ? { oldSelf } : {}) });
      } catch (error) {
        this.#markUnenforced(
          crd,
          path,
          v.rule,
          `evaluation failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
        continue;
      }
      if (ok !== true) {
        const field = v.fieldPath
          ? `${path}${v.fieldPath.startsWith('.') ? '' : '.'}${
              v.fieldPath
            }`.replace(/^\./, '')
          : path;
        causes.push({
          field: field || '<root>',
          message: `Invalid value: "${describeType(value)}": ${
            v.message ?? `failed rule: ${v.rule}`
          }`,
          reason: v.reason ?? 'FieldValueInvalid',
        });
      }
    }
    if (Array.isArray(value) && schema.items) {
      const keys =
        schema['x-kubernetes-list-type'] === 'map'
          ? schema['x-kubernetes-list-map-keys'] ?? []
          : undefined;
      const oldItems = Array.isArray(old) ? old : [];
      value.forEach((item, i) => {
        const oldItem =
          keys && keys.length > 0
            ? oldItems.find(
                o =>
                  isRecord(o) &&
                  isRecord(item) &&
                  keys.every(k => o[k] === item[k]),
              )
            : undefined;
        this.#runRules(
          crd,
          schema.items!,
          item,
          oldItem,
          `${path}[${i}]`,
          causes,
        );
      });
      return;
    }
    if (isRecord(value)) {
      const oldRecord = isRecord(old) ? old : {};
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        this.#runRules(
          crd,
          child,
          value[name],
          oldRecord[name],
          path ? `${path}.${name}` : name,
          causes,
        );
      }
      if (typeof schema.additionalProperties === 'object') {
        for (const [name, child] of Object.entries(value)) {
          if (schema.properties?.[name]) continue;
          this.#runRules(
            crd,
            schema.additionalProperties,
            child,
            oldRecord[name],
            `${path}[${name}]`,
            causes,
          );
        }
      }
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isRecord(value)) return 'object';
  return String(value);
}

/**
 * Drop fields the schema does not know, as the API server prunes them for structural schemas.
 * Returns the paths that were removed.
 *
 * @public
 */
export function prune(
  schema: JSONSchemaProps,
  value: unknown,
  root = false,
  path = '',
  removed: string[] = [],
): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) {
    return removed;
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((item, i) =>
        prune(schema.items!, item, false, `${path}[${i}]`, removed),
      );
    }
    return removed;
  }
  if (!isRecord(value)) return removed;
  const props = schema.properties ?? {};
  for (const name of Object.keys(value)) {
    if (
      root &&
      (name === 'apiVersion' || name === 'kind' || name === 'metadata')
    ) {
      continue;
    }
    const child = props[name];
    const childPath = path ? `${path}.${name}` : name;
    if (child) {
      prune(child, value[name], false, childPath, removed);
    } else if (typeof schema.additionalProperties === 'object') {
      prune(
        schema.additionalProperties,
        value[name],
        false,
        childPath,
        removed,
      );
    } else if (
      schema.additionalProperties !== true &&
      !schema['x-kubernetes-preserve-unknown-fields']
    ) {
      delete value[name];
      removed.push(childPath);
    }
  }
  return removed;
}

function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => {
      if (/^\d+$/.test(p)) return `${acc}[${p}]`;
      return acc ? `${acc}.${p}` : p;
    }, '');
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Map ajv errors to causes; type errors of one field (int-or-string) become one cause. */
function toCauses(errors: ErrorObject[]): ValidationCause[] {
  const typeErrors = new Map<string, ErrorObject[]>();
  const rest: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'type') {
      const list = typeErrors.get(e.instancePath) ?? [];
      list.push(e);
      typeErrors.set(e.instancePath, list);
    } else {
      rest.push(e);
    }
  }
  const merged = [...typeErrors.values()].map(list => ({
    ...list[0],
    params: {
      type: list
        .map(e => String((e.params as { type: unknown }).type))
        .join(','),
    },
  }));
  return [...merged, ...rest].flatMap(toCause);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return '"array"';
  if (typeof value === 'object' && value !== null) return '"object"';
  return show(value);
}

function toCause(error: ErrorObject): ValidationCause[] {
  const field = fieldOf(error.instancePath);
  const p = error.params as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'required': {
      const missing = String(p.missingProperty);
      return [
        {
          field: field ? `${field}.${missing}` : missing,
          message: 'Required value',
          reason: 'FieldValueRequired',
        },
      ];
    }
    case 'type':
      return [
        {
          field,
          message: `Invalid value: ${describeValue(
            value,
          )}: ${field} in body must be of type ${String(
            p.type,
          )}: ${describeValue(value)}`,
          reason: 'FieldValueTypeInvalid',
        },
      ];
    case 'enum':
      return [
        {
          field,
          message: `Unsupported value: ${show(value)}: supported values: ${(
            p.allowedValues as unknown[]
          )
            .map(show)
            .join(', ')}`,
          reason: 'FieldValueNotSupported',
        },
      ];
    case 'maxLength':
      return [
        {
          field,
          message: `Too long: may not be more than ${String(p.limit)} bytes`,
          reason: 'FieldValueTooLong',
        },
      ];
    case 'maxItems':
      return [
        {
          field,
          message: `Too many: ${
            Array.isArray(value) ? value.length : '?'
          }: must have at most ${String(p.limit)} items`,
          reason: 'FieldValueTooMany',
        },
      ];
    case 'anyOf':
    case 'oneOf':
      return [];
    default:
      return [
        {
          field,
          message: `Invalid value: ${show(value)}: ${field} in body ${
            error.message ?? 'is invalid'
          }`,
          reason: 'FieldValueInvalid',
        },
      ];
  }
}

function dedupe(causes: ValidationCause[]): ValidationCause[] {
  const seen = new Set<string>();
  return causes.filter(c => {
    const k = `${c.field}\u0000${c.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
