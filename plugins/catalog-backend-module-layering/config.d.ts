export interface Config {
  layering?: {
    /** Catalog entities of the layering catalog module. */
    catalog?: {
      /** Owner of the cluster and pool entities. Default `group:default/platform`. */
      owner?: string;
      /** System the entities belong to, e.g. `system:default/openshift-fleet`. */
      system?: string;
      /**
       * Refresh schedule. Default: every 30 seconds, and sooner while a
       * cluster is still syncing or the layering backend does not answer yet.
       */
      schedule?: import('@backstage/backend-plugin-api').SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * What to do about the cluster entities. `emit` (default): the module
       * keeps its own `Resource` of type `kubernetes-cluster` per cluster.
       * `adopt`: it emits none and uses the cluster entities that another
       * provider (for example the OCM plugin) already keeps, found with
       * `adopt.match`; pool entities then depend on those.
       */
      clusterEntities?: 'emit' | 'adopt';
      /** How existing cluster entities are found when `clusterEntities` is `adopt`. */
      adopt?: {
        /**
         * `name` (default): the entity's name equals the cluster name.
         * `annotation`: the entity's annotation `adopt.annotation` equals the cluster name.
         */
        match?: 'name' | 'annotation';
        /**
         * The annotation compared with the cluster name when `match` is
         * `annotation`. Default `backstage.io/kubernetes-cluster`.
         */
        annotation?: string;
        /** Kind of the adopted entities. Default `Resource`. */
        kind?: string;
        /**
         * `spec.type` of the adopted entities. Default `kubernetes-cluster`
         * (what the OCM plugin emits).
         */
        type?: string;
        /** Namespace to look in. Default: every namespace (`default` first). */
        namespace?: string;
      };
    };
  };
}
