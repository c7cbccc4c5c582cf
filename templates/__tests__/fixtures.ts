import type { JsonObject } from '@backstage/types';
import {
  EMPTY_POOL,
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  TEST_PUSH_SECRET,
} from '@rhcos-layering/layering-templates-tests';

/**
 * Form values of each template as the real form would send them, against the sample scenario of
 * the embedded cluster (OCP 4.18.21): `edge` (custom, no nodes), `worker` (out-of-cluster image
 * built FROM 4.18.17's RHCOS, via MachineConfig os-layer-custom) and `infra` (paused, on-cluster
 * MachineOSConfig infra).
 */

/** 4.18.21's rhel-coreos image (the cluster's machine-config-osimageurl ConfigMap). */
export const RELEASE_BASE_IMAGE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

export const EDGE_IMAGE = `registry.example.com/platform-os/edge-custom@sha256:${'ab'.repeat(
  32,
)}`;
export const REBASED_WORKER_IMAGE = `registry.example.com/platform-os/worker-custom@sha256:${'cd'.repeat(
  32,
)}`;

export const ON_CLUSTER_CONTAINERFILE =
  "FROM configs AS final\nRUN echo 'net.core.somaxconn = 1024' > /etc/sysctl.d/90-layering.conf && \\\n    ostree container commit\n";

export const OUT_OF_CLUSTER_CONTAINERFILE = `FROM ${RELEASE_BASE_IMAGE}\nRUN echo 'net.core.somaxconn = 1024' > /etc/sysctl.d/90-layering.conf && \\\n    ostree container commit\n`;

/** A GitHub pull request to platform/cluster-gitops. */
export const GITHUB = {
  delivery: 'pull-request',
  forge: 'github',
  repoUrl: 'github.com?owner=platform&repo=cluster-gitops',
};

/** A GitLab merge request to platform/cluster-gitops. */
export const GITLAB = {
  delivery: 'pull-request',
  forge: 'gitlab',
  repoUrl: 'gitlab.com?owner=platform&repo=cluster-gitops',
};

export const DIRECT = { delivery: 'direct' };

/**
 * The GitOps repository platform/cluster-gitops that GITHUB and GITLAB deliver to, on a fake
 * GitHub and a fake GitLab, with `files` (else a README) on its default branch.
 */
export function gitopsForges(files?: Record<string, string>) {
  return {
    github: new FakeGitHub({
      owner: 'platform',
      repo: 'cluster-gitops',
      files,
    }),
    gitlab: new FakeGitLab({ projectPath: 'platform/cluster-gitops', files }),
  };
}

export const target = (pool: string) => ({ cluster: TEST_CLUSTER, pool });

/** Values per template name, without the delivery. */
export const TEMPLATE_VALUES: Record<string, JsonObject> = {
  'layering-on-cluster-image': {
    target: target(EMPTY_POOL),
    reason: 'Raise somaxconn for the edge proxies',
    containerfile: ON_CLUSTER_CONTAINERFILE,
    pushSpec: 'registry.example.com/platform-os/edge-layered:latest',
    pushSecret: TEST_PUSH_SECRET,
    rollout: 'build-first',
  },
  'layering-out-of-cluster-image': {
    target: target(EMPTY_POOL),
    reason: 'Edge proxies need a tuned kernel setting',
    image: EDGE_IMAGE,
    baseImage: RELEASE_BASE_IMAGE,
    containerfile: OUT_OF_CLUSTER_CONTAINERFILE,
    rollout: 'build-first',
  },
  'layering-modify-image': {
    target: target('infra'),
    reason: 'Add the somaxconn setting to the infra image',
    containerfile: ON_CLUSTER_CONTAINERFILE,
    pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
    pushSecret: 'infra-os-images-push',
    rollout: 'build-first',
  },
  'layering-rebase-image': {
    target: target('worker'),
    reason: 'The worker image is one release behind',
    baseImage: RELEASE_BASE_IMAGE,
    image: REBASED_WORKER_IMAGE,
    machineConfigName: 'os-layer-custom',
    rollout: 'now',
  },
  'layering-revert-image': {
    target: target('infra'),
    reason: 'The infra pool no longer needs its own image',
    layeredAs: 'on-cluster',
  },
  'layering-pause-resume-pool': {
    target: target('infra'),
    reason: 'Roll out the pending infra build',
    operation: 'resume',
  },
};
