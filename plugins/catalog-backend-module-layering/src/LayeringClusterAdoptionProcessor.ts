import type { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  LAYERING_CLUSTER_ANNOTATION,
} from '@rhcos-layering/plugin-layering-common';
import { adoptedClusterName, ClusterEntitiesOptions } from './adoption';

/** The refresh key of the entity that stands for a cluster (lower case). */
export function adoptionRefreshKey(cluster: string): string {
  return `layering-adopt:${cluster.toLocaleLowerCase('en-US')}`;
}

/**
 * The clusters the layering backend knows, shared by the entity provider
 * (which learns them) and the adoption processor (which annotates their
 * entities).
 *
 * @public
 */
export class LayeringKnownClusters {
  #names = new Map<string, string>();

  /** Replaces the set; returns the clusters that were added or removed. */
  update(names: string[]): string[] {
    const next = new Map(names.map(n => [n.toLocaleLowerCase('en-US'), n]));
    const changed = [
      ...[...next.keys()].filter(k => !this.#names.has(k)),
      ...[...this.#names.keys()].filter(k => !next.has(k)),
    ];
    this.#names = next;
    return changed;
  }

  /** The configured spelling of a cluster name, matched without case. */
  get(name: string): string | undefined {
    return this.#names.get(name.toLocaleLowerCase('en-US'));
  }
}

/**
 * In adopt mode, adds the layering annotations to the cluster entities that
 * another provider keeps, so the layering cluster card shows on them.
 *
 * @remarks
 * Every candidate entity (the configured kind and type) carries a refresh key
 * per cluster name, so the entity provider can have it processed again as soon
 * as the layering backend reports that cluster.
 *
 * @public
 */
export class LayeringClusterAdoptionProcessor implements CatalogProcessor {
  readonly #options: ClusterEntitiesOptions;
  readonly #clusters: LayeringKnownClusters;

  constructor(options: { clusterEntities: ClusterEntitiesOptions; clusters: LayeringKnownClusters }) {
    this.#options = options.clusterEntities;
    this.#clusters = options.clusters;
  }

  getProcessorName(): string {
    return 'LayeringClusterAdoptionProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (this.#options.mode !== 'adopt') return entity;
    const candidate = adoptedClusterName(entity, this.#options);
    if (!candidate) return entity;
    emit(processingResult.refresh(adoptionRefreshKey(candidate)));
    const cluster = this.#clusters.get(candidate);
    if (!cluster) return entity;
    const annotations = entity.metadata.annotations ?? {};
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...annotations,
          [LAYERING_CLUSTER_ANNOTATION]: cluster,
          [KUBERNETES_CLUSTER_ANNOTATION]: annotations[KUBERNETES_CLUSTER_ANNOTATION] ?? cluster,
        },
      },
    };
  }
}
