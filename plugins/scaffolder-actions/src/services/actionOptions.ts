import type { AuditorService, PermissionsService } from '@backstage/backend-plugin-api';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type { ClusterClients } from '../kubernetes/ClusterClients';
import type { LayeringBackendApi } from './LayeringBackendClient';
import type { LayeringActionsConfig } from '../config';

/**
 * What every layering action is built with. The module creates one from the backend's services;
 * tests create one against an embedded cluster.
 *
 * @public
 */
export interface LayeringActionOptions {
  /** Cluster connections from `kubernetes.clusterLocatorMethods`. */
  clusters: ClusterClients;
  /** The layering backend (pool views, release, request records). */
  backend: LayeringBackendApi;
  /** Permission checks for the actions that write to clusters directly. */
  permissions: PermissionsService;
  /** Parsed `layering.actions` settings. */
  config: LayeringActionsConfig;
  /**
   * The portal's `integrations` (GitLab hosts and tokens for the merge request actions); without
   * it only gitlab.com is known, with no token.
   */
  integrations?: ScmIntegrationRegistry;
  /**
   * Audit events for every run of an action that writes to a cluster (who, task, cluster, pool,
   * objects, outcome, dry runs and refusals included). The module passes `coreServices.auditor`.
   */
  auditor?: AuditorService;
}
