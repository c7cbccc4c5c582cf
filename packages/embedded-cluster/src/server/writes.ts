import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoreWriteOptions } from '../store/ObjectStore';
import type { K8sObject } from '../store/types';
import { prune } from '../schema/SchemaValidator';
import { ApiError, badRequest, notFound } from './status';
import { trackUpdate } from './managedFields';
import { schemaOf, ServerContext, Target } from './context';
import { admit } from './admission';

type Obj = Record<string, unknown>;

/** 405 for a method the addressed resource does not take. */
export const methodNotAllowed = () =>
  new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );

/** The field manager of a write: `fieldManager`, else the client's user-agent product. */
export function fieldManager(q: URLSearchParams, req: IncomingMessage): string {
  const given = q.get('fieldManager');
  if (given) {
    if (given.length > 128)
      throw new ApiError(
        422,
        'Invalid',
        'fieldManager: Too long: may not be more than 128 bytes',
        {
          causes: [
            {
              reason: 'FieldValueTooLong',
              message: 'Too long: may not be more than 128 bytes',
              field: 'fieldManager',
            },
          ],
        },
      );
    return given;
  }
  const agent = req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

/** Check a written object against the URL (namespace, name) and fill those in. */
export function checkBody(target: Target, body: unknown): K8sObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  const object = body as K8sObject;
  if (typeof object.metadata !== 'object' || object.metadata === null) {
    object.metadata = {} as K8sObject['metadata'];
  }
  if (target.info.namespaced) {
    if (
      object.metadata.namespace &&
      object.metadata.namespace !== target.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!target.namespace)
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'namespaced objects are written under /namespaces/<namespace>/',
      );
    object.metadata.namespace = target.namespace;
  }
  if (
    target.name !== undefined &&
    object.metadata.name !== undefined &&
    object.metadata.name !== target.name
  ) {
    throw badRequest(
      'the name of the object does not match the name on the URL',
    );
  }
  if (target.name !== undefined) object.metadata.name = target.name;
  return object;
}

/**
 * Unknown fields: rejected with `fieldValidation=Strict`, reported as warnings otherwise
 * (`Warn`, the default), silently dropped with `Ignore`. They are pruned in every case.
 */
export function checkUnknownFields(
  ctx: ServerContext,
  target: Target,
  object: K8sObject,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  const directive = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(directive)) {
    throw badRequest(
      `fieldValidation must be one of Ignore, Warn, Strict (got ${directive})`,
    );
  }
  const schema = schemaOf(ctx, target.info.resource);
  if (!schema || directive === 'Ignore') return;
  const unknown = prune(schema, structuredClone(object), true);
  if (unknown.length === 0) return;
  if (directive === 'Strict') {
    throw badRequest(
      `${target.info.kind} in version "${
        target.version
      }" cannot be handled as a ${
        target.info.kind
      }: strict decoding error: ${unknown
        .map(u => `unknown field "${u}"`)
        .join(', ')}`,
    );
  }
  res.setHeader(
    'Warning',
    unknown.map(u => `299 - "unknown field \\"${u}\\""`),
  );
}

/** POST: create an object. */
export function createObject(
  ctx: ServerContext,
  target: Target,
  body: unknown,
  q: URLSearchParams,
  options: StoreWriteOptions,
  req: IncomingMessage,
  res: ServerResponse,
): K8sObject {
  if (target.subresource) throw methodNotAllowed();
  const object = checkBody(target, body);
  checkUnknownFields(ctx, target, object, q, res);
  delete object.metadata.managedFields;
  delete object.metadata.resourceVersion;
  if (target.info.statusSubresource && target.info.crd) delete object.status;
  trackUpdate(
    undefined,
    object,
    fieldManager(q, req),
    ctx.store.servedApiVersion(target.info.resource),
    schemaOf(ctx, target.info.resource),
  );
  return ctx.store.create(target.info.resource, object, {
    ...options,
    admit: next => admit(ctx, target, next),
  });
}

/** PUT: replace an object (or its status). */
export function updateObject(
  ctx: ServerContext,
  target: Target,
  body: unknown,
  q: URLSearchParams,
  options: StoreWriteOptions,
  req: IncomingMessage,
  res: ServerResponse,
): K8sObject {
  const object = checkBody(target, body);
  checkUnknownFields(ctx, target, object, q, res);
  const { info } = target;
  const old = ctx.store.peek(info.resource, target.name!, target.namespace);
  if (!old) throw notFound(info.resource, target.name!, info.group);
  return writeObject(
    ctx,
    target,
    old,
    object,
    fieldManager(q, req),
    options,
    true,
  );
}

/** Apply the subresource rules, record field ownership and store an update. */
export function writeObject(
  ctx: ServerContext,
  target: Target,
  old: K8sObject,
  next: K8sObject,
  manager: string,
  options: StoreWriteOptions,
  trackFields: boolean,
  appliedManagedFields = false,
): K8sObject {
  const { info } = target;
  let object = next;
  if (target.subresource === 'status') {
    object = { ...structuredClone(old), status: next.status };
    if (next.metadata.resourceVersion)
      object.metadata.resourceVersion = next.metadata.resourceVersion;
    if (appliedManagedFields)
      object.metadata.managedFields = next.metadata.managedFields;
  } else if (info.statusSubresource) {
    if (old.status === undefined) delete object.status;
    else object.status = structuredClone(old.status);
  }
  if (!appliedManagedFields) {
    object.metadata.managedFields = structuredClone(old.metadata.managedFields);
  }
  if (trackFields) {
    trackUpdate(
      old,
      object,
      manager,
      ctx.store.servedApiVersion(info.resource),
      schemaOf(ctx, info.resource),
      target.subresource,
    );
  }
  return ctx.store.update(info.resource, object, {
    ...options,
    checkResourceVersion: true,
    admit: admitted => admit(ctx, target, admitted),
  });
}

/** DELETE of one object, with preconditions and dry run (query or body). */
export function deleteObject(
  ctx: ServerContext,
  target: Target,
  raw: Buffer,
  options: StoreWriteOptions,
): K8sObject {
  const { info } = target;
  const name = target.name!;
  if (target.subresource) throw methodNotAllowed();
  const deleteOptions =
    raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Obj) : {};
  const current = ctx.store.peek(info.resource, name, target.namespace);
  if (!current) throw notFound(info.resource, name, info.group);
  const pre = (deleteOptions.preconditions ?? {}) as {
    uid?: string;
    resourceVersion?: string;
  };
  if (
    (pre.uid && pre.uid !== current.metadata.uid) ||
    (pre.resourceVersion &&
      pre.resourceVersion !== current.metadata.resourceVersion)
  ) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${info.resource} "${name}": the precondition does not match the object`,
      { name, kind: info.resource },
    );
  }
  const dry =
    options.dryRun ||
    (Array.isArray(deleteOptions.dryRun) &&
      deleteOptions.dryRun.includes('All'));
  const gone = dry
    ? ctx.store.get(info.resource, name, target.namespace)!
    : ctx.store.delete(info.resource, name, target.namespace);
  if (!gone) throw notFound(info.resource, name, info.group);
  return gone;
}
