import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import type { FakeGitHub } from './FakeGitHub';
import type { FakeGitLab } from './FakeGitLab';
import { startForges, type ForgeServer } from './forges';
import { startTemplateBackend, type TemplateBackend } from './templateBackend';
import { startTestCluster, TEST_POOLS } from './testCluster';

/** What a template test suite runs against; filled in by the suite's `beforeAll`. */
export interface TemplateEnvironment {
  cluster: EmbeddedCluster;
  backend: TemplateBackend;
  forges: ForgeServer;
}

/**
 * Registers the suite's lifecycle: GitHub and GitLab stand-ins behind msw, an embedded cluster
 * with the test pools, and a backend with the scaffolder and the layering plugins; everything is
 * stopped again after the suite. Read the returned object's fields inside tests only.
 */
export function useTemplateEnvironment(
  forges: {
    github?: FakeGitHub;
    gitlab?: FakeGitLab;
  },
  extra: {
    /** Images the cluster's registry serves besides the sample's. */
    images?: Array<{ image: string; labels?: Record<string, string> }>;
    /** More `layering` configuration of the backend. */
    layering?: JsonObject;
  } = {},
): TemplateEnvironment {
  const env = {} as TemplateEnvironment;
  beforeAll(async () => {
    env.forges = startForges(
      ...[forges.github, forges.gitlab].filter(
        (fake): fake is FakeGitHub | FakeGitLab => fake !== undefined,
      ),
    );
    env.cluster = await startTestCluster({ images: extra.images });
    env.backend = await startTemplateBackend({
      cluster: env.cluster,
      pools: TEST_POOLS,
      layering: extra.layering,
    });
  });
  afterAll(async () => {
    await env.backend?.stop();
    await env.cluster?.stop();
    env.forges?.close();
  });
  return env;
}
