import { createHash } from 'node:crypto';
import { LAYERING_REQUEST_ANNOTATIONS } from '@rhcos-layering/plugin-layering-common';

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted at every depth, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isDict(value)) {
    const keys = Object.keys(value)
      .filter(key => value[key] !== undefined)
      .sort();
    return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The content digest of a rendered layering object: `sha256:<hex>` over the canonical JSON of
 * its apiVersion, kind, name, labels and spec.
 *
 * @remarks
 * Annotations are left out as a whole: the provenance annotations carry the digest itself, and
 * the Machine Config Operator annotates MachineOSConfigs with the build it is on. Server-set
 * metadata (uid, resourceVersion, managedFields) and the status are left out too, so the
 * digest of the object read back from a cluster equals the digest of the rendered file as long
 * as nobody changed its content.
 *
 * @public
 */
export function layeringContentDigest(object: unknown): string {
  const source = isDict(object) ? object : {};
  const metadata = isDict(source.metadata) ? source.metadata : {};
  const content = {
    apiVersion: source.apiVersion ?? null,
    kind: source.kind ?? null,
    name: metadata.name ?? null,
    labels: isDict(metadata.labels) ? metadata.labels : {},
    spec: source.spec ?? null,
  };
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/**
 * What the provenance annotations of an object say about the request that rendered it.
 *
 * @public
 */
export interface LayeringObjectProvenance {
  /** The request id annotation (a UUID made at render), or null when absent. */
  requestId: string | null;
  /** The scaffolder task (template run) annotation, or null. */
  taskId: string | null;
  /** Who asked, or null. */
  requestedBy: string | null;
  /** The content digest annotation: what the request rendered. */
  digest: string | null;
  /** True when the object's content still has the annotated digest. */
  digestMatches: boolean;
}

/**
 * Reads the provenance annotations of an object and checks its content against the annotated
 * digest; undefined when the object carries neither a request id nor a template run.
 *
 * @public
 */
export function readLayeringProvenance(object: unknown): LayeringObjectProvenance | undefined {
  const metadata = isDict(object) && isDict(object.metadata) ? object.metadata : {};
  const annotations = isDict(metadata.annotations) ? metadata.annotations : {};
  const read = (key: string) => {
    const value = annotations[key];
    return typeof value === 'string' && value ? value : null;
  };
  const requestId = read(LAYERING_REQUEST_ANNOTATIONS.requestId);
  const taskId = read(LAYERING_REQUEST_ANNOTATIONS.templateRun);
  if (!requestId && !taskId) return undefined;
  const digest = read(LAYERING_REQUEST_ANNOTATIONS.contentDigest);
  return {
    requestId,
    taskId,
    requestedBy: read(LAYERING_REQUEST_ANNOTATIONS.requestedBy),
    digest,
    digestMatches: digest !== null && digest === layeringContentDigest(object),
  };
}

/**
 * Returns a copy of a rendered object with the request id and its content digest annotated.
 *
 * @public
 */
export function withLayeringProvenance<T extends { metadata: { annotations?: Record<string, string> } }>(
  object: T,
  requestId: string,
): T {
  const digest = layeringContentDigest(object);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        [LAYERING_REQUEST_ANNOTATIONS.requestId]: requestId,
        [LAYERING_REQUEST_ANNOTATIONS.contentDigest]: digest,
      },
    },
  };
}
