/** Configuration read by the portal's own backend modules. */
export interface Config {
  layering?: {
    /**
     * Direct apply: changing a cluster without a reviewed pull request (the `direct` delivery of the
     * layering templates, the `layering:cluster:apply` action). The portal's permission policy
     * allows the `layering.cluster.apply` permission only to these users and groups.
     */
    directApply?: {
      /** Entity refs of users and groups, e.g. `group:default/platform-admins`. */
      allowed?: string[];
    };
  };
}
