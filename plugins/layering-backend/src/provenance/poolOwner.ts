import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { poolResourceRef } from '@rhcos-layering/plugin-layering-common';

/**
 * The owner of a pool's catalog entity (`spec.owner`, a group unless it says otherwise) as a full
 * entity ref, read with the plugin's own credentials; undefined when the catalog has none or
 * cannot be read (a notification then goes to the requester only).
 */
export async function readPoolOwner(
  deps: { catalog: CatalogService; auth: AuthService; logger: LoggerService },
  cluster: string,
  pool: string,
): Promise<string | undefined> {
  const ref = poolResourceRef(cluster, pool);
  try {
    const entity = await deps.catalog.getEntityByRef(ref, {
      credentials: await deps.auth.getOwnServiceCredentials(),
    });
    const owner = entity?.spec?.owner;
    if (typeof owner !== 'string' || !owner) return undefined;
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity?.metadata.namespace ?? 'default',
      }),
    );
  } catch (error) {
    deps.logger.warn('Could not read the owner of a pool for a notification', {
      pool: ref,
      error: toError(error).message,
    });
    return undefined;
  }
}

/** True for a full entity ref (`kind:namespace/name`), the only form notifications accept. */
export function isFullEntityRef(value: string): boolean {
  if (!/^[^:/]+:[^:/]+\/[^:/]+$/.test(value)) return false;
  try {
    parseEntityRef(value);
    return true;
  } catch {
    return false;
  }
}
