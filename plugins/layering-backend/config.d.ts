/**
 * Configuration of the layering backend.
 *
 * Clusters are NOT configured here: they come from the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` (types `config` and `catalog`), read by
 * `@rhcos-layering/plugin-layering-node`, whose `config.d.ts` documents
 * `layering.clusters` (include/exclude, and per cluster the reader, the writer
 * and the registries). The backend watches with each cluster's reader. With no
 * cluster at all it logs a warning and serves an empty fleet.
 */
export interface Config {
  layering?: {
    /**
     * Registries the backend reads image labels from (RHCOS builds of the
     * release's and the pools' images). Entries are matched by host; `*`
     * matches every host.
     */
    registries?: Array<{
      /** Registry host the image references name (`quay.io`), or `*` for all. */
      host: string;
      /**
       * Endpoint to read from instead (a registries.conf-style mirror), e.g. `https://mirror.example.com`.
       * Mirrors are trusted as written and may be on loopback or private addresses; any other
       * destination (registry, token service, redirect target) that resolves to one is refused
       * when the connection opens.
       */
      mirror?: string;
      auth?: {
        username?: string;
        /** @visibility secret */
        password?: string;
        /** Bearer token. @visibility secret */
        token?: string;
      };
      /**
       * Accept manifests and blobs that do not hash to their digest. Only for development
       * registries that serve made-up digests, such as the embedded cluster's.
       */
      dangerouslySkipDigestVerification?: boolean;
    }>;

    /** Tuning of the watch caches. */
    informers?: {
      /** Objects per list page (`limit`). Default 500. */
      pageSize?: number;
      /** Server-side watch duration before it is re-opened, in seconds (jittered ±25%). Default 300. */
      watchTimeoutSeconds?: number;
      /** Time limit of list and discovery requests, in milliseconds. Default 15000. */
      requestTimeoutMs?: number;
      /**
       * List requests that may run at once over all clusters (cold start, re-lists after 410),
       * which bounds both the load on the API servers and the memory held by list pages.
       * Default 4.
       */
      listConcurrency?: number;
    };

    /** Live updates through the signals service. */
    signals?: {
      /** Changes are collected this long before one signal per channel is sent, in ms. Default 1000. */
      debounceMs?: number;
    };

    /** Drift trend of the fleet page (pool counts per cluster and status, in the database). */
    trend?: {
      /** At most one sample per cluster in this many minutes. Default 15. */
      intervalMinutes?: number;
      /** Samples older than this many days are deleted (each cluster keeps its newest). Default 90. */
      retentionDays?: number;
    };

    // layering.catalog is read by the catalog module package (its own config.d.ts).
  };
}
