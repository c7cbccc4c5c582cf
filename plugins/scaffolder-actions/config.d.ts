export interface Config {
  layering?: {
    /**
     * Settings of the layering scaffolder actions (`layering:*`). Clusters and their reader and
     * writer credentials are read by `@rhcos-layering/plugin-layering-node` (its `config.d.ts`:
     * `kubernetes.clusterLocatorMethods` and `layering.clusters.options.<cluster>.writer`).
     */
    actions?: {
      /**
       * Field manager the actions use for server-side apply and patches.
       * Defaults to `backstage-layering`.
       */
      fieldManager?: string;
      /**
       * Hosts that RPM, repository and file URLs in a request may point at. An entry is a host
       * name (`mirror.example.com`), a wildcard suffix (`*.example.com`) or an IP address.
       * When the list is empty every public host is allowed. Loopback, link-local, private and
       * cloud metadata addresses are always refused unless listed here explicitly.
       */
      allowedUrlHosts?: string[];
      /**
       * Package names (with `*` wildcards, e.g. `kernel-*`) a request may install from the
       * enabled repositories. When the list is empty every syntactically valid name is allowed.
       */
      allowedPackages?: string[];
      /**
       * Let a template's `allowDegradedPool` input apply changes to a pool that reports
       * Degraded. Off by default: a degraded pool does not start new builds and a change
       * usually makes things worse.
       */
      allowDegradedOverride?: boolean;
      /**
       * Retries after the first attempt for throttled (429 with Retry-After) or failed (5xx)
       * idempotent cluster calls. Defaults to 3.
       */
      maxRetries?: number;
      /**
       * Longest Retry-After, in seconds, the actions wait for before giving up. Defaults to 30.
       */
      maxRetryAfterSeconds?: number;
      /**
       * Time limits of the actions' outgoing calls, in seconds (fractions allowed). A call that
       * passes its limit fails with an error naming the call and the cluster or host; a
       * cancelled task aborts its calls in flight.
       */
      timeouts?: {
        /** Each attempt of a call to a cluster's API server. Defaults to 30. */
        clusterSeconds?: number;
        /** Each call to a forge API (GitLab merge requests). Defaults to 30. */
        forgeSeconds?: number;
        /** Each call to the layering backend (pool views, release, request records). Defaults to 15. */
        layeringBackendSeconds?: number;
      };
    };
  };
}
