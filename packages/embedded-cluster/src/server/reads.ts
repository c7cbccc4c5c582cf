import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../store/resources';
import type { K8sObject } from '../store/types';
import { ApiError, badRequest, notFound } from './status';
import {
  FieldSelector,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { buildTable } from './table';
import { sendJson } from './httpIo';
import type { Role, ServerContext, Target } from './context';

interface ContinueToken {
  rv: number;
  start: string;
}

interface Selectors {
  labels: LabelSelector;
  fields: FieldSelector;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function objectKey(o: K8sObject): string {
  return o.metadata.namespace
    ? `${o.metadata.namespace}/${o.metadata.name}`
    : o.metadata.name;
}

function selectors(q: URLSearchParams, info: ResourceInfo): Selectors {
  return {
    labels: parseLabelSelector(q.get('labelSelector') ?? ''),
    fields: parseFieldSelector(q.get('fieldSelector') ?? '', info.kind),
  };
}

function matches(o: K8sObject, sel: Selectors, namespace?: string): boolean {
  if (namespace && o.metadata.namespace !== namespace) return false;
  return (
    matchesLabels(sel.labels, o.metadata.labels) && matchesFields(sel.fields, o)
  );
}

/** Whether the client asked for a `meta.k8s.io/v1 Table` (kubectl's printing). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept
    .split(',')
    .some(
      p =>
        p.includes('as=Table') &&
        p.includes('g=meta.k8s.io') &&
        /v=v1(;|$|\s|,)/.test(`${p};`),
    );
}

/**
 * Whether the client asked for metadata only (`Accept: application/json;as=PartialObjectMetadata;
 * g=meta.k8s.io;v=v1`, or `PartialObjectMetadataList` for lists): the answer then carries no
 * spec, data or status, so a client can learn that a Secret exists without receiving its data.
 */
export function wantsMetadataOnly(
  req: IncomingMessage,
  as: 'PartialObjectMetadata' | 'PartialObjectMetadataList',
): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some(p => {
    const params = p.split(';').map(x => x.trim());
    return (
      params.includes(`as=${as}`) &&
      params.includes('g=meta.k8s.io') &&
      params.includes('v=v1')
    );
  });
}

/** An object reduced to its metadata. */
export function partialMetadata(o: K8sObject): K8sObject {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

/** What a caller may see of an object (Secret data is redacted for the read-only token). */
export function present(o: K8sObject, role: Role): K8sObject {
  if (o.kind === 'Secret' && role === 'readOnly') {
    const { data: _d, stringData: _s, ...rest } = o;
    const annotations = o.metadata.annotations;
    if (annotations && LAST_APPLIED in annotations) {
      // kubectl's client-side apply keeps the whole applied Secret, data included, here.
      const { [LAST_APPLIED]: _l, ...others } = annotations;
      rest.metadata = { ...o.metadata, annotations: others };
    }
    return rest as K8sObject;
  }
  return o;
}

/** GET of one object. */
export function getObject(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  target: Target,
  role: Role,
): void {
  const { info, name } = target;
  const found = ctx.store.peek(info.resource, name!, target.namespace);
  if (!found) throw notFound(info.resource, name!, info.group);
  if (wantsMetadataOnly(req, 'PartialObjectMetadata')) {
    sendJson(res, 200, partialMetadata(found));
  } else if (wantsTable(req)) {
    sendJson(
      res,
      200,
      buildTable(
        info.resource,
        ctx.validator.crdFor(info.resource)?.printerColumns,
        [present(found, role)],
        {
          includeObject: q.get('includeObject') ?? undefined,
          resourceVersion: ctx.store.currentResourceVersion(),
        },
      ),
    );
  } else {
    sendJson(res, 200, present(found, role));
  }
}

/** Check `resourceVersion` / `resourceVersionMatch` of a list without a continue token. */
function checkListResourceVersion(ctx: ServerContext, q: URLSearchParams) {
  const store = ctx.store;
  const rv = q.get('resourceVersion');
  if (rv && rv !== '0' && Number(rv) > Number(store.currentResourceVersion())) {
    throw new ApiError(
      504,
      'Timeout',
      `Too large resource version: ${rv}, current: ${store.currentResourceVersion()}`,
      {
        causes: [
          {
            reason: 'ResourceVersionTooLarge',
            message: 'Too large resource version',
          },
        ],
        retryAfterSeconds: 1,
      },
    );
  }
  if (
    rv &&
    rv !== '0' &&
    q.get('resourceVersionMatch') === 'Exact' &&
    rv !== store.currentResourceVersion()
  ) {
    if (store.eventsSince(Number(rv)) === 'expired') {
      throw new ApiError(
        410,
        'Expired',
        `too old resource version: ${rv} (${store.currentResourceVersion()})`,
      );
    }
    throw new ApiError(
      400,
      'BadRequest',
      'resourceVersionMatch=Exact for a resourceVersion other than the latest is not supported by the embedded cluster',
    );
  }
}

function decodeContinue(ctx: ServerContext, cont: string): ContinueToken {
  let token: ContinueToken;
  try {
    token = JSON.parse(
      Buffer.from(cont, 'base64url').toString('utf8'),
    ) as ContinueToken;
    if (typeof token.rv !== 'number' || typeof token.start !== 'string')
      throw new Error('bad token');
  } catch {
    throw badRequest(
      'continue key is not valid: the continue token could not be decoded',
    );
  }
  if (ctx.store.eventsSince(token.rv) === 'expired') {
    throw new ApiError(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }
  return token;
}

/** LIST, with selectors, paging (`limit` / `continue`) and tables. */
export function listObjects(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  target: Target,
  role: Role,
): void {
  const { info, namespace } = target;
  const store = ctx.store;
  const sel = selectors(q, info);
  const limitText = q.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (limitText && !(Number.isInteger(limit) && limit >= 0))
    throw badRequest(`invalid limit: ${limitText}`);
  let listRv = Number(store.currentResourceVersion());
  let start = '';
  const cont = q.get('continue');
  if (cont) {
    const token = decodeContinue(ctx, cont);
    listRv = token.rv;
    start = token.start;
  } else {
    checkListResourceVersion(ctx, q);
  }
  const all = store
    .peekList(info.resource, namespace)
    .filter(o => (!start || objectKey(o) > start) && matches(o, sel));
  const page = limit > 0 ? all.slice(0, limit) : all;
  const more = limit > 0 && all.length > limit;
  const continueToken = more
    ? Buffer.from(
        JSON.stringify({
          rv: listRv,
          start: objectKey(page[page.length - 1]),
        } satisfies ContinueToken),
      ).toString('base64url')
    : undefined;
  if (wantsMetadataOnly(req, 'PartialObjectMetadataList')) {
    sendJson(res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        resourceVersion: String(listRv),
        ...(continueToken
          ? { continue: continueToken, remainingItemCount: all.length - limit }
          : {}),
      },
      items: page.map(partialMetadata),
    });
    return;
  }
  const items = page.map(o => present(o, role));
  if (wantsTable(req)) {
    sendJson(
      res,
      200,
      buildTable(
        info.resource,
        ctx.validator.crdFor(info.resource)?.printerColumns,
        items,
        {
          includeObject: q.get('includeObject') ?? undefined,
          resourceVersion: String(listRv),
          continueToken,
          remaining: more ? all.length - limit : undefined,
        },
      ),
    );
    return;
  }
  sendJson(res, 200, {
    kind: info.listKind,
    apiVersion: store.servedApiVersion(info.resource),
    metadata: {
      resourceVersion: String(listRv),
      ...(continueToken
        ? { continue: continueToken, remainingItemCount: all.length - limit }
        : {}),
    },
    items,
  });
}

/** WATCH: a chunked stream of events (see {@link WatchHub}). */
export function watchObjects(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  target: Target,
  role: Role,
): void {
  const sel = selectors(q, target.info);
  const metadataOnly = wantsMetadataOnly(req, 'PartialObjectMetadata');
  ctx.watchHub.serve(req, res, {
    info: target.info,
    namespace: target.namespace,
    query: q,
    table: wantsTable(req),
    printerColumns: ctx.validator.crdFor(target.info.resource)?.printerColumns,
    present: o => (metadataOnly ? partialMetadata(o) : present(o, role)),
    matches: o => matches(o, sel, target.namespace),
    renderKey: metadataOnly ? 'metadata' : role,
  });
}
