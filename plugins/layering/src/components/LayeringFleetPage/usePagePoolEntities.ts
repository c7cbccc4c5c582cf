import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { PoolView } from '@rhcos-layering/plugin-layering-common';
import { useEffect, useRef, useState } from 'react';
import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_POOL_ANNOTATION,
  POOL_RESOURCE_TYPE,
} from '../../filters';
import { poolKey } from '../../hooks/usePoolEntities';

/** Pools looked up per catalog request: keeps the request's URL well under 16 kB. */
export const ENTITY_BATCH = 100;

/**
 * The catalog entities of the given pools, keyed by `<cluster>/<pool>` from their annotations
 * (links never guess entity names). Only the pools loaded in the page are looked up, each once,
 * in batches of {@link ENTITY_BATCH}, after their rows are shown: a fleet of 10,000 pools would
 * otherwise fetch 10,000 entities before the first link appears. The map's identity changes only
 * when entities arrive; a pool without an entity (or a failed lookup) has no link.
 */
export function usePagePoolEntities(pools: PoolView[]): Map<string, CompoundEntityRef> {
  const catalogApi = useApi(catalogApiRef);
  const [refs, setRefs] = useState<Map<string, CompoundEntityRef>>(() => new Map());
  const asked = useRef(new Set<string>());

  useEffect(() => {
    const wanted: PoolView[] = [];
    for (const pool of pools) {
      const key = poolKey(pool.cluster, pool.name);
      if (!asked.current.has(key)) {
        asked.current.add(key);
        wanted.push(pool);
      }
    }
    for (let i = 0; i < wanted.length; i += ENTITY_BATCH) {
      // One filter per cluster, OR-ed: the cluster and the names of its pools in this batch.
      const byCluster = new Map<string, string[]>();
      for (const pool of wanted.slice(i, i + ENTITY_BATCH)) {
        const names = byCluster.get(pool.cluster) ?? [];
        names.push(pool.name);
        byCluster.set(pool.cluster, names);
      }
      const filter = [...byCluster].map(([cluster, names]) => ({
        kind: 'Resource',
        'spec.type': POOL_RESOURCE_TYPE,
        [`metadata.annotations.${LAYERING_CLUSTER_ANNOTATION}`]: cluster,
        [`metadata.annotations.${LAYERING_POOL_ANNOTATION}`]: names,
      }));
      catalogApi
        .getEntities({
          filter,
          fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations'],
        })
        .then(({ items }) => {
          const found: Array<[string, CompoundEntityRef]> = [];
          for (const entity of items) {
            const c = entity.metadata.annotations?.[LAYERING_CLUSTER_ANNOTATION];
            const p = entity.metadata.annotations?.[LAYERING_POOL_ANNOTATION];
            if (c && p) {
              found.push([
                poolKey(c, p),
                {
                  kind: entity.kind,
                  namespace: entity.metadata.namespace ?? 'default',
                  name: entity.metadata.name,
                },
              ]);
            }
          }
          if (found.length) setRefs(previous => new Map([...previous, ...found]));
        })
        // Without the catalog the pools are shown without links, as before their entities exist.
        .catch(() => undefined);
    }
  }, [catalogApi, pools]);

  return refs;
}
