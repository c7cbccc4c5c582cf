import { randomBytes } from 'node:crypto';
import { groupVersion, resourceInfo } from './resources';
import { K8sObject, ResourceName, StoreError } from './types';
import type { ObjectValidator, ValidationCause } from './ObjectStore';

/*
 * What the object store checks and normalises on every write, as the API server does before it
 * stores an object: kind and apiVersion, the name's syntax, the validator's verdict, and the
 * folding of a Secret's `stringData` into `data`.
 */

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The store's key of an object: `namespace/name` or `name`. */
export function key(name: string, namespace?: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Deep copy of JSON data (faster than structuredClone for API objects, and realm-local). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Everything but metadata and status: what `metadata.generation` tracks. */
export function specPart(object: K8sObject): string {
  const { metadata: _m, status: _s, ...rest } = object;
  return JSON.stringify(rest);
}

/** Secrets: `stringData` is write-only and merged into `data` (base64), as the API server does. */
export function normalizeSecret(resource: ResourceName, obj: K8sObject): void {
  if (resource !== 'secrets' || obj.stringData === undefined) return;
  const stringData = obj.stringData;
  if (
    typeof stringData === 'object' &&
    stringData !== null &&
    !Array.isArray(stringData)
  ) {
    const data = {
      ...((obj.data as Record<string, string> | undefined) ?? {}),
    };
    for (const [k, v] of Object.entries(stringData)) {
      if (typeof v === 'string')
        data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    obj.data = data;
    delete obj.stringData;
  }
}

/** The random suffix of a `generateName` (the API server's alphabet: no vowels, no look-alikes). */
export function randomSuffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) {
    out += alphabet[b % alphabet.length];
  }
  return out;
}

/** Refuse an object whose kind or apiVersion is not the resource's served one (400). */
export function checkType(
  resource: ResourceName,
  obj: K8sObject,
  served: string,
): void {
  const info = resourceInfo(resource);
  if (obj.kind !== undefined && obj.kind !== info.kind) {
    throw new StoreError(
      400,
      'BadRequest',
      `the kind "${String(
        obj.kind,
      )}" does not match the resource ${resource} (kind ${info.kind})`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== served) {
    const otherVersion = info.versions.find(
      v => groupVersion(info.group, v) === obj.apiVersion,
    );
    throw new StoreError(
      400,
      'BadRequest',
      otherVersion
        ? `${info.kind} ${obj.apiVersion} is not served by this cluster: it serves ${served} (v1alpha1 and v1 are never served together)`
        : `apiVersion "${String(
            obj.apiVersion,
          )}" does not match ${served} for ${info.kind}`,
    );
  }
}

/** Refuse a missing name, or one that is not a DNS-1123 subdomain (label for namespaces) (422). */
export function checkName(
  kind: string,
  resource: ResourceName,
  obj: K8sObject,
): void {
  const name = obj.metadata.name;
  const causes: ValidationCause[] = [];
  if (!name) {
    causes.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
      reason: 'FieldValueRequired',
    });
  } else {
    const label = resource === 'namespaces';
    const max = label ? 63 : 253;
    const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    if (name.length > max || !re.test(name)) {
      causes.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 ${
          label ? 'label' : 'subdomain'
        } must consist of lower case alphanumeric characters, '-'${
          label ? '' : " or '.'"
        }, and must start and end with an alphanumeric character (at most ${max} characters)`,
        reason: 'FieldValueInvalid',
      });
    }
  }
  if (causes.length > 0) {
    throw new StoreError(
      422,
      'Invalid',
      `${kind} "${name ?? ''}" is invalid: ${causes
        .map(c => `${c.field}: ${c.message}`)
        .join(', ')}`,
      causes,
    );
  }
}

/** Refuse an object the validator finds problems with (422, one cause per problem). */
export function checkValid(
  validator: ObjectValidator | undefined,
  resource: ResourceName,
  obj: K8sObject,
  old: K8sObject | undefined,
): void {
  if (!validator) return;
  const causes = validator.validate(resource, obj, old);
  if (causes.length > 0) {
    const info = resourceInfo(resource);
    throw new StoreError(
      422,
      'Invalid',
      `${info.kind}${info.group ? `.${info.group}` : ''} "${
        obj.metadata.name
      }" is invalid: ${causes
        .map(c => `${c.field}: ${c.message}`)
        .join(', ')}`,
      causes,
    );
  }
}
