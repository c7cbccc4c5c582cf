import { z as zod } from 'zod/v3';

/** Target cluster, as configured under `kubernetes.clusterLocatorMethods`. */
export const cluster = (z: typeof zod) =>
  z.string({
    description:
      'Name of the target cluster, as configured under kubernetes.clusterLocatorMethods',
  });

/** Target MachineConfigPool. */
export const pool = (z: typeof zod) =>
  z.string({
    description: 'Name of the MachineConfigPool (a DNS-1123 subdomain, e.g. worker or infra)',
  });

/** How the change reaches the cluster, recorded with the request. */
export const delivery = (z: typeof zod) =>
  z
    .enum(['pull-request', 'direct'], {
      description:
        'How the change reaches the cluster: through a reviewed pull request, or applied directly by the action',
    })
    .default('direct');

/** Link to the pull request that carries the change, when there is one. */
export const pullRequestUrl = (z: typeof zod) =>
  z
    .string({ description: 'URL of the pull request that carries this change, if any' })
    .url()
    .optional();

/** Free-text reason shown in the request history. */
export const reason = (z: typeof zod) =>
  z
    .string({ description: 'Why the change is made; shown in the request history' })
    .max(500)
    .optional();

/** Whether to record the request through the layering backend. */
export const recordRequest = (z: typeof zod) =>
  z
    .boolean({
      description:
        'Record this change in the pool request history of the layering backend (default true)',
    })
    .default(true);

/** The GitOps repository of the merge request actions, as the RepoUrlPicker gives it. */
export const gitlabRepoUrl = (z: typeof zod) =>
  z.string({
    description:
      "The GitOps repository as the RepoUrlPicker gives it, e.g. 'gitlab.com?owner=platform&repo=cluster-gitops'",
  });

/** A user's GitLab token for the merge request actions (a task secret). */
export const gitlabToken = (z: typeof zod) =>
  z
    .string({
      description:
        "A user's GitLab token (a task secret); without it the host's integrations.gitlab token is used",
    })
    .optional();
