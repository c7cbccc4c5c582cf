import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import {
  EMPTY_POOL,
  FakeGitHub,
  TEST_POOLS,
  clusterReader,
  expectStatus,
  loadTemplates,
  machineOSConfigPath,
  parameterSchema,
  poolPath,
  runTemplate,
  startForges,
  startTemplateBackend,
  startTestCluster,
  type ForgeServer,
  type TemplateBackend,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, GITHUB, TEMPLATE_VALUES, target } from './fixtures';

jest.setTimeout(120_000);

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });

describe('templates for a user without layering.cluster.apply', () => {
  let cluster: EmbeddedCluster;
  let backend: TemplateBackend;
  let forges: ForgeServer;

  beforeAll(async () => {
    forges = startForges(github);
    cluster = await startTestCluster();
    backend = await startTemplateBackend({
      cluster,
      pools: TEST_POOLS,
      allowDirect: false,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
    forges?.close();
  });

  it.each(Object.keys(TEMPLATE_VALUES))(
    '%s: does not show the direct apply page',
    async name => {
      const schema = await parameterSchema(backend.server, name);
      const titles = schema.steps.map(s => s.title);
      expect(titles).not.toContain('Direct apply');
      expect(titles).toContain('Pull request');
      const all = (await loadTemplates()).find(
        t => t.entity.metadata.name === name,
      )!;
      // Every other page is still there.
      expect(titles).toEqual(
        (all.entity.spec.parameters as Array<{ title: string }>)
          .map(p => p.title)
          .filter(t => t !== 'Direct apply'),
      );
    },
  );

  it('refuses a forged direct request in the action, before anything changes on the cluster', async () => {
    const reader = clusterReader(cluster);
    const before = await reader.get(poolPath(EMPTY_POOL));
    const task = await runTemplate(
      backend.server,
      'layering-on-cluster-image',
      {
        ...TEMPLATE_VALUES['layering-on-cluster-image'],
        ...DIRECT,
      },
    );
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toContain(
      'the layering.cluster.apply permission is required',
    );
    expect(
      (await reader.get(poolPath(EMPTY_POOL))).metadata.resourceVersion,
    ).toBe(before.metadata.resourceVersion);
    expect(await reader.get(machineOSConfigPath(EMPTY_POOL))).toBeUndefined();
  });

  it('refuses a forged direct pause in the action', async () => {
    const task = await runTemplate(
      backend.server,
      'layering-pause-resume-pool',
      {
        target: target('worker'),
        operation: 'pause',
        ...DIRECT,
      },
    );
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toContain(
      'the layering.cluster.apply permission is required',
    );
    expect(
      (await clusterReader(cluster).get(poolPath('worker'))).spec.paused,
    ).toBe(false);
  });

  it('still opens pull requests', async () => {
    const task = await runTemplate(
      backend.server,
      'layering-on-cluster-image',
      {
        ...TEMPLATE_VALUES['layering-on-cluster-image'],
        ...GITHUB,
      },
    );
    expectStatus(task, 'completed');
    expect(github.pulls).toHaveLength(1);
  });
});

describe('templates in the embedded default (no GitHub or GitLab integration)', () => {
  let cluster: EmbeddedCluster;
  let backend: TemplateBackend;
  let forges: ForgeServer;

  beforeAll(async () => {
    forges = startForges();
    cluster = await startTestCluster();
    backend = await startTemplateBackend({
      cluster,
      pools: TEST_POOLS,
      forges: false,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
    forges?.close();
  });

  it('applies directly end to end', async () => {
    const task = await runTemplate(
      backend.server,
      'layering-on-cluster-image',
      {
        ...TEMPLATE_VALUES['layering-on-cluster-image'],
        ...DIRECT,
      },
    );
    expectStatus(task, 'completed');
    expect(
      await clusterReader(cluster).get(machineOSConfigPath(EMPTY_POOL)),
    ).toBeDefined();
  });

  it('fails a pull request for want of a token, after writing nothing anywhere', async () => {
    const reader = clusterReader(cluster);
    const before = await reader.get(poolPath('infra'));
    const task = await runTemplate(backend.server, 'layering-modify-image', {
      ...TEMPLATE_VALUES['layering-modify-image'],
      ...GITHUB,
    });
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toMatch(
      /No token available for host: github\.com/,
    );
    expect(task.ranSteps).not.toContain('record');
    expect((await reader.get(poolPath('infra'))).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(task.output).toEqual({});
  });
});
