import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_LOCATION,
  DEFAULT_NAMESPACE,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  LAYERING_ENTITY_TYPES,
} from '@rhcos-layering/plugin-layering-common';

/**
 * How the module treats cluster entities (`layering.catalog.clusterEntities`
 * and `layering.catalog.adopt`).
 *
 * @public
 */
export type ClusterEntitiesOptions =
  | { mode: 'emit' }
  | {
      mode: 'adopt';
      /** `name`: entity name equals the cluster name; `annotation`: the annotation does. */
      match: 'name' | 'annotation';
      /** Compared with the cluster name when `match` is `annotation`. */
      annotation: string;
      kind: string;
      type: string;
      /** Only this namespace, when set. */
      namespace?: string;
    };

/** Where our own entities come from; adopted entities never carry it. */
export const LAYERING_LOCATION_PREFIX = 'layering:';

/**
 * Reads `layering.catalog.clusterEntities` and `layering.catalog.adopt`.
 *
 * @public
 */
export function readClusterEntitiesOptions(config: Config | undefined): ClusterEntitiesOptions {
  const mode = config?.getOptionalString('clusterEntities') ?? 'emit';
  if (mode !== 'emit' && mode !== 'adopt') {
    throw new InputError(
      `layering.catalog.clusterEntities must be 'emit' or 'adopt', not '${mode}'`,
    );
  }
  if (mode === 'emit') {
    return { mode };
  }
  const adopt = config?.getOptionalConfig('adopt');
  const match = adopt?.getOptionalString('match') ?? 'name';
  if (match !== 'name' && match !== 'annotation') {
    throw new InputError(
      `layering.catalog.adopt.match must be 'name' or 'annotation', not '${match}'`,
    );
  }
  return {
    mode,
    match,
    annotation: adopt?.getOptionalString('annotation') ?? KUBERNETES_CLUSTER_ANNOTATION,
    kind: adopt?.getOptionalString('kind') ?? 'Resource',
    type: adopt?.getOptionalString('type') ?? LAYERING_ENTITY_TYPES.cluster,
    namespace: adopt?.getOptionalString('namespace'),
  };
}

type AdoptOptions = Extract<ClusterEntitiesOptions, { mode: 'adopt' }>;

/** The cluster name an entity stands for under the adopt rule, if it is a candidate at all. */
export function adoptedClusterName(entity: Entity, options: AdoptOptions): string | undefined {
  if (entity.kind.toLocaleLowerCase('en-US') !== options.kind.toLocaleLowerCase('en-US')) {
    return undefined;
  }
  if (String(entity.spec?.type ?? '') !== options.type) return undefined;
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  if (options.namespace && namespace !== options.namespace) return undefined;
  if (entity.metadata.annotations?.[ANNOTATION_LOCATION]?.startsWith(LAYERING_LOCATION_PREFIX)) {
    return undefined;
  }
  return options.match === 'name'
    ? entity.metadata.name
    : entity.metadata.annotations?.[options.annotation];
}

/** The catalog filter that finds the candidates for some clusters. */
export function adoptionFilter(
  clusters: string[],
  options: AdoptOptions,
): Record<string, string | string[]> {
  return {
    kind: options.kind,
    'spec.type': options.type,
    ...(options.namespace ? { 'metadata.namespace': options.namespace } : {}),
    [options.match === 'name' ? 'metadata.name' : `metadata.annotations.${options.annotation}`]:
      clusters,
  };
}

/**
 * Picks the adopted entity of each cluster among candidates: an exact match
 * first, then one in the default namespace, then the first by entity ref.
 */
export function pickAdopted(
  clusters: string[],
  candidates: Entity[],
  options: AdoptOptions,
): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...candidates].sort((a, b) =>
    stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
  );
  for (const cluster of clusters) {
    const lower = cluster.toLocaleLowerCase('en-US');
    const matching = sorted.filter(
      e => adoptedClusterName(e, options)?.toLocaleLowerCase('en-US') === lower,
    );
    const best =
      matching.find(e => adoptedClusterName(e, options) === cluster) ??
      matching.find(e => (e.metadata.namespace ?? DEFAULT_NAMESPACE) === DEFAULT_NAMESPACE) ??
      matching[0];
    if (best) out.set(cluster, stringifyEntityRef(best));
  }
  return out;
}
