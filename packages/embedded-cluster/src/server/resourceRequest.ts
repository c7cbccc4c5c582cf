import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoreWriteOptions } from '../store/ObjectStore';
import { ApiError, badRequest } from './status';
import { readBody, readRaw, sendJson } from './httpIo';
import { getObject, listObjects, present, watchObjects } from './reads';
import {
  createObject,
  deleteObject,
  methodNotAllowed,
  updateObject,
} from './writes';
import { patchObject } from './patchRequest';
import type { Role, ServerContext, Target } from './context';

/** Whether a `watch` query parameter asks for a watch. */
export function isWatch(q: URLSearchParams): boolean {
  return q.get('watch') === 'true' || q.get('watch') === '1';
}

/**
 * Serve a request for a resource (collection or object) once the caller is known and allowed:
 * dispatch by method to the reads, writes and patches.
 */
export async function handleResource(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
  target: Target,
  role: Role,
): Promise<void> {
  const { info, name } = target;
  const q = url.searchParams;
  const isWrite = !['GET', 'HEAD'].includes(method);
  if (isWrite) {
    if (role === 'readOnly') {
      throw new ApiError(
        403,
        'Forbidden',
        `${info.resource}${info.group ? `.${info.group}` : ''}${
          name ? ` "${name}"` : ''
        } is forbidden: the read-only token may only get, list and watch`,
        { name, group: info.group || undefined, kind: info.resource },
      );
    }
    if (info.readOnly) {
      throw new ApiError(
        403,
        'Forbidden',
        `${info.resource}${name ? ` "${name}"` : ''} is forbidden: ${
          info.resource
        } are read-only in the embedded cluster`,
        { name, kind: info.resource },
      );
    }
  }
  const dryRun = q.getAll('dryRun');
  if (dryRun.some(d => d !== 'All')) {
    throw badRequest(
      `Invalid dry run value: ${dryRun.join(',')}; supported values: All`,
    );
  }
  const writeOptions: StoreWriteOptions = { dryRun: dryRun.includes('All') };
  if (!name) {
    if (method === 'GET') {
      if (isWatch(q)) {
        watchObjects(ctx, req, res, q, target, role);
      } else {
        listObjects(ctx, req, res, q, target, role);
      }
      return;
    }
    if (method === 'POST') {
      const body = await readBody(req);
      const created = createObject(
        ctx,
        target,
        body,
        q,
        writeOptions,
        req,
        res,
      );
      sendJson(res, 201, present(created, role));
      return;
    }
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET':
      getObject(ctx, req, res, q, target, role);
      return;
    case 'PUT': {
      const body = await readBody(req);
      const updated = updateObject(
        ctx,
        target,
        body,
        q,
        writeOptions,
        req,
        res,
      );
      sendJson(res, 200, present(updated, role));
      return;
    }
    case 'PATCH': {
      const raw = await readRaw(req);
      const { object, created } = patchObject(
        ctx,
        target,
        raw,
        req,
        q,
        writeOptions,
        res,
      );
      sendJson(res, created ? 201 : 200, present(object, role));
      return;
    }
    case 'DELETE': {
      if (target.subresource) throw methodNotAllowed();
      const raw = await readRaw(req);
      const gone = deleteObject(ctx, target, raw, writeOptions);
      sendJson(res, 200, present(gone, role));
      return;
    }
    default:
      throw methodNotAllowed();
  }
}
