import type { HumanDuration } from '@backstage/types';

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
       * List requests that may run at once over all clusters (cold start, a takeover of another
       * replica's clusters, re-lists after 410), which bounds the memory held by list pages.
       * Default 32.
       */
      listConcurrency?: number;
      /**
       * List requests that may run at once against one cluster, which bounds the load on each
       * API server however many of the global slots are free. Default 2.
       */
      listConcurrencyPerCluster?: number;
    };

    /** Live updates through the signals service. */
    signals?: {
      /** Changes are collected this long before one signal per channel is sent, in ms. Default 1000. */
      debounceMs?: number;
    };

    /**
     * Backend replicas on one database split the clusters between them: each cluster is watched
     * by the one replica holding its lease, which shares the views through the database; every
     * replica answers for every cluster. Nothing to set for a single replica.
     */
    replicas?: {
      /** This replica's id among those sharing the database. Default: host name, process id and a random suffix. */
      id?: string;
      /** How often leases are renewed and free clusters claimed, in seconds. Default 5. */
      renewIntervalSeconds?: number;
      /**
       * How long a lease lasts without renewal, in seconds (at least twice the renewal interval).
       * A dead replica's clusters are taken over within this plus one renewal interval. Default 15.
       */
      leaseTtlSeconds?: number;
      /** How often a replica reads the views the other replicas shared, in ms. Default 1000. */
      viewPollIntervalMs?: number;
    };

    /** Drift trend of the fleet page (pool counts per cluster and status, in the database). */
    trend?: {
      /** At most one sample per cluster in this many minutes. Default 15. */
      intervalMinutes?: number;
      /** Samples older than this many days are deleted (each cluster keeps its newest). Default 90. */
      retentionDays?: number;
    };

    /**
     * Following the pull and merge requests the portal opened: webhooks arrive through the
     * events backend (`events.modules.github.webhookSecret`, `events.modules.gitlab.webhookSecret`);
     * the poll is the fallback for installs without them.
     */
    forge?: {
      /** Asking the forges about open pull requests on a schedule. */
      poll?: {
        /** Default true. With webhooks configured the poll only catches what they missed. */
        enabled?: boolean;
        /**
         * How often, e.g. `{ minutes: 5 }` or an ISO 8601 duration (`PT5M`). Default 5 minutes.
         * A host answering 403 or 429 is left alone as long as it asks (`Retry-After`, rate
         * limit reset), else 1 minute doubling up to 1 hour.
         */
        frequency?: HumanDuration | string;
      };
      /** Notifications of a pull request opened, approved or merged. */
      notifications?: {
        /**
         * Default true: the requester and the pool's owner (the pool entity's `spec.owner`)
         * get one, through the notifications backend.
         */
        enabled?: boolean;
      };
    };

    /**
     * Provenance: requests followed onto their clusters from the watch caches (applied, the
     * build, the rollout), recorded in each request's history.
     */
    provenance?: {
      /** How often pools with requests still in flight are checked again, in ms. Default 30000. */
      intervalMs?: number;
      /** Notifications of a request's build (succeeded, failed) and rollout (done, degraded). */
      notifications?: {
        /**
         * Default true: the requester and the pool's owner get one, and the pool's owner hears
         * when a cluster update leaves the pool behind the cluster's release.
         */
        enabled?: boolean;
      };
      /** Apply on merge (`layering.clusters.options.<cluster>.applyOnMerge`). */
      applyOnMerge?: {
        /**
         * How often merged requests not applied yet (the portal was down at the merge, the
         * forge or the cluster did not answer) are tried again, in seconds. Default 60. A
         * failed attempt waits longer each time (1 minute doubling up to 1 hour); a refused
         * one (not the request's own layering content, no writer) is not tried again.
         */
        retryIntervalSeconds?: number;
      };
    };

    /**
     * Rebase when a release lands: once a cluster completed an update, each pool pinned by an
     * out-of-cluster image built FROM an older release gets a rebase pull request. The pool
     * card always offers it; with `automatic` the backend opens it itself.
     */
    rebase?: {
      /**
       * Default false. When true, the backend runs the rebase template as a service (one
       * replica at a time), one pull request per pinned pool, never a second while one is open.
       */
      automatic?: boolean;
      /**
       * Where the team's CI pushes the image rebuilt for a release, as a tag reference with
       * `{cluster}`, `{pool}` and `{release}` placeholders (e.g.
       * `registry.example.com/os/{pool}:{release}`). Read through `layering.registries`; the
       * request pins it by digest, and waits while the registry has no such tag.
       * Required with `automatic`.
       */
      image?: string;
      /** Template values of every automatic request, e.g. `forge`, `repoUrl`, `targetBranch`. */
      values?: { [key: string]: string };
      /** The rebase template. Default `template:default/layering-rebase-image`. */
      template?: string;
      /** How often the backend checks, e.g. `{ minutes: 10 }` or `PT10M`. Default 10 minutes. */
      frequency?: HumanDuration | string;
    };

    // layering.catalog is read by the catalog module package (its own config.d.ts).
  };
}
