import type { ValidationCause } from '../store/ObjectStore';
import type { K8sObject, ResourceName } from '../store/types';
import { validateRbacObject } from '../rbac/validate';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
  ) {
    return 'prefix part must be a lowercase RFC 1123 subdomain';
  }
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)";
  }
  return undefined;
}

/** Checks every object gets: label and annotation keys and values, ownerReferences. */
export function validateObjectMeta(object: K8sObject): ValidationCause[] {
  const causes: ValidationCause[] = [];
  const meta = object.metadata;
  if (!isRecord(meta)) {
    return [
      {
        field: 'metadata',
        message: 'Required value',
        reason: 'FieldValueRequired',
      },
    ];
  }
  for (const [field, map, checkValues] of [
    ['metadata.labels', meta.labels, true],
    ['metadata.annotations', meta.annotations, false],
  ] as const) {
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) {
      causes.push({
        field,
        message: `Invalid value: must be a map of strings`,
        reason: 'FieldValueTypeInvalid',
      });
      continue;
    }
    let size = 0;
    for (const [k, v] of Object.entries(map)) {
      const problem = qualifiedNameProblem(k);
      if (problem) {
        causes.push({
          field,
          message: `Invalid value: "${k}": ${problem}`,
          reason: 'FieldValueInvalid',
        });
      }
      if (typeof v !== 'string') {
        causes.push({
          field: `${field}[${k}]`,
          message: `Invalid value: ${JSON.stringify(v)}: must be a string`,
          reason: 'FieldValueTypeInvalid',
        });
        continue;
      }
      size += k.length + v.length;
      if (checkValues && (v.length > 63 || !LABEL_VALUE.test(v))) {
        causes.push({
          field,
          message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`,
          reason: 'FieldValueInvalid',
        });
      }
    }
    if (!checkValues && size > 256 * 1024) {
      causes.push({
        field,
        message: 'Too long: must have at most 262144 bytes',
        reason: 'FieldValueTooLong',
      });
    }
  }
  if (meta.ownerReferences !== undefined) {
    if (!Array.isArray(meta.ownerReferences)) {
      causes.push({
        field: 'metadata.ownerReferences',
        message: 'Invalid value: must be a list',
        reason: 'FieldValueTypeInvalid',
      });
    } else {
      meta.ownerReferences.forEach((ref, i) => {
        for (const k of ['apiVersion', 'kind', 'name', 'uid'] as const) {
          if (!isRecord(ref) || typeof ref[k] !== 'string' || !ref[k]) {
            causes.push({
              field: `metadata.ownerReferences[${i}].${k}`,
              message: 'Required value',
              reason: 'FieldValueRequired',
            });
          }
        }
      });
    }
  }
  return causes;
}

function stringMap(
  value: unknown,
  field: string,
  causes: ValidationCause[],
  check?: (v: string, k: string) => string | undefined,
) {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    causes.push({
      field,
      message: 'Invalid value: must be a map of strings',
      reason: 'FieldValueTypeInvalid',
    });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!CONFIG_KEY.test(k) || k.length > 253) {
      causes.push({
        field: `${field}[${k}]`,
        message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
        reason: 'FieldValueInvalid',
      });
    }
    if (typeof v !== 'string') {
      causes.push({
        field: `${field}[${k}]`,
        message: `Invalid value: ${JSON.stringify(v)}: must be a string`,
        reason: 'FieldValueTypeInvalid',
      });
    } else if (check) {
      const problem = check(v, k);
      if (problem)
        causes.push({
          field: `${field}[${k}]`,
          message: problem,
          reason: 'FieldValueInvalid',
        });
    }
  }
}

/** Light built-in validation of the core kinds (Kubernetes validates them in Go, not by schema). */
export function validateCoreObject(
  resource: ResourceName,
  object: K8sObject,
  old: K8sObject | undefined,
): ValidationCause[] {
  const causes: ValidationCause[] = [];
  switch (resource) {
    case 'nodes': {
      const spec = object.spec;
      if (spec !== undefined && !isRecord(spec)) {
        causes.push({
          field: 'spec',
          message: 'Invalid value: must be an object',
          reason: 'FieldValueTypeInvalid',
        });
      } else if (spec) {
        if (
          spec.unschedulable !== undefined &&
          typeof spec.unschedulable !== 'boolean'
        ) {
          causes.push({
            field: 'spec.unschedulable',
            message: `Invalid value: ${JSON.stringify(
              spec.unschedulable,
            )}: must be a boolean`,
            reason: 'FieldValueTypeInvalid',
          });
        }
        if (spec.taints !== undefined) {
          if (!Array.isArray(spec.taints)) {
            causes.push({
              field: 'spec.taints',
              message: 'Invalid value: must be a list',
              reason: 'FieldValueTypeInvalid',
            });
          } else {
            spec.taints.forEach((t, i) => {
              if (!isRecord(t) || typeof t.key !== 'string' || !t.key) {
                causes.push({
                  field: `spec.taints[${i}].key`,
                  message: 'Required value',
                  reason: 'FieldValueRequired',
                });
              }
              if (
                isRecord(t) &&
                !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(
                  String(t.effect),
                )
              ) {
                causes.push({
                  field: `spec.taints[${i}].effect`,
                  message: `Unsupported value: ${JSON.stringify(
                    t.effect,
                  )}: supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
                  reason: 'FieldValueNotSupported',
                });
              }
            });
          }
        }
      }
      break;
    }
    case 'configmaps':
      stringMap(object.data, 'data', causes);
      stringMap(object.binaryData, 'binaryData', causes, v =>
        BASE64.test(v) ? undefined : 'Invalid value: must be base64 encoded',
      );
      break;
    case 'secrets':
      stringMap(object.data, 'data', causes, v =>
        BASE64.test(v) ? undefined : 'Invalid value: illegal base64 data',
      );
      stringMap(object.stringData, 'stringData', causes);
      if (object.type !== undefined && typeof object.type !== 'string') {
        causes.push({
          field: 'type',
          message: 'Invalid value: must be a string',
          reason: 'FieldValueTypeInvalid',
        });
      }
      if (old && old.type !== undefined && object.type !== old.type) {
        causes.push({
          field: 'type',
          message: `Invalid value: ${JSON.stringify(
            object.type,
          )}: field is immutable`,
          reason: 'FieldValueInvalid',
        });
      }
      break;
    case 'pods':
      if (object.spec !== undefined && !isRecord(object.spec)) {
        causes.push({
          field: 'spec',
          message: 'Invalid value: must be an object',
          reason: 'FieldValueTypeInvalid',
        });
      }
      break;
    case 'clusterroles':
    case 'clusterrolebindings':
    case 'roles':
    case 'rolebindings':
      causes.push(...validateRbacObject(resource, object, old));
      break;
    default:
      break;
  }
  return causes;
}
