import { setupServer } from 'msw/node';
import type { EmbeddedCluster } from '@internal/embedded-openshift';
import {
  EMPTY_POOL,
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  TEST_POOLS,
  TEST_PUSH_SECRET,
  directoryContentsFor,
  dryRunTemplate,
  loadTemplate,
  runTemplate,
  startTemplateBackend,
  startTestCluster,
  type TemplateBackend,
} from '@internal/layering-templates-tests';

jest.setTimeout(120_000);

const NAME = 'layering-on-cluster-image';
const CONTAINERFILE = "FROM configs AS final\nRUN echo 'net.core.somaxconn = 1024' > /etc/sysctl.d/90-layering.conf && ostree container commit\n";

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });
const gitlab = new FakeGitLab({ projectPath: 'platform/cluster-gitops' });
const forges = setupServer(...github.handlers(), ...gitlab.handlers());

describe('on-cluster layered image template', () => {
  let cluster: EmbeddedCluster;
  let backend: TemplateBackend;

  beforeAll(async () => {
    forges.listen({ onUnhandledRequest: 'bypass' });
    cluster = await startTestCluster();
    backend = await startTemplateBackend({ cluster, pools: TEST_POOLS });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
    forges.close();
  });

  const values = (extra: Record<string, unknown>) => ({
    target: { cluster: TEST_CLUSTER, pool: EMPTY_POOL },
    reason: 'tmux for debugging',
    containerfile: CONTAINERFILE,
    pushSpec: 'registry.example.com/platform-os/edge-layered:latest',
    pushSecret: TEST_PUSH_SECRET,
    rollout: 'build-first',
    ...extra,
  });

  it('runs in the dry-run API', async () => {
    const template = await loadTemplate(NAME);
    const res = await dryRunTemplate(
      backend.server,
      template.entity as any,
      values({ delivery: 'direct' }),
      await directoryContentsFor(template),
    );
    expect(res.body).toEqual({});
  });

  it('applies directly', async () => {
    const task = await runTemplate(backend.server, NAME, values({ delivery: 'direct' }));
    expect(task).toEqual({});
  });

  it('opens a github PR', async () => {
    const task = await runTemplate(backend.server, NAME, values({ target: { cluster: TEST_CLUSTER, pool: 'worker' }, delivery: 'pull-request', forge: 'github', repoUrl: 'github.com?owner=platform&repo=cluster-gitops' }));
    expect({ task, pulls: github.pulls, files: github.files(github.branches()[1]), calls: github.calls }).toEqual({});
  });

  it('opens a gitlab MR', async () => {
    const task = await runTemplate(backend.server, NAME, values({ target: { cluster: TEST_CLUSTER, pool: 'worker' }, forge: 'gitlab', repoUrl: 'gitlab.com?owner=platform&repo=cluster-gitops' }));
    expect({ task, mrs: gitlab.mergeRequests, calls: gitlab.calls }).toEqual({});
  });
});
