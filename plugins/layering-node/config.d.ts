/**
 * Cluster configuration of the layering plugins (backend and scaffolder actions).
 *
 * Clusters themselves come from the Kubernetes plugin's `kubernetes.clusterLocatorMethods`:
 * entries of type `config` (`name`, `title`, `url`, `authProvider`, `serviceAccountToken`,
 * `caData`, `caFile`, `skipTLSVerify`, `authMetadata`) and type `catalog` (Resource entities of
 * `spec.type: kubernetes-cluster` with the `kubernetes.io/api-server` annotations). The reader
 * (watches and reads) is the entry's `serviceAccount` credential: its `serviceAccountToken`, or the
 * pod's own token file `/var/run/secrets/kubernetes.io/serviceaccount/token` when it has none
 * (re-read whenever the kubelet rotates it).
 */
export interface Config {
  layering?: {
    /** Which clusters the layering plugins use, and what they add to each. */
    clusters?: {
      /**
       * Names of the clusters to use; `*` and trailing-`*` patterns allowed.
       * Default: every cluster of `kubernetes.clusterLocatorMethods`.
       */
      include?: string[];
      /** Names (or patterns) of clusters to leave out. */
      exclude?: string[];
      /** Options per cluster, keyed by the cluster's name. */
      options?: {
        [cluster: string]: {
          /**
           * Service credential for watches and reads, instead of the cluster entry's: needed
           * when the Kubernetes plugin signs in people (`oidc`) or for a client certificate.
           * Exactly one of the forms below.
           */
          reader?: {
            /** Bearer token of a read-only service account. @visibility secret */
            serviceAccountToken?: string;
            /** File holding the token, re-read whenever it changes. */
            serviceAccountTokenFile?: string;
            /** Base64 PEM client certificate (with `clientKeyData`). */
            clientCertData?: string;
            /** Base64 PEM private key of the client certificate. @visibility secret */
            clientKeyData?: string;
            /** PEM file of the client certificate (with `clientKeyFile`). */
            clientCertFile?: string;
            /** PEM file of the client certificate's private key. */
            clientKeyFile?: string;
          };
          /**
           * The credential the scaffolder actions write with. Without one the actions refuse
           * to write to this cluster; they never write with the reader. Exactly one of the
           * forms below; `authProvider: oidc` (with `oidcTokenProvider: openshift`) acts with the
           * requesting person's OpenShift OAuth token, which the form obtains through the
           * `openshift` auth provider and gives to the action as the task secret
           * `openshiftToken`, so cluster RBAC decides and the cluster's audit log shows the person.
           */
          writer?: {
            /** Bearer token of the writer service account. @visibility secret */
            serviceAccountToken?: string;
            /** File holding the writer's token, re-read whenever it changes. */
            serviceAccountTokenFile?: string;
            /** Base64 PEM client certificate (with `clientKeyData`). */
            clientCertData?: string;
            /** Base64 PEM private key of the client certificate. @visibility secret */
            clientKeyData?: string;
            /** PEM file of the client certificate (with `clientKeyFile`). */
            clientCertFile?: string;
            /** PEM file of the client certificate's private key. */
            clientKeyFile?: string;
            /** `oidc` (or its older name `user`): write as the person who runs the task. */
            authProvider?: 'oidc' | 'user';
            /** Which sign-in gives the person's token; only `openshift` (OpenShift OAuth). */
            oidcTokenProvider?: 'openshift';
          };
          /**
           * Apply on merge, for clusters without a GitOps controller: when a request's pull
           * request is merged, the layering backend applies the merged manifests itself with
           * the `writer` credential (layering content for the pool and objects rendered by that
           * request only, after a server dry run; audited). The merge is the approval. Default
           * false: a GitOps controller applies what is merged.
           */
          applyOnMerge?: boolean;
          /**
           * Registries (with credentials) for this cluster's images, tried before
           * `layering.registries` — e.g. the cluster's own pull secret entries.
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
            /** Accept content that does not hash to its digest (development registries only). */
            dangerouslySkipDigestVerification?: boolean;
          }>;
        };
      };
    };
  };
}
