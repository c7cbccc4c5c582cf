/*
 * Runs the catalog with this module and the layering backend: `yarn start` in
 * plugins/catalog-backend-module-layering.
 *
 * With no cluster configured the layering backend serves an empty fleet; give it
 * clusters under kubernetes.clusterLocatorMethods (or start the embedded fleet with
 * `npm start` at the root) to see entities. Authentication is mocked.
 *
 *   curl 'http://localhost:7007/api/catalog/entities/by-query?filter=spec.type=openshift-machine-config-pool'
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@rhcos-layering/plugin-layering-backend'));
backend.add(import('../src'));

backend.start();
