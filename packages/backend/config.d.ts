/** Configuration read by the portal's own backend modules. */
export interface Config {
  layering?: {
    /**
     * Direct apply: changing a cluster without a reviewed pull request (the `direct` delivery of the
     * layering templates, the `layering:cluster:apply` action and every action that writes to a
     * cluster). The portal's permission policy allows the `layering.cluster.apply` permission, and
     * the Kubernetes plugin's proxy (`kubernetes.proxy`), only to these users and groups.
     */
    directApply?: {
      /** Entity refs of users and groups, e.g. `group:default/platform-admins`. */
      allowed?: string[];
      /**
       * When set, direct apply only to the pools of these clusters (names as configured under
       * `kubernetes.clusterLocatorMethods`).
       */
      clusters?: string[];
      /**
       * When true, direct apply only to the pools whose catalog entity the user or one of its
       * groups owns (`spec.owner`).
       */
      ownedPoolsOnly?: boolean;
    };
    /**
     * Entity refs of the users and groups who may register catalog locations (and so add
     * entities). Defaults to `directApply.allowed`.
     */
    admins?: string[];
  };
}
