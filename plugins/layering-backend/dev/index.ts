/*
 * Runs the layering backend alone: `yarn start` in plugins/layering-backend.
 *
 * With no cluster under kubernetes.clusterLocatorMethods, the plugin starts the embedded
 * OpenShift cluster in-process with its sample 4.18.21 state (see the log line).
 * Authentication is mocked: every request without a token acts as user:default/mock.
 *
 *   curl http://localhost:7007/api/layering/health
 *   curl http://localhost:7007/api/layering/clusters
 *   curl http://localhost:7007/api/layering/clusters/embedded/pools/worker
 *   curl 'http://localhost:7007/api/layering/pools?drift=behind'
 *   curl http://localhost:7007/api/layering/clusters/embedded/release
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));

backend.start();
