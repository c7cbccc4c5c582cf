export interface Config {
  layering?: {
    /**
     * Settings of the layering scaffolder actions (`layering:*`). Clusters themselves are read
     * from `kubernetes.clusterLocatorMethods` (type `config`, auth provider `serviceAccount`).
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
    };
  };
}
