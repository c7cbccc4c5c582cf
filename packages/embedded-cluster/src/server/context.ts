import type { InMemoryObjectStore } from '../store/ObjectStore';
import type { ResourceInfo } from '../store/resources';
import type { ResourceName } from '../store/types';
import type { SchemaValidator } from '../schema/SchemaValidator';
import type { JSONSchemaProps } from '../schema/crds';
import type { WatchHub } from './watch';

/**
 * Who is calling: the all-powerful admin token, the legacy read-only token, or a service account
 * whose requests the cluster's RBAC objects authorize.
 */
export type Role = 'admin' | 'readOnly' | 'serviceAccount' | 'user';

/** What the request handlers share: the store, the schemas and the watch streams. */
export interface ServerContext {
  store: InMemoryObjectStore;
  validator: SchemaValidator;
  watchHub: WatchHub;
}

/** The resource a request addresses, resolved from its path. */
export interface Target {
  info: ResourceInfo;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

/** The structural schema of a CRD-backed resource (undefined for core kinds). */
export function schemaOf(
  ctx: ServerContext,
  resource: ResourceName,
): JSONSchemaProps | undefined {
  return ctx.validator.crdFor(resource)?.schema;
}
