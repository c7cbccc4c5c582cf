import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import {
  EMPTY_POOL,
  TEST_PUSH_SECRET,
  clusterReader,
  expectStatus,
  runTemplate,
  startTemplateBackend,
  startTestCluster,
  type TemplateBackend,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, ON_CLUSTER_CONTAINERFILE } from './fixtures';

jest.setTimeout(120_000);

describe('the on-cluster template on OCP 4.17 (MachineOSConfig v1alpha1)', () => {
  let cluster: EmbeddedCluster;
  let backend: TemplateBackend;

  beforeAll(async () => {
    cluster = await startTestCluster({ state: 'ocp-417' });
    backend = await startTemplateBackend({
      cluster,
      pools: ['master', 'worker', 'infra', EMPTY_POOL],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it('creates a v1alpha1 MachineOSConfig', async () => {
    const task = await runTemplate(
      backend.server,
      'layering-on-cluster-image',
      {
        target: { cluster: 'ocp-417', pool: EMPTY_POOL },
        containerfile: ON_CLUSTER_CONTAINERFILE,
        pushSpec: 'registry.example.com/platform-os/edge-layered:latest',
        pushSecret: TEST_PUSH_SECRET,
        rollout: 'build-first',
        ...DIRECT,
      },
    );
    expectStatus(task, 'completed');
    const mosc = await clusterReader(cluster).get(
      `/apis/machineconfiguration.openshift.io/v1alpha1/machineosconfigs/${EMPTY_POOL}`,
    );
    expect(mosc.apiVersion).toBe('machineconfiguration.openshift.io/v1alpha1');
    expect(mosc.spec.machineConfigPool.name).toBe(EMPTY_POOL);
    expect(mosc.spec.buildInputs.containerFile).toEqual([
      expect.objectContaining({ content: ON_CLUSTER_CONTAINERFILE }),
    ]);
  });
});
