import { setupServer } from 'msw/node';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from './backend';
import { testConfig } from './cluster';

/** The GitLab the merge-request action tests talk to (through msw), and its portal token. */
export const PORTAL_TOKEN = 'glpat-portal-secret';
export const API = 'https://gitlab.example.com/api/v4';
export const PROJECT = `${API}/projects/platform%2Fcluster-gitops`;
export const BRANCH = 'layering/ocp-418/infra/on-cluster-image';
export const repoUrl = 'gitlab.example.com?owner=platform&repo=cluster-gitops';

/** An msw server for the enclosing test file: errors on unhandled requests, handlers reset per test. */
export function useGitLabServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Action options with no clusters and one GitLab integration (the portal's token by default). */
export function gitlabActionOptions(
  gitlab: JsonObject = {
    host: 'gitlab.example.com',
    apiBaseUrl: API,
    token: PORTAL_TOKEN,
  },
) {
  return {
    clusters: new ClusterClients([], { logger: mockServices.logger.mock() }),
    backend: new RecordingLayeringBackend(),
    permissions: mockServices.permissions.mock(),
    config: testConfig,
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { gitlab: [gitlab] } }),
    ),
  };
}

/** A merge request as GitLab lists it. */
export const mergeRequest = (iid: number, sourceBranch: string) => ({
  iid,
  web_url: `https://gitlab.example.com/platform/cluster-gitops/-/merge_requests/${iid}`,
  title: 'Layered image (on-cluster) for pool infra on ocp-418',
  source_branch: sourceBranch,
  target_branch: 'main',
  labels: ['layering'],
});
