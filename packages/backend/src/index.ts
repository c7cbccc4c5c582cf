import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest in the embedded default (app-config.yaml), GitHub in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
// People's OpenShift OAuth tokens, for clusters whose layering writer is `authProvider: oidc`.
backend.add(import('@backstage/plugin-auth-backend-module-openshift-provider'));

// Catalog: pools and clusters come from the layering entity provider.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@rhcos-layering/plugin-catalog-backend-module-layering'));

// Permissions: the layering policy keeps direct apply for the groups allowed to do it.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// Scaffolder with the forges that pull requests go to, and our actions.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(import('@rhcos-layering/plugin-scaffolder-backend-module-layering'));

// The layering plugin: pools, builds, rollouts and drift of every configured cluster.
backend.add(import('@rhcos-layering/plugin-layering-backend'));

// The Kubernetes plugin shares its cluster configuration with the layering plugins.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Live updates for the layering card: signals travel over the events bus.
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Pull and merge request webhooks (POST /api/events/http/github and /gitlab, signatures checked
// with events.modules.<forge>.webhookSecret) for the request history, and the notifications
// the layering backend sends about them.
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
