import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_POOL_ANNOTATION,
  POOL_RESOURCE_TYPE,
} from '../filters';

/** `<cluster>/<pool>` — the key of {@link usePoolEntities}. */
export function poolKey(cluster: string, pool: string): string {
  return `${cluster}/${pool}`;
}

/**
 * The catalog entities of MachineConfigPools, keyed by `<cluster>/<pool>`
 * from their annotations, so that links never guess entity names or
 * namespaces. Empty while loading or when the catalog cannot be read.
 */
export function usePoolEntities(
  cluster?: string,
): Map<string, CompoundEntityRef> {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    const filter: Record<string, string> = {
      kind: 'Resource',
      'spec.type': POOL_RESOURCE_TYPE,
    };
    if (cluster) {
      filter[`metadata.annotations.${LAYERING_CLUSTER_ANNOTATION}`] = cluster;
    }
    const { items } = await catalogApi.getEntities({
      filter,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    });
    const refs = new Map<string, CompoundEntityRef>();
    for (const entity of items) {
      const c = entity.metadata.annotations?.[LAYERING_CLUSTER_ANNOTATION];
      const p = entity.metadata.annotations?.[LAYERING_POOL_ANNOTATION];
      if (c && p) {
        refs.set(poolKey(c, p), {
          kind: entity.kind,
          namespace: entity.metadata.namespace ?? 'default',
          name: entity.metadata.name,
        });
      }
    }
    return refs;
  }, [catalogApi, cluster]);
  return value ?? new Map();
}
