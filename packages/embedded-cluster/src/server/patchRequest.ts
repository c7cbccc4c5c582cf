import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { StoreWriteOptions } from '../store/ObjectStore';
import type { K8sObject } from '../store/types';
import { ApiError, badRequest, notFound } from './status';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { serverSideApply } from './managedFields';
import { schemaOf, ServerContext, Target } from './context';
import { admit } from './admission';
import {
  checkBody,
  checkUnknownFields,
  fieldManager,
  writeObject,
} from './writes';

const APPLY_TYPES = [
  'application/apply-patch+yaml',
  'application/apply-patch+cbor',
];

/** The content type of a PATCH request (without parameters). */
export function patchType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim();
}

/** Whether a PATCH is a server-side apply (which may create the object). */
export function isApplyPatch(req: IncomingMessage): boolean {
  return APPLY_TYPES.includes(patchType(req));
}

function unsupportedMediaType(crd: boolean): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${
      crd ? '' : ', application/strategic-merge-patch+json'
    }, application/apply-patch+yaml`,
  );
}

/** Server-side apply: merge the applied configuration by field ownership; create when missing. */
function applyPatch(
  ctx: ServerContext,
  target: Target,
  text: string,
  old: K8sObject | undefined,
  q: URLSearchParams,
  options: StoreWriteOptions,
  res: ServerResponse,
): { object: K8sObject; created: boolean } {
  const { info } = target;
  const manager = q.get('fieldManager');
  if (!manager) {
    throw new ApiError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    );
  }
  let applied: unknown;
  try {
    applied = parseYaml(text);
  } catch (error) {
    throw badRequest(
      `error decoding YAML: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  const body = checkBody(target, applied);
  checkUnknownFields(ctx, target, body, q, res);
  const served = ctx.store.servedApiVersion(info.resource);
  if (body.apiVersion !== served || body.kind !== info.kind) {
    throw badRequest(
      `apply patches must name apiVersion ${served} and kind ${
        info.kind
      } (got ${String(body.apiVersion)} ${String(body.kind)})`,
    );
  }
  const force = q.get('force') === 'true';
  if (q.has('force') && !['true', 'false'].includes(q.get('force')!))
    throw badRequest('force must be true or false');
  const merged = serverSideApply(
    old,
    body,
    manager,
    served,
    schemaOf(ctx, info.resource),
    force,
    target.subresource,
  ) as K8sObject;
  if (!old) {
    if (target.subresource)
      throw notFound(info.resource, target.name!, info.group);
    if (info.statusSubresource && info.crd) delete merged.status;
    merged.apiVersion = served;
    merged.kind = info.kind;
    return {
      object: ctx.store.create(info.resource, merged, {
        ...options,
        admit: next => admit(ctx, target, next),
      }),
      created: true,
    };
  }
  merged.metadata.resourceVersion = body.metadata.resourceVersion;
  return {
    object: writeObject(
      ctx,
      target,
      old,
      merged,
      manager,
      options,
      false,
      true,
    ),
    created: false,
  };
}

/**
 * PATCH of one object: JSON patch, merge patch, strategic merge patch (core kinds only) or
 * server-side apply.
 */
export function patchObject(
  ctx: ServerContext,
  target: Target,
  raw: Buffer,
  req: IncomingMessage,
  q: URLSearchParams,
  options: StoreWriteOptions,
  res: ServerResponse,
): { object: K8sObject; created: boolean } {
  const { info } = target;
  const type = patchType(req);
  const text = raw.toString('utf8');
  const old = ctx.store.peek(info.resource, target.name!, target.namespace);
  if (APPLY_TYPES.includes(type)) {
    return applyPatch(ctx, target, text, old, q, options, res);
  }
  if (!old) throw notFound(info.resource, target.name!, info.group);
  let patchBody: unknown;
  try {
    patchBody = JSON.parse(text);
  } catch {
    try {
      patchBody = parseYaml(text);
    } catch (error) {
      throw badRequest(
        `error decoding patch: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
  let next: unknown;
  switch (type) {
    case 'application/json-patch+json':
      next = jsonPatch(old, patchBody);
      break;
    case 'application/merge-patch+json':
      next = mergePatch(old, patchBody);
      break;
    case 'application/strategic-merge-patch+json':
      if (info.crd) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
      next = strategicMergePatch(old, patchBody);
      break;
    default:
      throw unsupportedMediaType(info.crd);
  }
  const object = checkBody(target, next);
  checkUnknownFields(ctx, target, object, q, res);
  const patchMeta = (
    patchBody as { metadata?: { resourceVersion?: string } } | null
  )?.metadata;
  if (
    !(patchMeta && typeof patchMeta === 'object' && patchMeta.resourceVersion)
  ) {
    object.metadata.resourceVersion = old.metadata.resourceVersion;
  }
  return {
    object: writeObject(
      ctx,
      target,
      old,
      object,
      q.get('fieldManager') ?? fieldManager(q, req),
      options,
      true,
    ),
    created: false,
  };
}
